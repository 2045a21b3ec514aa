package dev.parley.client;

import dev.parley.client.ClientEvents.GroupCallEnded;
import dev.parley.client.ClientEvents.GroupCallJoined;
import dev.parley.client.ClientEvents.GroupCallLeft;
import dev.parley.client.ClientEvents.GroupCallRecorded;
import dev.parley.client.ClientEvents.GroupCallStarted;
import dev.parley.client.ClientEvents.GroupMemberChanged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group calls in the group history (docs/library.md § Group calls), among real clients over a real
 * server, real WebRTC sessions and real SQLite profiles: a member who joined gets "call, N min, with …",
 * one who never joined a "missed call", each recorded once (stored events, and not again after a restart).
 */
@Tag("native")
class GroupCallHistoryTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    private static ClientEvents invitee(String name) {
        ClientEvents r = new ClientEvents(name).ignoringConnectivity();
        r.ignoring(GroupMemberChanged.class);
        return r;
    }

    @Test
    void joinedAndMissedCallsAreRecordedOnceAtEveryMemberAndSurviveARestart() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = invitee("bob"), rc = invitee("carol");
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        GroupId g = GroupTest.family(a, ra, b, rb, c, rc);
        List<ClientEvents> all = List.of(ra, rb, rc);
        assertThat(a.groupCallHistory(g, 10)).isEmpty();

        // Call 1: Alice and Bob talk, Carol never joins.
        long t0 = System.nanoTime();
        CallId first = a.startGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, first, a.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, first, a.peerId()));
        }
        b.joinGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, first, b.peerId()));
        b.leaveGroupCall(g);
        for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, first, b.peerId(), "left"));
        a.leaveGroupCall(g);
        Duration upper = Duration.ofNanos(System.nanoTime() - t0);
        GroupCallRecord atA = null, atB = null, atC = null;
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, first, a.peerId(), "left"));
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, first));
            GroupCallRecord rec = r.next(GroupCallRecorded.class).record();
            if (r == ra) atA = rec;
            else if (r == rb) atB = rec;
            else atC = rec;
        }
        for (GroupCallRecord rec : List.of(atA, atB, atC)) {
            assertThat(rec.group()).isEqualTo(g);
            assertThat(rec.call()).isEqualTo(first);
            assertThat(rec.endedAt()).isAfterOrEqualTo(rec.startedAt());
        }
        assertThat(atA.joined()).isTrue();
        assertThat(atA.with()).containsExactly(b.peerId());
        assertThat(atA.inCall()).isPositive().isLessThanOrEqualTo(upper);
        assertThat(atB.joined()).isTrue();
        assertThat(atB.with()).containsExactly(a.peerId());
        assertThat(atB.inCall()).isPositive().isLessThan(atA.inCall()); // Bob came after Alice and left before her
        assertThat(atC.missed()).isTrue();
        assertThat(atC.with()).isEmpty();
        assertThat(atC.inCall()).isZero();
        assertThat(a.groupCallHistory(g, 10)).containsExactly(atA);
        assertThat(b.groupCallHistory(g, 10)).containsExactly(atB);
        assertThat(c.groupCallHistory(g, 10)).containsExactly(atC);
        for (ClientEvents r : all) r.assertExhausted();

        // Call 2: Carol starts, Alice joins, leaves and comes back; Bob misses it.
        CallId second = c.startGroupCall(g, CallMedia.devices());
        for (ClientEvents r : all) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, second, c.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, second, c.peerId()));
        }
        for (int i = 0; i < 2; i++) {
            a.joinGroupCall(g, CallMedia.devices());
            for (ClientEvents r : all) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, second, a.peerId()));
            if (i == 1) break;
            a.leaveGroupCall(g);
            for (ClientEvents r : all) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, second, a.peerId(), "left"));
        }
        // Carol quits while Alice is still in the call: her part is recorded as she closes.
        c.close();
        assertThat(rc.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, second, c.peerId(), "left"));
        GroupCallRecord carol2 = rc.next(GroupCallRecorded.class).record();
        rc.next(ClientEvents.Closed.class);
        rc.assertExhausted();
        assertThat(carol2.call()).isEqualTo(second);
        assertThat(carol2.joined()).isTrue();
        assertThat(carol2.with()).containsExactly(a.peerId());
        assertThat(carol2.inCall()).isPositive();
        for (ClientEvents r : List.of(ra, rb)) {
            assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, second, c.peerId(), "left"));
        }
        a.leaveGroupCall(g);
        for (ClientEvents r : List.of(ra, rb)) {
            assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, second, a.peerId(), "left"));
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, second));
        }
        GroupCallRecord alice2 = ra.next(GroupCallRecorded.class).record(), bob2 = rb.next(GroupCallRecorded.class).record();
        assertThat(alice2.joined()).isTrue();
        assertThat(alice2.with()).containsExactly(c.peerId());
        assertThat(alice2.inCall()).isPositive();
        assertThat(bob2.missed()).isTrue();
        assertThat(a.groupCallHistory(g, 10)).containsExactly(alice2, atA); // newest first
        assertThat(a.groupCallHistory(g, 1)).containsExactly(alice2);
        assertThat(b.groupCallHistory(g, 10)).containsExactly(bob2, atB);
        for (ClientEvents r : List.of(ra, rb)) r.assertExhausted();

        // Carol again: both her entries are stored, and no event of them comes a second time.
        ClientEvents rc2 = invitee("carol again");
        ParleyClient c2 = net.client("carol", rc2);
        rc2.expectServer(true);
        assertThat(c2.groupCallHistory(g, 10)).containsExactly(carol2, atC);
        assertThatThrownBy(() -> c2.groupCallHistory(GroupId.of(first.value().toString().replace("-", "") + "0123456789A"), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no group");
        // A sentinel: a post from Alice arrives, and nothing came before it.
        GroupPost sentinel = a.sendToGroup(g, "after the calls");
        ra.expectNext(ClientEvents.GroupMessage.class, "own post", m -> m.post().id().equals(sentinel.id()));
        rc2.expectNext(ClientEvents.GroupMessage.class, "alice's post", m -> m.post().id().equals(sentinel.id()));
        rc2.assertExhausted();
    }
}
