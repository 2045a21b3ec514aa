package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileState;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.rtc.SignalingPipe;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.SessionLink;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.RosterOpId;
import dev.parley.protocol.swarm.SwarmOffer;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole-file check at the end of a group download (docs/protocol.md § Swarm files, Downloading):
 * two real engines over a real WebRTC session; the sharer's offer reaches the other as its signed post,
 * and once with a SHA-256 that is not the file's (a sharer whose tree and hash disagree). Every piece
 * matches the tree, the whole file does not match the offer: the file fails and nothing is kept. Then a
 * whole, verified file that cannot be saved (its download folder gone): it fails as an io-error, nothing kept.
 */
@Tag("native")
class BadOfferTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A session link that says when the chat channel (the link) is up. */
    static final class Link extends SessionLink {
        final CountDownLatch up = new CountDownLatch(1);

        Link(PeerId remote, PeerFeature feature) {
            super(remote, feature);
        }

        @Override
        public void onChannelOpen(PeerSession s, String label) {
            super.onChannelOpen(s, label);
            if (PeerSession.CHAT.equals(label)) up.countDown();
        }
    }

    @TempDir
    Path dir;
    final RtcRuntime rtcA = RtcRuntime.create(RtcConfig.defaults()), rtcB = RtcRuntime.create(RtcConfig.defaults());
    final SignalingPipe aToB = new SignalingPipe("a2b"), bToA = new SignalingPipe("b2a");
    SwarmEngine alice, bob;
    ProfileStore aliceStore, bobStore;

    @AfterEach
    void close() throws Exception {
        aToB.shutdown();
        bToA.shutdown();
        rtcA.close();
        rtcB.close();
        if (alice != null) alice.close();
        if (bob != null) bob.close();
        if (aliceStore != null) aliceStore.close();
        if (bobStore != null) bobStore.close();
    }

    Path file(String name, int size, int seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(Files.createDirectories(dir.resolve("src")).resolve(name), data);
    }

    @Test
    void piecesThatMatchTheTreeButAFileThatDoesNotMatchTheOffersHashFailAndKeepNothing() throws Exception {
        IdentityKeyPair ka = IdentityKeyPair.generate(), kb = IdentityKeyPair.generate();
        PeerId a = ka.publicKey().peerId(), b = kb.publicKey().peerId();
        GroupId group = GroupId.derive(ka.publicKey(), new byte[GroupId.SALT_LENGTH]);
        AtomicBoolean lie = new AtomicBoolean(true);
        AtomicInteger posts = new AtomicInteger();
        aliceStore = ProfileStore.open(dir.resolve("a"), ka.publicKey(), Clock.systemUTC());
        bobStore = ProfileStore.open(dir.resolve("b"), kb.publicKey(), Clock.systemUTC());
        alice = new SwarmEngine(a, aliceStore.groupFiles(), dir.resolve("a/swarm"), dir.resolve("a/downloads"), g -> Optional.of(Set.of(b)), (g, body) -> {
            SwarmOffer o = SwarmOffer.parse(body).orElseThrow();
            if (lie.get()) o = new SwarmOffer(o.name(), o.size(), o.mediaType(), o.pieceSize(), o.root(), "0".repeat(64));
            int n = posts.incrementAndGet();
            GroupMessage m = GroupMessage.sign(ka, g, 1, null, List.of(), RosterOpId.ofCanonical(new byte[]{(byte) n}), n,
                    System.currentTimeMillis(), o.toBody());
            bob.posts(g, List.of(m));
            return m.id();
        }, Scheduler.system());
        Path bobDownloads = dir.resolve("b/downloads");
        bob = new SwarmEngine(b, bobStore.groupFiles(), dir.resolve("b/swarm"), bobDownloads, g -> Optional.of(Set.of(a)),
                (g, body) -> { throw new AssertionError("bob shares nothing"); }, Scheduler.system());
        EventRecorder<GroupFileEvent> events = new EventRecorder<GroupFileEvent>("bob").timeout(WAIT)
                .ignoring("progress, and alice holding her files", e -> e instanceof GroupFileEvent.Progress || e instanceof GroupFileEvent.Held);
        bob.addListener(events);
        Link la = new Link(b, alice), lb = new Link(a, bob);
        PeerSession sa = rtcA.newSession(a.value(), b.value(), aToB, DescriptionVerifier.ACCEPT_ALL, la);
        PeerSession sb = rtcB.newSession(b.value(), a.value(), bToA, DescriptionVerifier.ACCEPT_ALL, lb);
        la.bind(sa);
        lb.bind(sb);
        aToB.connectTo(sb);
        bToA.connectTo(sa);
        sa.dial();
        assertThat(la.up.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("alice's link up").isTrue();
        assertThat(lb.up.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("bob's link up").isTrue();

        Path src = file("report.bin", 300_000, 1); // five 64 KiB pieces, the last one short
        GroupFileOffer shared = alice.share(group, src);
        GroupFileEvent.Offered offered = events.expectNext(GroupFileEvent.Offered.class, "the lying offer", e -> e.file().equals(shared.id()));
        assertThat(offered.offer().sha256Hex()).isEqualTo("0".repeat(64)).isNotEqualTo(shared.sha256Hex());
        bob.accept(Ids.wire(shared.id()));
        events.expectNext(GroupFileEvent.Accepted.class, "bob accepts", e -> e.file().equals(shared.id()) && !e.automatically());
        GroupFileEvent.Failed failed = events.expectNext(GroupFileEvent.Failed.class, "the whole file fails", e -> e.file().equals(shared.id()));
        assertThat(failed.reason()).isEqualTo("sha256-mismatch");
        try (Stream<Path> kept = Files.list(bobDownloads); Stream<Path> parts = Files.list(dir.resolve("b/swarm"))) {
            assertThat(kept).as("nothing saved").isEmpty();
            assertThat(parts.map(p -> p.getFileName().toString())).as("part file and bitmap deleted")
                    .noneMatch(n -> n.endsWith(".part") || n.endsWith(".bits"));
        }
        assertThat(bobStore.groupFiles().get(Ids.wire(shared.id()))).as("recorded as failed, no path")
                .hasValueSatisfying(f -> assertThat(f).extracting(GroupFile::state, GroupFile::path).containsExactly(GroupFileState.FAILED, null));

        // The sentinel: an honest offer of the same bytes arrives next (nothing else came in between) and completes.
        lie.set(false);
        GroupFileOffer honest = alice.share(group, file("report again.bin", 300_000, 1));
        assertThat(events.expectNext(GroupFileEvent.Offered.class, "the honest offer", e -> e.file().equals(honest.id())).offer().sha256Hex())
                .isEqualTo(shared.sha256Hex());
        bob.accept(Ids.wire(honest.id()));
        events.expectNext(GroupFileEvent.Accepted.class, "bob accepts", e -> e.file().equals(honest.id()));
        GroupFileEvent.Completed done = events.expectNext(GroupFileEvent.Completed.class, "complete", e -> e.file().equals(honest.id()));
        assertThat(done.sources()).isEqualTo(java.util.Map.of(Ids.app(a), 300_000L));
        assertThat(Files.readAllBytes(done.path())).isEqualTo(Files.readAllBytes(src));
        events.assertExhausted();
        assertThat(bobStore.groupFiles().get(Ids.wire(honest.id()))).hasValueSatisfying(f -> assertThat(f)
                .extracting(GroupFile::state, GroupFile::path).containsExactly(GroupFileState.COMPLETED, done.path()));
        Path shared2 = dir.resolve("src/report again.bin").toRealPath();
        assertThat(aliceStore.groupFiles().get(Ids.wire(honest.id()))).hasValueSatisfying(f -> assertThat(f)
                .extracting(GroupFile::state, GroupFile::path).containsExactly(GroupFileState.SHARED, shared2));

        // The download folder goes away (an unplugged drive) while a file is fetched: whole and verified, it
        // cannot be saved. Said as an io-error, recorded failed, nothing of it kept.
        Path unplugged = Files.move(bobDownloads, dir.resolve("b/unplugged"));
        GroupFileOffer third = alice.share(group, file("third.bin", 200_000, 3));
        events.expectNext(GroupFileEvent.Offered.class, "the third offer", e -> e.file().equals(third.id()));
        bob.accept(Ids.wire(third.id()));
        events.expectNext(GroupFileEvent.Accepted.class, "bob accepts the third", e -> e.file().equals(third.id()));
        assertThat(events.expectNext(GroupFileEvent.Failed.class, "cannot be saved", e -> e.file().equals(third.id())).reason())
                .isEqualTo("io-error");
        assertThat(bobStore.groupFiles().get(Ids.wire(third.id()))).hasValueSatisfying(f -> assertThat(f)
                .extracting(GroupFile::state, GroupFile::path).containsExactly(GroupFileState.FAILED, null));
        try (Stream<Path> parts = Files.list(dir.resolve("b/swarm"))) {
            assertThat(parts.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part") || n.endsWith(".bits"));
        }
        // Plugged back in: the next file is saved there (and nothing else came in between).
        Files.move(unplugged, bobDownloads);
        GroupFileOffer fourth = alice.share(group, file("fourth.bin", 100_000, 4));
        events.expectNext(GroupFileEvent.Offered.class, "the fourth offer", e -> e.file().equals(fourth.id()));
        bob.accept(Ids.wire(fourth.id()));
        events.expectNext(GroupFileEvent.Accepted.class, "bob accepts the fourth", e -> e.file().equals(fourth.id()));
        GroupFileEvent.Completed last = events.expectNext(GroupFileEvent.Completed.class, "saved", e -> e.file().equals(fourth.id()));
        assertThat(last.path().getParent()).isEqualTo(bobDownloads.toRealPath());
        events.assertExhausted();
    }
}
