package dev.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries of docs/architecture.md, checked over the main classes of every module (tests
 * may reach into anything). Each rule lives in {@link Rules}, which also holds the edges that break a
 * rule today: each is listed by name, is to be removed by the structure refactor (issue 9), and
 * {@link #noExemptionOutlivesItsEdge} fails once an exempted edge is gone, so the lists only shrink.
 */
@AnalyzeClasses(packages = "dev.parley", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule nothingOutsideClientCoreUsesItsInternals = Rules.nothingOutsideClientCoreUsesItsInternals();

    @ArchTest
    static final ArchRule publicApiExposesNoProtocolType = Rules.publicApiExposesNoProtocolType();

    @ArchTest
    static final ArchRule internalPackagesAreFreeOfCycles = Rules.internalPackagesAreFreeOfCycles();

    @ArchTest
    static final ArchRule serverDependsOnNoClientAndNotOnWebrtc = Rules.serverDependsOnNoClientAndNotOnWebrtc();

    @ArchTest
    static final ArchRule protocolDependsOnNothingOfOurs = Rules.protocolDependsOnNothingOfOurs();

    @ArchTest
    static final ArchRule daemonUsesOnlyThePublicApi = Rules.daemonUsesOnlyThePublicApi();

    @ArchTest
    static void noExemptionOutlivesItsEdge(JavaClasses classes) {
        Set<String> stale = Rules.staleExemptions(classes);
        assertThat(stale).as("exempted edges that no longer exist: delete them from Rules").isEmpty();
    }
}
