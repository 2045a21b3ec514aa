package dev.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.parley.architecture.fixture.UsesInternal;
import dev.parley.architecture.fixture.UsesPublicApi;
import dev.parley.client.ExposesProtocol;
import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;
import dev.parley.client.internal.cyclefixturea.A;
import dev.parley.daemon.archfixture.DaemonUsesCli;
import dev.parley.daemon.archfixture.DaemonUsesInternal;
import dev.parley.daemon.archfixture.DaemonUsesPublicApi;
import dev.parley.client.internal.cyclefixtureb.B;
import dev.parley.protocol.archfixture.UsesServer;
import dev.parley.server.archfixture.UsesClientCore;
import dev.parley.server.archfixture.UsesWebrtc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule of {@link ArchitectureTest} run on small classes (in this module's tests) that break it on
 * purpose, so a rule that can no longer fail (a mistyped package, a wrong predicate) fails here.
 */
class RulesCanFailTest {
    private static JavaClasses of(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    private static EvaluationResult check(ArchRule rule, Class<?>... classes) {
        return rule.evaluate(of(classes));
    }

    @Test
    void aClassOutsideClientCoreUsingAnInternalTypeBreaksTheBoundary() {
        EvaluationResult result = check(Rules.nothingOutsideClientCoreUsesItsInternals(), UsesInternal.class, UsesPublicApi.class);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .singleElement().asString()
                .contains(UsesInternal.class.getName() + ".id").contains("dev.parley.client.internal.store.ContactId");

        assertThat(check(Rules.nothingOutsideClientCoreUsesItsInternals(), UsesPublicApi.class).hasViolation()).isFalse();
    }

    @Test
    void aPublicApiSignatureWithAProtocolTypeIsExposingIt() {
        EvaluationResult result = check(Rules.publicApiExposesNoProtocolType(), ExposesProtocol.class, ExposesProtocol.Nested.class);
        assertThat(result.getFailureReport().getDetails()).hasSize(6)
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol.peer()").contains("exposes dev.parley.protocol.PeerId"))
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol.keys()").contains("exposes dev.parley.protocol.crypto.IdentityKey"))
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol.<init>(dev.parley.protocol.PeerId)"))
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol.field").contains("exposes dev.parley.protocol.PeerId"))
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol$Nested extends or implements").contains("dev.parley.protocol.PeerId"))
                .anySatisfy(d -> assertThat(d).contains("ExposesProtocol$Nested.compareTo(dev.parley.protocol.PeerId)"))
                .noneSatisfy(d -> assertThat(d).contains("hidden"));

        // The real app-facing key: it uses the protocol inside, and shows none of it.
        assertThat(check(Rules.publicApiExposesNoProtocolType(), PeerKey.class, PeerId.class).hasViolation()).isFalse();
    }

    @Test
    void twoInternalPackagesUsingEachOtherAreACycle() {
        EvaluationResult result = check(Rules.internalPackagesAreFreeOfCycles(), A.class, B.class);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("internal.cyclefixturea").contains("internal.cyclefixtureb");

        assertThat(check(Rules.internalPackagesAreFreeOfCycles(), A.class).hasViolation()).isFalse();
    }

    @Test
    void theServerMayUseNeitherWebrtcNorClientCore() {
        EvaluationResult result = check(Rules.serverDependsOnNoClientAndNotOnWebrtc(), UsesWebrtc.class, UsesClientCore.class);
        assertThat(result.getFailureReport().getDetails()).hasSize(2)
                .anySatisfy(d -> assertThat(d).contains("dev.onvoid.webrtc.RTCPeerConnection"))
                .anySatisfy(d -> assertThat(d).contains("dev.parley.client.ParleyClient"));
    }

    @Test
    void theProtocolMayUseOnlyItself() {
        EvaluationResult result = check(Rules.protocolDependsOnNothingOfOurs(), UsesServer.class);
        assertThat(result.getFailureReport().getDetails())
                .singleElement().asString().contains(UsesServer.class.getName() + ".notFine");
    }

    @Test
    void theDaemonMayUseOnlyThePublicApi() {
        EvaluationResult result = check(Rules.daemonUsesOnlyThePublicApi(), DaemonUsesInternal.class, DaemonUsesCli.class,
                DaemonUsesPublicApi.class);
        assertThat(result.getFailureReport().getDetails()).hasSize(2)
                .anySatisfy(d -> assertThat(d).contains("dev.parley.client.internal.store.ContactId"))
                .anySatisfy(d -> assertThat(d).contains("dev.parley.cli.Profile"));

        assertThat(check(Rules.daemonUsesOnlyThePublicApi(), DaemonUsesPublicApi.class).hasViolation()).isFalse();
    }

    @Test
    void everyExemptionIsStaleWhereItsEdgeIsAbsent() {
        assertThat(Rules.INTERNAL_USE_EXEMPTIONS).isNotEmpty();
        assertThat(Rules.staleExemptions(of(UsesInternal.class))).containsExactlyInAnyOrderElementsOf(Rules.INTERNAL_USE_EXEMPTIONS);
    }
}
