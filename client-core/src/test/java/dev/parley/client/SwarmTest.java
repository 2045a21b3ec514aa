package dev.parley.client;

import dev.parley.client.ClientEvents.GroupMemberChanged;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group files between three real clients (real server, real WebRTC sessions, real profiles): pieces
 * come from every holder, a holder serving corrupted data is caught and dropped, and a removed member
 * is served nothing.
 */
@Tag("native")
class SwarmTest {
    static final int SIZE = 3 * 1024 * 1024 + 12_345; // 25 pieces of 128 KiB (SwarmMerkle.pieceSizeFor), the last one short

    @TempDir
    Path dir;
    TestNetwork net;
    ParleyClient a, b, c;
    ClientEvents ra, rb, rc;
    EventRecorder<GroupFileEvent> fa, fb, fc;
    GroupId group;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** A member's group-file events without progress and (except for the sharer, Alice) without "member X holds it". */
    static EventRecorder<GroupFileEvent> files(String name, ParleyClient client) {
        EventRecorder<GroupFileEvent> r = new EventRecorder<GroupFileEvent>(name);
        r.timeout(ClientEvents.WAIT);
        r.ignoring(GroupFileEvent.Progress.class);
        if (!name.startsWith("alice")) r.ignoring(GroupFileEvent.Held.class);
        client.addGroupFileListener(r::accept);
        return r;
    }

    /** A recorder that keeps progress too, and a way to wait for the first at or above {@code bytes}. */
    static EventRecorder<GroupFileEvent> withProgress(String name, ParleyClient client) {
        EventRecorder<GroupFileEvent> r = new EventRecorder<GroupFileEvent>(name);
        r.timeout(ClientEvents.WAIT);
        r.ignoring(GroupFileEvent.Held.class);
        client.addGroupFileListener(r::accept);
        return r;
    }

    static GroupFileEvent.Progress progressAtLeast(EventRecorder<GroupFileEvent> r, long bytes) {
        while (true) {
            GroupFileEvent e = r.expectNext("progress (at least " + bytes + " bytes)", x -> x instanceof GroupFileEvent.Progress);
            if (((GroupFileEvent.Progress) e).bytes() >= bytes) return (GroupFileEvent.Progress) e;
        }
    }

    static GroupFileEvent.Completed completion(EventRecorder<GroupFileEvent> r) {
        while (true) {
            GroupFileEvent e = r.expectNext("progress or completion",
                    x -> x instanceof GroupFileEvent.Progress || x instanceof GroupFileEvent.Completed);
            if (e instanceof GroupFileEvent.Completed done) return done;
        }
    }

    void threeMembers() throws Exception {
        net = new TestNetwork(dir);
        ra = new ClientEvents("alice").ignoringConnectivity();
        rb = new ClientEvents("bob").ignoringConnectivity();
        rc = new ClientEvents("carol").ignoringConnectivity();
        // Whether an invitee hears Carol's add as a change or inside its invitation depends on timing; the offers are posts.
        for (ClientEvents r : List.of(rb, rc)) {
            r.ignoring("adds", e -> e instanceof GroupMemberChanged m && m.change() == GroupMember.Change.ADDED);
        }
        for (ClientEvents r : List.of(ra, rb, rc)) r.ignoring(ClientEvents.GroupMessage.class);
        a = net.client("alice", ra);
        b = net.client("bob", rb);
        c = net.client("carol", rc);
        fa = files("alice-files", a);
        fb = files("bob-files", b);
        fc = files("carol-files", c);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        group = GroupTest.family(a, ra, b, rb, c, rc);
    }

    Path sourceFile() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(12).nextBytes(data);
        Path src = Files.createDirectories(dir.resolve("src")).resolve("holiday ✓.bin");
        Files.write(src, data);
        return src;
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    GroupFileOffer offered(EventRecorder<GroupFileEvent> r, GroupFileOffer shared) {
        GroupFileEvent.Offered o = r.expectNext(GroupFileEvent.Offered.class, "offer of " + shared.name(), e -> e.file().equals(shared.id()));
        assertThat(o.offer()).isEqualTo(shared);
        return o.offer();
    }

    /** The member accepts the file; each of its recorders hears so once, as the app's own acceptance. */
    @SafeVarargs
    static void accept(ParleyClient member, GroupFileOffer file, EventRecorder<GroupFileEvent>... recorders) {
        member.acceptGroupFile(file.id());
        for (EventRecorder<GroupFileEvent> r : recorders) {
            r.expectNext(GroupFileEvent.Accepted.class, r.name() + " accepted " + file.name(),
                    e -> e.file().equals(file.id()) && e.group().equals(file.group()) && !e.automatically());
        }
    }

    @Test
    void aSecondHolderServesTheThirdMemberAlongsideTheSharer() throws Exception {
        threeMembers();
        Path src = sourceFile();
        GroupFileOffer shared = a.shareFileToGroup(group, src);
        assertThat(shared.from()).isEqualTo(a.peerId());
        assertThat(shared.size()).isEqualTo(SIZE);
        assertThat(shared.sha256Hex()).isEqualTo(sha256(src));
        offered(fb, shared);
        offered(fc, shared);

        accept(b, shared, fb);
        GroupFileEvent.Completed atBob = fb.expectNext(GroupFileEvent.Completed.class, "bob has it", e -> e.file().equals(shared.id()));
        assertThat(atBob.sources()).isEqualTo(Map.of(a.peerId(), (long) SIZE));
        assertThat(sha256(atBob.path())).isEqualTo(shared.sha256Hex());
        assertThat(atBob.path().getFileName().toString()).isEqualTo("holiday ✓.bin");

        accept(c, shared, fc);
        GroupFileEvent.Completed atCarol = fc.expectNext(GroupFileEvent.Completed.class, "carol has it", e -> e.file().equals(shared.id()));
        assertThat(atCarol.sources().keySet()).as("pieces from both holders").containsExactlyInAnyOrder(a.peerId(), b.peerId());
        assertThat(atCarol.sources().values()).allSatisfy(v -> assertThat(v).isPositive());
        assertThat(atCarol.sources().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SIZE);
        assertThat(Files.readAllBytes(atCarol.path())).isEqualTo(Files.readAllBytes(src));
        // The sharer hears each member hold the whole file (what 'send-file --group' waits for).
        fa.expectInAnyOrder(
                EventRecorder.event("bob holds it", e -> e instanceof GroupFileEvent.Held h && h.member().equals(b.peerId())),
                EventRecorder.event("carol holds it", e -> e instanceof GroupFileEvent.Held h && h.member().equals(c.peerId())));
        for (EventRecorder<GroupFileEvent> r : List.of(fa, fb, fc)) r.assertExhausted();
        assertThat(a.groupFileRefusals() + b.groupFileRefusals()).isZero();
    }

    @Test
    void anAutoAcceptRuleTakesTheGroupsOffersUpToItsCapAndNothingElse() throws Exception {
        threeMembers();
        c.autoAcceptGroupFiles(group, SIZE);
        b.autoAcceptFiles(a.peerId(), Long.MAX_VALUE); // Bob's 1:1 rule for Alice does not reach into the group
        assertThatThrownBy(() -> c.autoAcceptGroupFiles(group, -1)).isInstanceOf(IllegalArgumentException.class);
        GroupId unknown = GroupId.of(dev.parley.protocol.crypto.Base64Url.encode(new byte[32]));
        assertThatThrownBy(() -> c.autoAcceptGroupFiles(unknown, SIZE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no group");

        GroupFileOffer shared = a.shareFileToGroup(group, sourceFile());
        offered(fc, shared);
        fc.expectNext(GroupFileEvent.Accepted.class, "carol's rule takes it", e -> e.file().equals(shared.id()) && e.automatically());
        GroupFileEvent.Completed atCarol = fc.expectNext(GroupFileEvent.Completed.class, "carol has it", e -> e.file().equals(shared.id()));
        assertThat(atCarol.sources()).isEqualTo(Map.of(a.peerId(), (long) SIZE));
        assertThat(sha256(atCarol.path())).isEqualTo(shared.sha256Hex());
        offered(fb, shared); // and nothing more at Bob: he has no rule for the group

        byte[] big = new byte[SIZE + 1];
        new Random(5).nextBytes(big);
        GroupFileOffer over = a.shareFileToGroup(group, Files.write(dir.resolve("src").resolve("over the cap.bin"), big));
        offered(fc, over);
        offered(fb, over);
        // The sentinel: Bob's small file is taken by Carol's rule; nothing was accepted in between.
        byte[] small = new byte[200_000];
        new Random(6).nextBytes(small);
        GroupFileOffer fromBob = b.shareFileToGroup(group, Files.write(dir.resolve("src").resolve("small.bin"), small));
        offered(fc, fromBob);
        fc.expectNext(GroupFileEvent.Accepted.class, "carol's rule takes bob's", e -> e.file().equals(fromBob.id()) && e.automatically());
        GroupFileEvent.Completed second = fc.expectNext(GroupFileEvent.Completed.class, "carol has bob's", e -> e.file().equals(fromBob.id()));
        assertThat(Files.readAllBytes(second.path())).isEqualTo(small);
        fc.assertExhausted();
        fb.assertExhausted();
        // The file over the cap still waits for Carol's answer.
        c.declineGroupFile(over.id());
    }

    @Test
    void aHolderServingCorruptedDataIsBlamedAndDroppedAndTheFileStillArrivesWhole() throws Exception {
        threeMembers();
        Path src = sourceFile();
        GroupFileOffer shared = a.shareFileToGroup(group, src);
        offered(fb, shared);
        offered(fc, shared);
        accept(b, shared, fb);
        Path atBob = fb.expectNext(GroupFileEvent.Completed.class, "bob has it", e -> e.file().equals(shared.id())).path();
        // Bob's copy rots on disk (same length, every piece wrong): he still announces every piece.
        byte[] junk = new byte[SIZE];
        new Random(99).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(atBob.toFile(), "rw")) {
            f.write(junk);
        }

        accept(c, shared, fc);
        GroupFileEvent.HolderDropped dropped = fc.expectNext(GroupFileEvent.HolderDropped.class, "bob blamed", e -> e.file().equals(shared.id()));
        assertThat(dropped.holder()).isEqualTo(b.peerId());
        assertThat(dropped.reason()).isEqualTo("bad-piece");
        GroupFileEvent.Completed atCarol = fc.expectNext(GroupFileEvent.Completed.class, "carol has it", e -> e.file().equals(shared.id()));
        assertThat(atCarol.sources()).isEqualTo(Map.of(a.peerId(), (long) SIZE));
        assertThat(sha256(atCarol.path())).isEqualTo(shared.sha256Hex());
        fc.assertExhausted();
    }

    @Test
    void aRemovedMemberIsServedNothing() throws Exception {
        threeMembers();
        Path src = sourceFile();
        GroupFileOffer shared = a.shareFileToGroup(group, src);
        offered(fb, shared);
        offered(fc, shared);
        accept(b, shared, fb);
        fb.expectNext(GroupFileEvent.Completed.class, "bob has it", e -> e.file().equals(shared.id()));

        a.removeFromGroup(group, c.peerId());
        ra.expectNext(GroupMemberChanged.class, "carol removed", e -> e.member().equals(c.peerId()) && e.change() == GroupMember.Change.REMOVED);
        // Bob learns of the removal from Alice's roster.
        rb.expectNext(GroupMemberChanged.class, "bob hears carol was removed",
                e -> e.member().equals(c.peerId()) && e.change() == GroupMember.Change.REMOVED);

        accept(c, shared, fc);
        List<GroupFileEvent> refusals = fc.expectInAnyOrder(
                EventRecorder.event("alice refuses", e -> e instanceof GroupFileEvent.Refused r && r.holder().equals(a.peerId())),
                EventRecorder.event("bob refuses", e -> e instanceof GroupFileEvent.Refused r && r.holder().equals(b.peerId())));
        assertThat(refusals).allSatisfy(e -> assertThat(((GroupFileEvent.Refused) e).reason()).isEqualTo("not-allowed"));
        assertThat(a.groupFileRefusals()).isPositive();
        assertThat(b.groupFileRefusals()).isPositive();
        fc.assertExhausted();
    }

    @Test
    void aHolderLeavingMidTransferMeansTheOtherServesTheRest() throws Exception {
        threeMembers();
        Path src = sourceFile();
        GroupFileOffer shared = a.shareFileToGroup(group, src);
        offered(fb, shared);
        offered(fc, shared);
        accept(b, shared, fb);
        fb.expectNext(GroupFileEvent.Completed.class, "bob has it", e -> e.file().equals(shared.id()));
        // Capped holders, so Carol is mid-transfer when Bob goes: 3 MiB at 2 × 512 KiB/s takes about 3 s.
        a.setGroupFileUploadLimit(512 * 1024);
        b.setGroupFileUploadLimit(512 * 1024);
        EventRecorder<GroupFileEvent> carol = withProgress("carol-progress", c);
        accept(c, shared, fc, carol);
        GroupFileEvent.Progress mid = progressAtLeast(carol, 256 * 1024);
        assertThat(mid.bytes()).isLessThan(SIZE);
        b.close();
        GroupFileEvent.Completed done = completion(carol);
        assertThat(done.sources()).containsKey(a.peerId());
        assertThat(done.sources().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SIZE);
        assertThat(sha256(done.path())).isEqualTo(shared.sha256Hex());
    }

    @Test
    void aDownloaderRestartResumesFromItsVerifiedPieces() throws Exception {
        threeMembers();
        Path src = sourceFile();
        GroupFileOffer shared = a.shareFileToGroup(group, src);
        offered(fc, shared);
        // Consent: Bob declines, so he never fetches or holds it.
        offered(fb, shared);
        b.declineGroupFile(shared.id());
        a.setGroupFileUploadLimit(1024 * 1024);
        EventRecorder<GroupFileEvent> carol = withProgress("carol-progress", c);
        accept(c, shared, fc, carol);
        long before = progressAtLeast(carol, 1024 * 1024).bytes();
        assertThat(before).isLessThan(SIZE);
        c.close();

        ClientEvents rc2 = new ClientEvents("carol-again").ignoringConnectivity();
        ParleyClient c2 = net.client("carol", rc2);
        EventRecorder<GroupFileEvent> again = withProgress("carol-again-progress", c2);
        a.setGroupFileUploadLimit(0);
        GroupFileEvent.Completed done = completion(again);
        assertThat(done.file()).isEqualTo(shared.id());
        // Only what was not verified before the restart came again.
        assertThat(done.sources().get(a.peerId())).isLessThanOrEqualTo(SIZE - before);
        assertThat(sha256(done.path())).isEqualTo(shared.sha256Hex());
        fa.expectNext(GroupFileEvent.Held.class, "carol holds it", h -> h.member().equals(c2.peerId()));
        fa.assertExhausted();
        fb.assertExhausted();
        assertThat(b.groupFiles()).singleElement().satisfies(o -> assertThat(o.id()).isEqualTo(shared.id()));
    }
}
