package dev.parley.client;

import dev.parley.client.ClientEvents.GroupCallEnded;
import dev.parley.client.ClientEvents.GroupCallJoined;
import dev.parley.client.ClientEvents.GroupCallLeft;
import dev.parley.client.ClientEvents.GroupCallMuted;
import dev.parley.client.ClientEvents.GroupCallStarted;
import dev.parley.client.ClientEvents.GroupMemberChanged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group calls among real clients over a real server and real WebRTC sessions with headless audio:
 * each participant plays its own tone and records the mix of what it hears (docs/library.md § Group calls).
 */
@Tag("native")
class GroupCallTest {
    static final double A_HZ = 600, B_HZ = 900, C_HZ = 1200;
    /** Two equal tones in a mix: each carries about half the energy. */
    static final ToneAnalysis.Threshold IN_MIX = new ToneAnalysis.Threshold(0.05, 0.3);
    static final int BYTES_PER_S = 48_000 * 2;

    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** An invitee: whether it hears a co-invitee's add as a change or inside its invitation depends on timing (GroupTest's). */
    private static ClientEvents invitee(String name) {
        ClientEvents r = new ClientEvents(name).ignoringConnectivity();
        r.ignoring(GroupMemberChanged.class);
        return r;
    }

    @Test
    void threeMembersHearEachOtherNotThemselvesOneLeavesAndRejoinsTheCallEndsWithTheLast() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = invitee("bob"), rc = invitee("carol");
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        GroupId g = GroupTest.family(a, ra, b, rb, c, rc);
        List<ClientEvents> all = List.of(ra, rb, rc);
        Path wa = dir.resolve("alice.wav"), wb = dir.resolve("bob.wav"), wc = dir.resolve("carol.wav"), wc2 = dir.resolve("carol2.wav");

        // Alice starts: everyone hears the call began and that she is in it.
        CallId id = a.startGroupCall(g, CallMedia.tone(A_HZ, null).record(wa));
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, id, a.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, a.peerId()));
        }
        assertThat(b.groupCall(g)).hasValueSatisfying(i -> {
            assertThat(i.joined()).isFalse();
            assertThat(i.participants()).containsExactly(a.peerId());
        });
        // A second start in the same group joins that call; a join with no call fails: both are Bob's below.
        assertThat(b.startGroupCall(g, CallMedia.tone(B_HZ, null).record(wb))).isEqualTo(id);
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, b.peerId()));
        assertThat(c.joinGroupCall(g, CallMedia.tone(C_HZ, null).record(wc))).isEqualTo(id);
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c.peerId()));
        for (ParleyClient p : List.of(a, b, c)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.joined()).isTrue();
                assertThat(i.participants()).containsExactlyInAnyOrder(a.peerId(), b.peerId(), c.peerId());
            });
        }

        // Four seconds of the three-way call, by each recording's own clock.
        long sa = Files.size(wa), sb = Files.size(wb), sc = Files.size(wc);
        awaitSize(wa, sa + 4L * BYTES_PER_S);
        awaitSize(wb, sb + 4L * BYTES_PER_S);
        awaitSize(wc, sc + 4L * BYTES_PER_S);

        // Carol leaves (the call goes on) and comes back with a new recording.
        c.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c.peerId(), "left"));
        assertThat(c.groupCall(g)).hasValueSatisfying(i -> assertThat(i.joined()).isFalse());
        assertThat(c.joinGroupCall(g, CallMedia.tone(C_HZ, null).record(wc2))).isEqualTo(id);
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c.peerId()));
        for (ParleyClient p : List.of(a, b, c)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i ->
                    assertThat(i.participants()).containsExactlyInAnyOrder(a.peerId(), b.peerId(), c.peerId()));
        }
        // Four more seconds with Carol back, on the same sessions (her second call on each of them).
        long ra2 = Files.size(wa), rb2 = Files.size(wb);
        awaitSize(wc2, 44 + 4L * BYTES_PER_S);
        awaitSize(wa, ra2 + 4L * BYTES_PER_S);
        awaitSize(wb, rb2 + 4L * BYTES_PER_S);

        // Everyone leaves; the last one out ends the call, at every member.
        a.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, a.peerId(), "left"));
        b.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, b.peerId(), "left"));
        c.leaveGroupCall(g);
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c.peerId(), "left"));
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, id));
            assertThat(r.next(ClientEvents.GroupCallRecorded.class).record().call()).isEqualTo(id); // GroupCallHistoryTest looks closer
        }
        for (ParleyClient p : List.of(a, b, c)) assertThat(p.groupCall(g)).isEmpty();
        assertThatThrownBy(() -> a.joinGroupCall(g, CallMedia.devices()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no call");
        for (ClientEvents r : all) r.assertExhausted();

        heardTheOthersNotItself("alice", wa, 0, A_HZ, B_HZ, C_HZ);
        heardTheOthersNotItself("bob", wb, 0, B_HZ, A_HZ, C_HZ);
        heardTheOthersNotItself("carol", wc, 0, C_HZ, A_HZ, B_HZ);
        heardTheOthersNotItself("carol after rejoining", wc2, 0, C_HZ, A_HZ, B_HZ);
        heardTheOthersNotItself("alice after carol rejoined", wa, ra2, A_HZ, B_HZ, C_HZ);
        heardTheOthersNotItself("bob after carol rejoined", wb, rb2, B_HZ, A_HZ, C_HZ);
    }

    @Test
    void aFullCallRefusesTheNextJoinerAndAMemberInAGroupCallIsBusyForOneToOneCalls() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = invitee("bob"), rc = invitee("carol"),
                rd = invitee("dave");
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc), d = net.client("dave", rd);
        for (ClientEvents r : List.of(ra, rb, rc, rd)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        for (ParleyClient p : List.of(a, b, c)) TestNetwork.befriend(p, "x", d, "dave");
        GroupId g = GroupTest.family(a, ra, b, rb, c, rc);
        a.invite(g, List.of(d.peerId()));
        ra.expectNext(GroupMemberChanged.class, "dave added", e -> e.member().equals(d.peerId()));
        rd.expectNext(ClientEvents.GroupInvited.class, "dave invited", e -> e.group().equals(g));
        d.acceptGroup(g);
        // A mesh of 3 stands in for the mesh of 6 (four real audio peers on two cores is the budget).
        for (ParleyClient p : List.of(a, b, c, d)) p.groupCallLimit(3);
        List<ClientEvents> all = List.of(ra, rb, rc, rd);

        CallId id = a.startGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, id, a.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, a.peerId()));
        }
        b.joinGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, b.peerId()));
        c.joinGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c.peerId()));

        // Dave is the one too many: a clear refusal, and nobody hears of him.
        assertThatThrownBy(() -> d.joinGroupCall(g, CallMedia.devices()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the group call is full: 3 participants");
        assertThat(d.groupCall(g)).hasValueSatisfying(i -> {
            assertThat(i.joined()).isFalse();
            assertThat(i.participants()).containsExactlyInAnyOrder(a.peerId(), b.peerId(), c.peerId());
        });

        // Alice is busy for a 1:1 call while in the group call; Dave's call ends BUSY at once, on both sides.
        CallId call = d.call(a.peerId(), CallMedia.devices()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(rd.next(ClientEvents.CallDialing.class)).isEqualTo(new ClientEvents.CallDialing(call, a.peerId()));
        assertThat(rd.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.BUSY);
        CallRecord atA = ra.next(ClientEvents.CallEnded.class).record();
        assertThat(atA.reason()).isEqualTo(CallEndReason.BUSY);
        assertThat(atA.missed()).isTrue();
        for (ClientEvents r : all) r.assertExhausted();

        // A member leaves: there is room for Dave now.
        c.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c.peerId(), "left"));
        assertThat(d.joinGroupCall(g, CallMedia.devices())).isEqualTo(id);
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, d.peerId()));
        for (ParleyClient p : List.of(a, b, d)) {
            p.leaveGroupCall(g);
            for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, p.peerId(), "left"));
        }
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, id));
            assertThat(r.next(ClientEvents.GroupCallRecorded.class).record().call()).isEqualTo(id); // GroupCallHistoryTest looks closer
            r.assertExhausted();
        }
    }

    @Test
    void aParticipantsMuteIsHeardAsSilenceAndSeenByEveryMemberOncePerChange() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = invitee("bob"), rc = invitee("carol");
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        GroupId g = GroupTest.family(a, ra, b, rb, c, rc);
        List<ClientEvents> all = List.of(ra, rb, rc);
        Path wa = dir.resolve("alice.wav"), wb = dir.resolve("bob.wav"), wc = dir.resolve("carol.wav"), wc2 = dir.resolve("carol2.wav");

        CallId id = a.startGroupCall(g, CallMedia.tone(A_HZ, null).record(wa));
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, id, a.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, a.peerId()));
        }
        b.joinGroupCall(g, CallMedia.tone(B_HZ, null).record(wb));
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, b.peerId()));
        c.joinGroupCall(g, CallMedia.tone(C_HZ, null).record(wc));
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c.peerId()));
        awaitSize(wa, Files.size(wa) + 3L * BYTES_PER_S);
        awaitSize(wc, Files.size(wc) + 3L * BYTES_PER_S);

        // Bob mutes: every member (Bob too) hears of it once; muting again changes nothing.
        b.muteGroupCall(g, true);
        for (ClientEvents r : all) assertThat(r.next(GroupCallMuted.class)).isEqualTo(new GroupCallMuted(g, id, b.peerId(), true));
        b.muteGroupCall(g, true);
        assertThat(b.groupCall(g)).hasValueSatisfying(i -> {
            assertThat(i.muted()).isTrue();
            assertThat(i.mutedParticipants()).isEmpty();
        });
        for (ParleyClient p : List.of(a, c)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.muted()).isFalse();
                assertThat(i.mutedParticipants()).containsExactly(b.peerId());
            });
        }
        long ma = Files.size(wa), mc = Files.size(wc);
        awaitSize(wa, ma + 4L * BYTES_PER_S);
        awaitSize(wc, mc + 4L * BYTES_PER_S);

        // Carol leaves (the next event everywhere: no second "muted" came), then Bob unmutes: Carol, a
        // member outside the call now, still hears of it.
        c.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c.peerId(), "left"));
        b.muteGroupCall(g, false);
        for (ClientEvents r : all) assertThat(r.next(GroupCallMuted.class)).isEqualTo(new GroupCallMuted(g, id, b.peerId(), false));
        // Carol rejoins (it counts Bob unmuted: no event), and Alice mutes: Carol, in again, sees it.
        c.joinGroupCall(g, CallMedia.tone(C_HZ, null).record(wc2));
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c.peerId()));
        awaitSize(wc2, 44 + BYTES_PER_S);
        a.muteGroupCall(g, true);
        long mc2 = Files.size(wc2);
        for (ClientEvents r : all) assertThat(r.next(GroupCallMuted.class)).isEqualTo(new GroupCallMuted(g, id, a.peerId(), true));
        assertThat(c.groupCall(g)).hasValueSatisfying(i -> assertThat(i.mutedParticipants()).containsExactly(a.peerId()));
        awaitSize(wc2, mc2 + 4L * BYTES_PER_S);

        for (ParleyClient p : List.of(a, b, c)) {
            p.leaveGroupCall(g);
            for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, p.peerId(), "left"));
        }
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, id));
            assertThat(r.next(ClientEvents.GroupCallRecorded.class).record().call()).isEqualTo(id); // the history entry, stored once
            r.assertExhausted();
        }
        assertThatThrownBy(() -> a.muteGroupCall(g, false)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not in a call");

        // While Bob was muted, Alice and Carol heard each other and not Bob; after, Carol heard Bob and not muted Alice.
        heardOnly("alice while bob muted", wa, ma, A_HZ, C_HZ, B_HZ);
        heardOnly("carol while bob muted", wc, mc, C_HZ, A_HZ, B_HZ);
        heardOnly("carol while alice muted", wc2, mc2, C_HZ, B_HZ, A_HZ);
    }

    /**
     * From 1 s after byte {@code fromByte} (what was on its way when the mute happened has played out),
     * 2 s in which {@code heard} is in ≥ 90 % of windows and {@code own} and {@code muted} in ≤ 2 %.
     */
    static void heardOnly(String who, Path wav, long fromByte, double own, double heard, double muted) throws Exception {
        ToneAnalysis t = ToneAnalysis.read(wav, IN_MIX);
        int perS = 1_000 / ToneAnalysis.WINDOW_MS;
        int first = (int) (Math.max(0, fromByte - 44) / (BYTES_PER_S * ToneAnalysis.WINDOW_MS / 1000)) + perS;
        int n = 2 * perS;
        assertThat(first + n).as("%s: 2 s recorded (windows %d)", who, t.windows()).isLessThanOrEqualTo(t.windows());
        ToneAnalysis.Coverage cov = t.coverage(heard, first, n);
        assertThat(cov.fraction()).as("%s hears %.0f Hz: %s", who, heard, cov).isGreaterThanOrEqualTo(0.9);
        for (double hz : new double[] {own, muted}) {
            int leaks = 0;
            for (int w = first; w < first + n; w++) if (t.purity(w, hz) > 0.05) leaks++;
            assertThat(leaks).as("%s: windows with %.0f Hz: %s", who, hz, describe(t, own, heard, muted)).isLessThanOrEqualTo(n / 50);
        }
    }

    /**
     * From the first window (at or after byte {@code fromByte} of the WAV) in which both others are heard,
     * 2 s: both tones in ≥ 90 % of windows, our own in ≤ 2 %.
     */
    static void heardTheOthersNotItself(String who, Path wav, long fromByte, double own, double x, double y) throws Exception {
        ToneAnalysis t = ToneAnalysis.read(wav, IN_MIX);
        int from = (int) (Math.max(0, fromByte - 44) / (BYTES_PER_S * ToneAnalysis.WINDOW_MS / 1000));
        int fx = firstToneWindow(t, x, from), fy = firstToneWindow(t, y, from);
        int first = Math.max(fx, fy);
        assertThat(Math.min(fx, fy)).as("%s heard both others at all: %s", who, describe(t, own, x, y))
                .isGreaterThanOrEqualTo(0);
        int n = 2_000 / ToneAnalysis.WINDOW_MS;
        assertThat(first + n).as("%s: 2 s of both others recorded (windows %d)", who, t.windows()).isLessThanOrEqualTo(t.windows());
        ToneAnalysis.Coverage cx = t.coverage(x, first, n), cy = t.coverage(y, first, n);
        assertThat(cx.fraction()).as("%s hears %.0f Hz from window %d: %s%s", who, x, first, cx, describe(t, own, x, y)).isGreaterThanOrEqualTo(0.9);
        assertThat(cy.fraction()).as("%s hears %.0f Hz from window %d: %s%s", who, y, first, cy, describe(t, own, x, y)).isGreaterThanOrEqualTo(0.9);
        int echo = 0;
        for (int w = first; w < first + n; w++) if (t.purity(w, own) > 0.05) echo++;
        assertThat(echo).as("%s: windows with its own %.0f Hz", who, own).isLessThanOrEqualTo(n / 50);
    }

    private static int firstToneWindow(ToneAnalysis t, double hz, int from) {
        for (int w = from; w < t.windows(); w++) if (t.toneIn(w, hz)) return w;
        return -1;
    }

    /** Per second of the recording: rms and the share of energy at each tone (for failure messages). */
    static String describe(ToneAnalysis t, double... hz) {
        StringBuilder b = new StringBuilder();
        int per = 1_000 / ToneAnalysis.WINDOW_MS;
        for (int s = 0; s * per < t.windows(); s++) {
            double rms = 0;
            double[] p = new double[hz.length];
            int n = 0;
            for (int w = s * per; w < Math.min(t.windows(), (s + 1) * per); w++, n++) {
                rms += t.rms(w);
                for (int i = 0; i < hz.length; i++) p[i] += t.purity(w, hz[i]);
            }
            b.append(String.format("%n  %ds rms %.3f", s, rms / n));
            for (int i = 0; i < hz.length; i++) b.append(String.format(" %.0fHz %.2f", hz[i], p[i] / n));
        }
        return b.toString();
    }

    static void awaitSize(Path wav, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.size(wav) < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(wav.getFileName() + " did not reach " + bytes + " bytes in 30 s: " + Files.size(wav));
            }
            LockSupport.parkNanos(50_000_000); // the file's size is the only signal of audio written
        }
    }
}
