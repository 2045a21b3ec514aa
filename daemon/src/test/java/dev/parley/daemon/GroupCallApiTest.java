package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.RemoteParley;
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
 * The group-call routes of a real daemon (docs/api.md § Group calls) with a real peer (Bob, in process)
 * over real WebRTC with headless audio: the refusals' statuses, start with a tone and a recording
 * written by the daemon, Bob joins, state, mute, leave, the events in order, the history entry; then
 * {@link RemoteParley} through the same routes.
 */
@Tag("native")
class GroupCallApiTest {
    static final int BYTES_PER_S = 48_000 * 2;

    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ev;

    @AfterEach
    void stop() {
        if (ev != null) ev.close();
        if (f != null) f.close();
    }

    @Test
    void aGroupCallThroughTheApiWithARealPeer() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch(),
                "server", "presence", "session", "participant-stats", "speaker", "group-member", "contact", "group-delivered");
        DaemonFixture.Peer bob = f.peer("bob", true);
        bob.rec.ignoring(ParleyEvent.GroupMemberChanged.class, ParleyEvent.GroupCallParticipantStats.class,
                ParleyEvent.GroupCallSpeaker.class, ParleyEvent.ContactChanged.class);
        bob.rec.expectNext("bob online", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        String b = bob.client.peerId().value(), me = f.daemon.client().peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + bob.client.contactString("bob") + "\"}").status()).isEqualTo(201);
        bob.client.addContact(f.api.get("/v1/identity?name=daemon").body().get("contactString").asText(), null);
        GroupInfo g = GroupJson.group(f.api.post("/v1/groups", "{\"name\":\"Band\"}").body());
        String gp = "/v1/groups/" + g.id().value();
        assertThat(f.api.post(gp + "/invite", "{\"peers\":[\"" + b + "\"]}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.GroupInvited.class, "invitation", e -> e.group().equals(g.id()));
        bob.client.acceptGroup(g.id());

        // Refusals before any call: no call to show (404), to join or to mute (409); bad bodies and groups (400).
        assertThat(f.api.get(gp + "/call").status()).isEqualTo(404);
        Api.Reply noCall = f.api.post(gp + "/call/join", "{}");
        assertThat(noCall.status()).as("%s", noCall).isEqualTo(409);
        assertThat(noCall.body().at("/error/message").asText()).contains("no call");
        assertThat(f.api.post(gp + "/call/mute", "{\"muted\":true}").status()).isEqualTo(409);
        assertThat(f.api.post(gp + "/call/mute", "{}").status()).isEqualTo(400);
        Api.Reply relative = f.api.post(gp + "/call", "{\"media\":{\"toneHz\":600,\"record\":\"heard.wav\"}}");
        assertThat(relative.status()).isEqualTo(400);
        assertThat(relative.body().at("/error/message").asText()).contains("absolute path");
        String unknown = "/v1/groups/" + ApiJsonTest.digest(7);
        assertThat(f.api.post(unknown + "/call", "{}").status()).isEqualTo(400);
        assertThat(f.api.get(unknown + "/call").status()).isEqualTo(400);
        assertThat(f.api.get("/v1/groups/not-a-group/call").status()).isEqualTo(400);

        // The daemon starts with a tone and records the mix into a file of its own.
        Path heard = dir.resolve("daemon-heard.wav");
        Api.Reply started = f.api.post(gp + "/call", "{\"media\":{\"toneHz\":600,\"record\":\"" + heard + "\"}}");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        GroupCallInfo info = GroupCallJson.info(started.body());
        CallId id = info.call();
        assertThat(info.joined()).isTrue();
        assertThat(info.muted()).isFalse();
        assertThat(info.participants()).extracting(p -> p.value()).containsExactly(me);
        JsonNode s = ev.expect("group-call-started");
        assertThat(s.get("group").asText()).isEqualTo(g.id().value());
        assertThat(s.get("callId").asText()).isEqualTo(id.toString());
        assertThat(s.get("peerId").asText()).isEqualTo(me);
        assertThat(ev.expect("participant-joined").get("peerId").asText()).isEqualTo(me);
        assertThat(bob.rec.next(ParleyEvent.GroupCallStarted.class).call()).isEqualTo(id);
        assertThat(bob.rec.next(ParleyEvent.GroupCallParticipantJoined.class).participant().value()).isEqualTo(me);

        // Bob joins with his own tone; the daemon's recording fills with what it hears.
        bob.client.joinGroupCall(g.id(), CallMedia.tone(900, null));
        assertThat(bob.rec.next(ParleyEvent.GroupCallParticipantJoined.class).participant().value()).isEqualTo(b);
        JsonNode joined = ev.expect("participant-joined");
        assertThat(joined.get("peerId").asText()).isEqualTo(b);
        assertThat(joined.get("callId").asText()).isEqualTo(id.toString());
        awaitSize(heard, 44 + 2L * BYTES_PER_S);
        GroupCallInfo both = GroupCallJson.info(f.api.get(gp + "/call").body());
        assertThat(both.participants()).extracting(p -> p.value()).containsExactly(me, b);
        assertThat(f.api.post(gp + "/call", "{}").status()).as("a second start joins the same call").isEqualTo(200);

        // Mute is seen by the others (and on the daemon's own stream), once per change.
        assertThat(f.api.post(gp + "/call/mute", "{\"muted\":true}").status()).isEqualTo(200);
        assertThat(GroupCallJson.info(f.api.get(gp + "/call").body()).muted()).isTrue();
        JsonNode mutedEv = ev.expect("participant-muted");
        assertThat(mutedEv.get("peerId").asText()).isEqualTo(me);
        assertThat(mutedEv.get("muted").asBoolean()).isTrue();
        ParleyEvent.GroupCallParticipantMuted atBob = bob.rec.next(ParleyEvent.GroupCallParticipantMuted.class);
        assertThat(atBob.participant().value()).isEqualTo(me);
        assertThat(atBob.muted()).isTrue();
        assertThat(bob.client.groupCall(g.id()).orElseThrow().mutedParticipants()).extracting(p -> p.value()).containsExactly(me);
        assertThat(f.api.post(gp + "/call/mute", "{\"muted\":false}").status()).isEqualTo(200);
        assertThat(GroupCallJson.info(f.api.get(gp + "/call").body()).muted()).isFalse();
        assertThat(ev.expect("participant-muted").get("muted").asBoolean()).isFalse();
        assertThat(bob.rec.next(ParleyEvent.GroupCallParticipantMuted.class).muted()).isFalse();

        // Bob leaves, then the daemon: the call ends and goes into the history, once.
        bob.client.leaveGroupCall(g.id());
        bob.rec.next(ParleyEvent.GroupCallParticipantLeft.class);
        JsonNode left = ev.expect("participant-left");
        assertThat(left.get("peerId").asText()).isEqualTo(b);
        assertThat(left.get("reason").asText()).isEqualTo("left");
        assertThat(f.api.post(gp + "/call/leave", "{}").status()).isEqualTo(200);
        assertThat(ev.expect("participant-left").get("peerId").asText()).isEqualTo(me);
        assertThat(ev.expect("group-call-ended").get("callId").asText()).isEqualTo(id.toString());
        JsonNode recorded = ev.expect("group-call-recorded");
        assertThat(recorded.get("storedSeq").asLong()).isPositive();
        GroupCallRecord rec = GroupCallJson.record(recorded.get("record"));
        assertThat(rec.call()).isEqualTo(id);
        assertThat(rec.joined()).isTrue();
        assertThat(rec.with()).extracting(p -> p.value()).containsExactly(b);
        assertThat(ApiJson.list(f.api.get(gp + "/calls").body(), GroupCallJson::record)).containsExactly(rec);
        assertThat(f.api.get(gp + "/call").status()).isEqualTo(404);
        assertThat(f.api.post(gp + "/call/leave", "{}").status()).as("leaving no call changes nothing").isEqualTo(200);
        bob.rec.next(ParleyEvent.GroupCallParticipantLeft.class);
        bob.rec.next(ParleyEvent.GroupCallEnded.class);
        assertThat(bob.rec.next(ParleyEvent.GroupCallRecorded.class).record().with()).extracting(p -> p.value()).containsExactly(me);
        assertThat(Files.size(heard)).isGreaterThan(44 + 2L * BYTES_PER_S);

        // RemoteParley: the same calls through the same routes; Bob starts this one.
        try (RemoteParley remote = RemoteParley.connect(new DaemonEndpoint(ProcessHandle.current().pid(), f.daemon.url(), f.token.value()),
                new ParleyListener() {})) {
            assertThat(remote.groupCall(g.id())).isEmpty();
            assertThatThrownBy(() -> remote.joinGroupCall(g.id(), CallMedia.devices()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no call");
            assertThatThrownBy(() -> remote.muteGroupCall(g.id(), true)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> remote.groupCall(GroupId.of(ApiJsonTest.digest(7)))).isInstanceOf(IllegalArgumentException.class);
            CallId second = bob.client.startGroupCall(g.id(), CallMedia.tone(900, null));
            assertThat(ev.expect("group-call-started").get("callId").asText()).isEqualTo(second.toString());
            assertThat(ev.expect("participant-joined").get("peerId").asText()).isEqualTo(b);
            assertThat(remote.joinGroupCall(g.id(), CallMedia.tone(600, null))).isEqualTo(second);
            assertThat(ev.expect("participant-joined").get("peerId").asText()).isEqualTo(me);
            assertThat(remote.groupCall(g.id())).isEqualTo(f.daemon.client().groupCall(g.id()));
            remote.muteGroupCall(g.id(), true);
            assertThat(remote.groupCall(g.id()).orElseThrow().muted()).isTrue();
            assertThat(ev.expect("participant-muted").get("muted").asBoolean()).isTrue();
            remote.leaveGroupCall(g.id());
            assertThat(ev.expect("participant-left").get("peerId").asText()).isEqualTo(me);
            assertThat(remote.groupCallHistory(g.id(), 10)).isEqualTo(f.daemon.client().groupCallHistory(g.id(), 10));
            assertThat(remote.groupCallHistory(g.id(), 10)).hasSize(1); // the second call still runs (Bob is in it)
            bob.client.leaveGroupCall(g.id());
            assertThat(ev.expect("participant-left").get("peerId").asText()).isEqualTo(b);
            assertThat(ev.expect("group-call-ended").get("callId").asText()).isEqualTo(second.toString());
            assertThat(GroupCallJson.record(ev.expect("group-call-recorded").get("record")).call()).isEqualTo(second);
            List<GroupCallRecord> history = remote.groupCallHistory(g.id(), 10);
            assertThat(history).extracting(GroupCallRecord::call).containsExactly(second, id);
        }
    }

    private static void awaitSize(Path wav, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(wav) || Files.size(wav) < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(wav.getFileName() + " did not reach " + bytes + " bytes in 30 s: "
                        + (Files.exists(wav) ? Files.size(wav) : -1));
            }
            LockSupport.parkNanos(50_000_000); // the file's size is the only signal of audio written
        }
    }
}
