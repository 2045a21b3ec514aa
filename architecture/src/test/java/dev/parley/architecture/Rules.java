package dev.parley.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceRule;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The architecture rules, as functions so {@code RulesCanFailTest} can run them on classes made to break them. */
final class Rules {
    static final String CLIENT_CORE = "dev.parley.client..";
    static final String INTERNAL = "dev.parley.client.internal..";
    /** The package an app imports: client-core's public API (its subpackages are internal). */
    static final String PUBLIC_API = "dev.parley.client";
    static final String PROTOCOL = "dev.parley.protocol..";

    /**
     * Uses of client-core internals from outside client-core that exist today, as "top-level origin
     * class -> top-level target class" (nested and anonymous classes count as their outer class).
     * To be removed by the structure refactor (issue 9): each goes once client-core offers what the
     * benchmark needs without its internals (or the benchmark measures through the public API).
     * The CLI has none. {@link ArchitectureTest#noExemptionOutlivesItsEdge} fails on an entry whose
     * edge is gone, so delete entries as they are fixed; never add one.
     */
    static final Set<String> INTERNAL_USE_EXEMPTIONS = Set.of(
            // GroupCallBench (issue 13, merged 2026-12-02): CallBench's method for a mesh — one RtcRuntime per
            // participant, raw PeerSessions back to back, AudioPumps — so it goes with CallBench's entries,
            // when both measure through the public API (a recorded debt, docs/benchmarks.md § Group calls).
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.audio.AudioPump",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.audio.AudioStatsSample",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.audio.RemoteAudioSink",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.audio.ToneSource",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.DescriptionType",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.DescriptionVerifier",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.PeerSession",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.PeerSessionListener",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.RtcConfig",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.RtcRuntime",
            "dev.parley.bench.groupcalls.GroupCallBench -> dev.parley.client.internal.rtc.SignalingChannel",
            // CallBench: two raw PeerSessions wired back to back (no signaling server, no CallEngine),
            // with AudioPumps playing tones and clicks, to measure latency, audibility and CPU.
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.audio.AudioPump",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.audio.PcmSource",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.audio.ToneSource",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.DescriptionType",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.DescriptionVerifier",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.PeerSession",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.PeerSessionListener",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.audio.RemoteAudioSink",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.RtcConfig",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.RtcRuntime",
            "dev.parley.bench.calls.CallBench -> dev.parley.client.internal.rtc.SignalingChannel",
            // BenchLink: a SessionLink over a raw PeerSession with in-memory signaling, for FileTransferBench.
            "dev.parley.bench.files.BenchLink -> dev.parley.client.internal.rtc.DescriptionType",
            "dev.parley.bench.files.BenchLink -> dev.parley.client.internal.rtc.PeerSession",
            "dev.parley.bench.files.BenchLink -> dev.parley.client.internal.rtc.SignalingChannel",
            "dev.parley.bench.files.BenchLink -> dev.parley.client.internal.session.PeerFeature",
            "dev.parley.bench.files.BenchLink -> dev.parley.client.internal.session.SessionLink",
            // FileTransferBench: a bare data channel (PeerSession.send in a loop) against two
            // TransferEngines on their own ProfileStores, without signaling or ParleyClient.
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.rtc.DescriptionVerifier",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.rtc.PeerSession",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.rtc.PeerSessionListener",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.rtc.RtcConfig",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.rtc.RtcRuntime",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.store.ContactStore",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.store.ProfileStore",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.transfer.AutoAcceptPolicy",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.transfer.TransferConfig",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.transfer.TransferEngine",
            "dev.parley.bench.files.FileTransferBench -> dev.parley.client.internal.transfer.TransferListener");

    private Rules() {
    }

    static ArchRule nothingOutsideClientCoreUsesItsInternals() {
        return classes().that().resideOutsideOfPackage(CLIENT_CORE)
                .should(dependOnNothingIn(INTERNAL, INTERNAL_USE_EXEMPTIONS))
                .because("the CLI, the bench and any other UI use client-core's public API, dev.parley.client");
    }

    static SliceRule internalPackagesAreFreeOfCycles() {
        return slices().matching("dev.parley.client.internal.(*)..").namingSlices("internal.$1")
                .should().beFreeOfCycles()
                .because("each internal package is a layer a feature can build on, not a tangle");
    }

    static ArchRule serverDependsOnNoClientAndNotOnWebrtc() {
        return noClasses().that().resideInAPackage("dev.parley.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.onvoid..", CLIENT_CORE, "dev.parley.cli..", "dev.parley.bench..")
                .because("the signaling server only relays: it needs the protocol, never a client or WebRTC");
    }

    static ArchRule protocolDependsOnNothingOfOurs() {
        return noClasses().that().resideInAPackage("dev.parley.protocol..")
                .should().dependOnClassesThat(resideInAPackage("dev.parley..").and(DescribedPredicate.not(resideInAPackage("dev.parley.protocol.."))))
                .because("server and clients share the protocol; it depends on nothing of ours");
    }

    static ArchRule publicApiExposesNoProtocolType() {
        return classes().that().resideInAPackage(PUBLIC_API)
                .should(exposeNothingIn(PROTOCOL))
                .because("an app needs only dev.parley.client: the API offers its own PeerId and PeerKey,"
                        + " and the protocol's types stay an implementation detail (docs/library.md)");
    }

    static final String DAEMON = "dev.parley.daemon..";

    /**
     * The daemon is a UI like the CLI: client-core's public API, Netty, Jackson and SLF4J; never
     * client-core internals, the protocol's types (the API has its own), WebRTC, the CLI, the server or
     * the bench. (The CLI depends on the daemon, not the other way round.)
     */
    static ArchRule daemonUsesOnlyThePublicApi() {
        return noClasses().that().resideInAPackage(DAEMON)
                .should().dependOnClassesThat().resideInAnyPackage(INTERNAL, PROTOCOL, "dev.onvoid..", "dev.parley.cli..", "dev.parley.server..",
                        "dev.parley.bench..", "org.xerial..", "org.sqlite..")
                .because("the daemon serves what ParleyClient offers, through dev.parley.client only (docs/architecture.md)");
    }

    /** Exempted edges that no longer occur: the exemption has done its job and must go. */
    static Set<String> staleExemptions(JavaClasses classes) {
        Set<String> stale = new TreeSet<>(INTERNAL_USE_EXEMPTIONS);
        PackageMatcher internal = PackageMatcher.of(INTERNAL);
        PackageMatcher core = PackageMatcher.of(CLIENT_CORE);
        for (JavaClass c : classes) {
            if (core.matches(c.getPackageName())) continue;
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass().getBaseComponentType();
                if (internal.matches(target.getPackageName())) stale.remove(edge(c, target));
            }
        }
        return stale;
    }

    private static ArchCondition<JavaClass> dependOnNothingIn(String packageIdentifier, Set<String> exempt) {
        PackageMatcher forbidden = PackageMatcher.of(packageIdentifier);
        return new ArchCondition<>("depend on no class in " + packageIdentifier
                + (exempt.isEmpty() ? "" : " (" + exempt.size() + " listed exemptions)")) {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    if (forbidden.matches(target.getPackageName()) && !exempt.contains(edge(origin, target))) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    /**
     * No type in {@code packageIdentifier} in what an outside caller can see of a class: its supertypes
     * and the signatures (parameters, return type, type arguments, throws clause) of its public and
     * protected fields, constructors and methods, when the class itself is reachable (public, and
     * every class around it too). Private fields and method bodies may use anything.
     */
    private static ArchCondition<JavaClass> exposeNothingIn(String packageIdentifier) {
        PackageMatcher forbidden = PackageMatcher.of(packageIdentifier);
        return new ArchCondition<>("expose no type in " + packageIdentifier + " in a public or protected signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (!reachable(c)) return;
                Set<JavaClass> supertypes = new LinkedHashSet<>();
                c.getSuperclass().ifPresent(t -> supertypes.addAll(t.getAllInvolvedRawTypes()));
                c.getInterfaces().forEach(t -> supertypes.addAll(t.getAllInvolvedRawTypes()));
                report(c, c.getName() + " extends or implements", supertypes, forbidden, events);
                for (JavaMember m : c.getMembers()) {
                    Set<JavaModifier> mods = m.getModifiers();
                    if (!(mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED))) continue;
                    if (mods.contains(JavaModifier.SYNTHETIC) || mods.contains(JavaModifier.BRIDGE)) continue;
                    Set<JavaClass> involved = new LinkedHashSet<>();
                    if (m instanceof JavaField f) involved.addAll(f.getAllInvolvedRawTypes());
                    if (m instanceof JavaCodeUnit u) {
                        involved.addAll(u.getAllInvolvedRawTypes());
                        u.getThrowsClause().getTypes().forEach(involved::add);
                    }
                    report(c, m.getFullName(), involved, forbidden, events);
                }
            }
        };
    }

    private static boolean reachable(JavaClass c) {
        return c.getModifiers().contains(JavaModifier.PUBLIC) && c.getEnclosingClass().map(Rules::reachable).orElse(true);
    }

    private static void report(JavaClass c, String where, Set<JavaClass> involved, PackageMatcher forbidden, ConditionEvents events) {
        for (JavaClass t : involved) {
            JavaClass type = t.getBaseComponentType();
            if (forbidden.matches(type.getPackageName())) {
                events.add(SimpleConditionEvent.violated(c, where + " exposes " + type.getName()));
            }
        }
    }

    /** "a.B -> c.D" for the top-level classes of both ends (nested and anonymous classes count as their outer class). */
    static String edge(JavaClass origin, JavaClass target) {
        return topLevel(origin) + " -> " + topLevel(target);
    }

    private static String topLevel(JavaClass c) {
        String name = c.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }
}
