package dev.parley.daemon;

import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.HistoryQuery;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.RemoteParley;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RemoteParley}: the app API over a real daemon behaves as in-process — same values, same
 * exceptions, events in order on one thread, {@code Closed} last — and the daemon stays the owner.
 */
@Tag("native")
class RemoteParleyTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    RemoteParley remote;
    final EventRecorder<ParleyEvent> rec = new EventRecorder<ParleyEvent>("remote app").timeout(Duration.ofSeconds(30))
            .ignoring(ParleyEvent.Presence.class, ParleyEvent.SessionStateChanged.class);

    @AfterEach
    void stop() {
        if (remote != null) remote.close();
        if (f != null) f.close();
    }

    private RemoteParley connect() {
        ParleyListener l = new ParleyListener() {
            @Override
            public void onEvent(ParleyEvent event) {
                rec.record(event);
            }
        };
        return RemoteParley.connect(new DaemonEndpoint(ProcessHandle.current().pid(), f.daemon.url(), f.token.value()), l);
    }

    @Test
    void sendsAndReceivesWithTheSameValuesEventsAndErrorsAsInProcess() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        DaemonFixture.Peer bob = f.peer("bob", true);
        bob.rec.expectNext("bob online", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        remote = connect();
        remote.start();
        rec.expectNext("the daemon's server state first", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        assertThat(remote.peerId()).isEqualTo(f.daemon.client().peerId());
        assertThat(remote.identityKey()).isEqualTo(f.daemon.client().identityKey());

        PeerId b = remote.addContact(bob.client.contactString("bob").toString(), null).peerId();
        assertThat(b).isEqualTo(bob.client.peerId());
        rec.next(ParleyEvent.ContactChanged.class);
        assertThat(rec.next(ParleyEvent.ContactChanged.class).contact().pinnedKey()).as("the contact string's key, pinned").isNotNull();
        bob.client.addContact(remote.contactString("daemon").toString(), null);
        bob.rec.next(ParleyEvent.ContactChanged.class);
        bob.rec.next(ParleyEvent.ContactChanged.class);
        assertThat(remote.contacts()).extracting(c -> c.peerId()).containsExactly(b);
        assertThat(remote.contact(b).orElseThrow().label()).isEqualTo("bob");

        MessageId id = MessageId.random();
        ChatMessage sent = remote.send(b, "over the API", id);
        assertThat(sent.id()).isEqualTo(id);
        assertThat(sent.direction()).isEqualTo(Direction.OUTGOING);
        // The retry returns the stored message as it is now: by then it may already be SENT or DELIVERED.
        assertThat(remote.send(b, "over the API", id)).as("a retry with the same id is the same message")
                .usingRecursiveComparison().ignoringFields("state", "deliveredAt", "readAt").isEqualTo(sent);
        assertThatThrownBy(() -> remote.send(b, "other text", id)).isInstanceOf(IllegalArgumentException.class);
        rec.expectNext(ParleyEvent.MessageAdded.class, "our message", m -> m.message().id().equals(id));
        rec.expectNext(ParleyEvent.MessageStateChanged.class, "sent", s -> s.id().equals(id) && s.state() == MessageState.SENT);
        rec.expectNext(ParleyEvent.MessageStateChanged.class, "delivered", s -> s.id().equals(id) && s.state() == MessageState.DELIVERED);
        bob.rec.expectNext(ParleyEvent.MessageAdded.class, "bob stores it once", m -> m.message().id().equals(id));

        ChatMessage reply = bob.client.send(remote.peerId(), "and back");
        ParleyEvent.MessageAdded in = rec.expectNext(ParleyEvent.MessageAdded.class, "bob's reply", m -> m.message().id().equals(reply.id()));
        assertThat(in.message().direction()).isEqualTo(Direction.INCOMING);
        assertThat(in.message().text()).isEqualTo("and back");
        assertThat(remote.unreadCount(b)).isEqualTo(1);
        assertThat(remote.history(b, HistoryQuery.oldestFirst()).items()).extracting(ChatMessage::text)
                .containsExactly("over the API", "and back");
        assertThat(remote.outbox(b)).isEmpty();
        assertThat(remote.outboxSize()).isZero();
        assertThat(remote.isServerOnline()).isTrue();
        assertThat(remote.message(MessageId.random())).isEmpty();

        // Errors as in-process: bad input is IllegalArgumentException with the library's message.
        PeerId stranger = PeerId.of("a".repeat(32));
        assertThatThrownBy(() -> remote.send(stranger, "hi")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a contact");
        assertThatThrownBy(() -> remote.send(b, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(remote.contact(stranger)).isEmpty();

        // Bob's sentinel: the next event; nothing else (no duplicate, no stray) before it.
        ChatMessage ping = bob.client.send(remote.peerId(), "sentinel");
        rec.assertNothingElseUntil(ParleyEvent.MessageAdded.class, "bob's sentinel", m -> m.message().id().equals(ping.id()));

        remote.close();
        rec.next(ParleyEvent.Closed.class);
        rec.assertExhausted();
        assertThat(f.api.get("/v1/check").status()).as("closing the handle leaves the daemon serving").isEqualTo(200);
        remote = null;
    }

    @Test
    void theDaemonStoppingEndsTheStreamWithClosedAndCallsFailClearly() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        remote = connect();
        remote.start();
        rec.next(ParleyEvent.ServerStateChanged.class);
        f.daemon.close();
        rec.next(ParleyEvent.Closed.class);
        rec.assertExhausted();
        assertThatThrownBy(() -> remote.contacts()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not reachable");
    }
}
