package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.ChatMessage;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.TransferId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API against a real peer over real WebRTC: messages with receipts both ways, files both ways,
 * calls with tones, and a daemon restart with queued messages. What the API answers, what Bob's real
 * client sees, and the daemon's events, each taken strictly in order.
 */
@Tag("native")
class PeerApiTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ev;
    DaemonFixture.Peer bob;
    String b;

    @AfterEach
    void stop() {
        if (ev != null) ev.close();
        if (f != null) f.close();
    }

    /** The daemon and Bob online and contacts of each other (keys pinned from contact strings). */
    void befriend() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch(), "server", "presence", "session");
        bob = f.peer("bob", true);
        bob.rec.expectNext("bob online", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        b = bob.client.peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + bob.client.contactString("bob") + "\"}").status()).isEqualTo(201);
        ev.expect("contact");
        assertThat(ev.expect("contact").at("/contact/key").isNull()).as("then the key of the contact string, pinned").isFalse();
        String mine = f.api.get("/v1/identity?name=daemon").body().get("contactString").asText();
        bob.client.addContact(mine, null);
        bob.rec.next(ParleyEvent.ContactChanged.class);
        bob.rec.next(ParleyEvent.ContactChanged.class); // the contact string's key pinned
    }

    JsonNode send(String text) throws Exception {
        Api.Reply r = f.api.post("/v1/contacts/" + b + "/messages", "{\"text\":\"" + text + "\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.body();
    }

    /** Our message: echoed, sent, delivered, in that order; Bob stores it once. */
    void sentAndDelivered(String id) {
        assertThat(ev.expect("message").at("/message/id").asText()).isEqualTo(id);
        ev.rec.expectNext("sent", n -> n.path("type").asText().equals("message-state") && n.path("id").asText().equals(id)
                && n.path("state").asText().equals("sent"));
        ev.rec.expectNext("delivered", n -> n.path("type").asText().equals("message-state") && n.path("id").asText().equals(id)
                && n.path("state").asText().equals("delivered"));
        bob.rec.expectNext(ParleyEvent.MessageAdded.class, "message " + id, m -> m.message().id().toString().equals(id));
    }

    /** Bob's sentinel: the next daemon event must be it, then nothing is left on either side. */
    void sentinel() {
        ChatMessage ping = bob.client.send(ApiJson.peer(f.daemon.client().peerId().value()), "sentinel");
        ev.rec.assertNothingElseUntil("bob's sentinel", n -> n.path("type").asText().equals("message") && n.at("/message/id").asText()
                .equals(ping.id().toString()));
        bob.rec.expectNext(ParleyEvent.MessageAdded.class, "own sentinel", m -> m.message().id().equals(ping.id()));
        bob.rec.expectNext(ParleyEvent.MessageStateChanged.class, "sent", s -> s.state() == MessageState.SENT);
        bob.rec.expectNext(ParleyEvent.MessageStateChanged.class, "delivered", s -> s.state() == MessageState.DELIVERED);
        bob.rec.assertExhausted();
    }

    @Test
    void messagesWithReceiptsBothWaysTypingAndPresence() throws Exception {
        befriend();
        String id = send("hi bob").get("id").asText();
        sentAndDelivered(id);
        Api.Reply presence = f.api.get("/v1/contacts/" + b + "/presence");
        assertThat(presence.body().get("connected").asBoolean()).isTrue();
        assertThat(presence.body().get("online").asBoolean()).isTrue();
        assertThat(f.api.get("/v1/contacts").body().get(0).get("connected").asBoolean()).isTrue();
        assertThat(f.api.get("/v1/outbox").body().get("size").asInt()).isZero();

        ChatMessage back = bob.client.send(bob.client.contacts().get(0).peerId(), "hi daemon");
        bob.rec.next(ParleyEvent.MessageAdded.class);
        JsonNode in = ev.expect("message").get("message");
        assertThat(in.get("id").asText()).isEqualTo(back.id().toString());
        assertThat(in.get("direction").asText()).isEqualTo("incoming");
        assertThat(in.get("text").asText()).isEqualTo("hi daemon");
        bob.rec.next(ParleyEvent.MessageStateChanged.class);
        bob.rec.next(ParleyEvent.MessageStateChanged.class);
        assertThat(f.api.get("/v1/contacts/" + b + "/unread").body().get("unread").asInt()).isEqualTo(1);

        Api.Reply read = f.api.post("/v1/contacts/" + b + "/read", "{\"upTo\":\"" + back.id() + "\"}");
        assertThat(read.status()).isEqualTo(202);
        ev.rec.expectNext("read", n -> n.path("type").asText().equals("message-state") && n.path("id").asText().equals(back.id().toString())
                && n.path("state").asText().equals("read"));
        bob.rec.expectNext(ParleyEvent.MessageStateChanged.class, "read by the daemon's user", s -> s.id().equals(back.id())
                && s.state() == MessageState.READ);
        assertThat(f.api.get("/v1/contacts/" + b + "/unread").body().get("unread").asInt()).isZero();

        assertThat(f.api.post("/v1/contacts/" + b + "/typing", "{\"typing\":true}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.Typing.class, "typing", ParleyEvent.Typing::typing);
        assertThat(f.api.post("/v1/contacts/" + b + "/typing", "{\"typing\":false}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.Typing.class, "stopped", t -> !t.typing());
        assertThat(ApiJson.page(f.api.get("/v1/contacts/" + b + "/messages").body()).items()).extracting(ChatMessage::text)
                .containsExactly("hi daemon", "hi bob");
        sentinel();
    }

    @Test
    void filesBothWaysAcceptDeclineAndWhereTheyLanded() throws Exception {
        befriend();
        bob.client.autoAcceptFiles(ApiJson.peer(f.daemon.client().peerId().value()), 10_000_000);
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path out = Files.write(dir.resolve("out.bin"), data);
        Api.Reply sent = f.api.post("/v1/contacts/" + b + "/files", "{\"path\":\"" + out + "\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(202);
        String id = sent.body().get("id").asText();
        List<String> types = untilType("file-completed", id);
        assertThat(types).doesNotContain("file-failed", "file-cancelled", "file-declined");
        ParleyEvent.FileCompleted atBob = until(ParleyEvent.FileCompleted.class);
        assertThat(Files.readAllBytes(atBob.file())).isEqualTo(data);
        Api.Reply one = f.api.get("/v1/transfers/" + id);
        assertThat(one.body().get("state").asText()).isEqualTo("completed");
        assertThat(f.api.post("/v1/contacts/" + b + "/files", "{\"path\":\"relative.bin\"}").status()).isEqualTo(400);
        assertThat(f.api.post("/v1/contacts/" + b + "/files", "{\"path\":\"" + dir.resolve("missing") + "\"}").status()).isEqualTo(400);

        byte[] back = "from bob\n".repeat(1000).getBytes();
        Path bobFile = Files.write(dir.resolve("from-bob.txt"), back);
        TransferId in = bob.client.sendFile(bob.client.contacts().get(0).peerId(), bobFile).get();
        JsonNode offered = untilNode("file-offered", in.toString());
        assertThat(offered.at("/offer/name").asText()).isEqualTo("from-bob.txt");
        assertThat(offered.at("/offer/size").asLong()).isEqualTo(back.length);
        assertThat(f.api.post("/v1/transfers/" + in + "/accept", "").status()).isEqualTo(200);
        JsonNode done = untilNode("file-completed", in.toString());
        Path landed = Path.of(done.get("path").asText());
        assertThat(landed.getParent()).isEqualTo(Path.of(f.api.get("/v1/downloads").body().get("dir").asText()));
        assertThat(Files.readAllBytes(landed)).isEqualTo(back);
        until(ParleyEvent.FileCompleted.class);

        TransferId declined = bob.client.sendFile(bob.client.contacts().get(0).peerId(), bobFile).get();
        untilNode("file-offered", declined.toString());
        assertThat(f.api.post("/v1/transfers/" + declined + "/decline", "").status()).isEqualTo(200);
        until(ParleyEvent.FileDeclined.class);
        ev.rec.expectInAnyOrder(
                WsEvents.event("the declined record", n -> n.path("type").asText().equals("transfer") && n.at("/transfer/id").asText()
                        .equals(declined.toString()) && n.at("/transfer/state").asText().equals("rejected")),
                WsEvents.event("file-declined", n -> n.path("type").asText().equals("file-declined") && n.path("id").asText().equals(declined.toString())));
        assertThat(f.api.post("/v1/transfers/" + UUID.randomUUID() + "/accept", "").status()).isEqualTo(404);
        assertThat(ApiJson.list(f.api.get("/v1/contacts/" + b + "/transfers").body(), ApiJson::transfer)).hasSize(3);
        ev.ignoring("transfer", "file-started", "file-progress");
        bob.rec.ignoring(ParleyEvent.TransferChanged.class, ParleyEvent.FileStarted.class);
        bob.rec.takeAll();
        sentinel();
    }

    /** Daemon events up to the one of {@code type} about {@code id}; each before it must be about a file. */
    List<String> untilType(String type, String id) {
        List<String> seen = new ArrayList<>();
        untilNode(type, id, seen);
        return seen;
    }

    JsonNode untilNode(String type, String id) {
        return untilNode(type, id, new ArrayList<>());
    }

    JsonNode untilNode(String type, String id, List<String> seen) {
        while (true) {
            JsonNode n = ev.rec.next();
            String t = n.path("type").asText();
            seen.add(t);
            assertThat(t).as("only file events meanwhile: %s", n).matches("transfer|file-.*");
            if (t.equals(type) && n.toString().contains(id)) return n;
        }
    }

    <T extends ParleyEvent> T until(Class<T> type) {
        while (true) {
            ParleyEvent e = bob.rec.next();
            if (type.isInstance(e)) return type.cast(e);
            assertThat(e.getClass().getSimpleName()).as("only file events at bob: %s", e).matches("Transfer.*|File.*");
        }
    }

    @Test
    void callsDialAnswerMuteHangUpAndAnIncomingOneAnsweredByTheApi() throws Exception {
        befriend();
        AtomicBoolean statsSeen = new AtomicBoolean();
        ev.rec.ignoring("call stats after the first", n -> n.path("type").asText().equals("call-stats") && statsSeen.get());
        bob.client.connect(bob.client.contacts().get(0).peerId());
        Api.Reply dial = f.api.post("/v1/contacts/" + b + "/calls", "{\"media\":{\"toneHz\":440}}");
        assertThat(dial.status()).as("%s", dial).isEqualTo(200);
        String callId = dial.body().get("callId").asText();
        assertThat(ev.expect("call-dialing").get("callId").asText()).isEqualTo(callId);
        ParleyEvent.CallRinging ringing = bob.rec.next(ParleyEvent.CallRinging.class);
        assertThat(ringing.id().toString()).isEqualTo(callId);
        bob.client.answerCall(ringing.id(), CallMedia.tone(880, null));
        bob.rec.next(ParleyEvent.CallAnswered.class);
        assertThat(ev.expect("call-answered").get("callId").asText()).isEqualTo(callId);
        JsonNode stats = ev.expect("call-stats");
        statsSeen.set(true);
        assertThat(stats.at("/stats/callId").asText()).isEqualTo(callId);
        assertThat(f.api.get("/v1/calls/stats").body().get("callId").asText()).isEqualTo(callId);
        assertThat(f.api.post("/v1/contacts/" + b + "/calls", "{}").status()).as("already in a call").isEqualTo(409);

        assertThat(f.api.post("/v1/calls/" + callId + "/mute", "{\"muted\":true}").status()).isEqualTo(200);
        assertThat(ev.expect("call-muted").get("muted").asBoolean()).isTrue();
        assertThat(f.api.post("/v1/calls/" + callId + "/hangup", "").status()).isEqualTo(200);
        JsonNode ended = ev.expect("call-ended").get("record");
        assertThat(ended.get("reason").asText()).isEqualTo("completed");
        assertThat(ended.get("endedLocally").asBoolean()).isTrue();
        bob.rec.expectNext(ParleyEvent.CallEnded.class, "completed", e -> e.record().reason() == CallEndReason.COMPLETED);
        assertThat(f.api.post("/v1/calls/" + callId + "/hangup", "").status()).as("no longer live").isEqualTo(404);
        assertThat(ApiJson.list(f.api.get("/v1/contacts/" + b + "/calls").body(), ApiJson::callRecord)).singleElement()
                .satisfies(r -> assertThat(r.callId().toString()).isEqualTo(callId));

        statsSeen.set(false);
        CallId in = bob.client.call(bob.client.contacts().get(0).peerId(), CallMedia.tone(500, null)).toCompletableFuture().get();
        bob.rec.next(ParleyEvent.CallDialing.class);
        assertThat(ev.expect("call-ringing").get("callId").asText()).isEqualTo(in.toString());
        assertThat(f.api.post("/v1/calls/" + in + "/answer", "{\"media\":{\"toneHz\":660,\"toneMs\":5000}}").status()).isEqualTo(200);
        ev.expect("call-answered");
        bob.rec.next(ParleyEvent.CallAnswered.class);
        ev.expect("call-stats");
        statsSeen.set(true);
        bob.client.hangUp(in);
        assertThat(ev.expect("call-ended").at("/record/endedLocally").asBoolean()).isFalse();
        bob.rec.next(ParleyEvent.CallEnded.class);
        sentinel();
    }

    @Test
    void aCallToAContactThatIsGoneIs504Unreachable() throws Exception {
        befriend();
        bob.client.close();
        Api.Reply r = f.api.post("/v1/contacts/" + b + "/calls", "{\"media\":{\"toneHz\":440}}");
        assertThat(r.status()).as("%s", r).isEqualTo(504);
        assertThat(r.code()).isEqualTo("unreachable");
        assertThat(r.body().at("/error/message").asText()).contains("cannot reach");
        assertThat(f.api.post("/v1/contacts/" + b + "/calls", "{\"media\":{\"play\":\"/no/such.wav\"}}").status()).isEqualTo(400);
    }

    @Test
    void messagesQueuedBeforeADaemonRestartAreDeliveredOnce() throws Exception {
        befriend();
        bob.client.close();
        bob.rec.next(ParleyEvent.Closed.class);
        String id1 = send("queued 1").get("id").asText();
        String id2 = send("queued 2").get("id").asText();
        ev.expect("message");
        ev.expect("message");
        ev.close();
        f.daemon.close();

        f.startDaemon();
        assertThat(ApiJson.list(f.api.get("/v1/contacts/" + b + "/outbox").body(), ApiJson::message)).extracting(m -> m.id().toString())
                .containsExactly(id1, id2);
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch(), "server", "presence", "session");
        bob = f.peer("bob", true);
        bob.rec.next(ParleyEvent.ServerStateChanged.class);
        for (String id : List.of(id1, id2)) {
            bob.rec.expectNext(ParleyEvent.MessageAdded.class, "queued " + id, m -> m.message().id().toString().equals(id));
        }
        for (String id : List.of(id1, id2)) {
            ev.rec.expectNext("sent " + id, n -> n.path("id").asText().equals(id) && n.path("state").asText().equals("sent"));
        }
        List<JsonNode> delivered = List.of(ev.rec.next(), ev.rec.next());
        assertThat(delivered).extracting(n -> n.path("id").asText() + " " + n.path("state").asText())
                .containsExactlyInAnyOrder(id1 + " delivered", id2 + " delivered");
        assertThat(f.api.get("/v1/outbox").body().get("size").asInt()).isZero();
        sentinel();
    }
}
