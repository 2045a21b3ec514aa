package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.HistoryPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contacts and conversations through the API against a real daemon, with Bob's real (offline) profile:
 * what the API answers, what it stores, and the events it streams, strictly in order.
 */
class ContactAndMessageApiTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ev;
    String bob;
    String bobString;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "", "server", "presence", "session");
        DaemonFixture.Peer b = f.peer("bob", false);
        bob = b.client.peerId().value();
        bobString = b.client.contactString("bob").toString();
    }

    @AfterEach
    void stop() {
        if (ev != null) ev.close();
        if (f != null) f.close();
    }

    JsonNode addBob() throws Exception {
        Api.Reply r = f.api.post("/v1/contacts", "{\"contact\":\"" + bobString + "\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        ev.expect("contact");
        assertThat(ev.expect("contact").at("/contact/key").isNull()).as("then the key of the contact string, pinned").isFalse();
        return r.body();
    }

    @Test
    void contactsAreAddedListedReadVerifiedAndRemoved() throws Exception {
        JsonNode added = addBob();
        assertThat(added.get("peerId").asText()).isEqualTo(bob);
        assertThat(added.get("name").asText()).isEqualTo("bob");
        assertThat(added.get("verified").asBoolean()).isFalse();
        assertThat(added.get("keyChanged").asBoolean()).isFalse();
        assertThat(added.get("online").asBoolean()).isFalse();
        assertThat(added.get("connected").asBoolean()).isFalse();
        Contact back = ApiJson.contact(added);
        assertThat(back).isEqualTo(f.daemon.client().contact(ApiJson.peer(bob)).orElseThrow());

        Api.Reply list = f.api.get("/v1/contacts");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().isArray()).isTrue();
        assertThat(list.body()).hasSize(1);
        assertThat(list.body().get(0).get("peerId").asText()).isEqualTo(bob);
        assertThat(list.body().get(0).get("name").asText()).isEqualTo("bob");

        Api.Reply rename = f.api.post("/v1/contacts", "{\"contact\":\"" + bob + "\",\"name\":\"Bobby\"}");
        assertThat(rename.status()).isEqualTo(200);
        assertThat(rename.body().get("name").asText()).isEqualTo("Bobby");
        assertThat(ev.expect("contact").at("/contact/name").asText()).as("a rename is an event too").isEqualTo("Bobby");
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + bob + "\",\"name\":\"Bobby\"}").status())
                .as("the same name again changes nothing (and says nothing)").isEqualTo(200);

        assertThat(f.api.get("/v1/contacts/" + bob).body().get("name").asText()).isEqualTo("Bobby");
        String stranger = "a".repeat(32);
        Api.Reply unknown = f.api.get("/v1/contacts/" + stranger);
        assertThat(unknown.status()).as("%s", unknown).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");

        Api.Reply safety = f.api.get("/v1/contacts/" + bob + "/safety-number");
        assertThat(safety.status()).isEqualTo(200);
        String number = safety.body().get("safetyNumber").asText();
        assertThat(number).isEqualTo(f.daemon.client().safetyNumber(ApiJson.peer(bob)).orElseThrow());
        Api.Reply wrong = f.api.post("/v1/contacts/" + bob + "/verify", "{\"safetyNumber\":\"" + "1".repeat(60) + "\"}");
        assertThat(wrong.status()).isEqualTo(409);
        assertThat(wrong.code()).isEqualTo("conflict");
        Api.Reply verified = f.api.post("/v1/contacts/" + bob + "/verify", "{\"safetyNumber\":\"" + number + "\"}");
        assertThat(verified.status()).as("%s", verified).isEqualTo(200);
        assertThat(verified.body().get("verified").asBoolean()).isTrue();
        assertThat(ev.expect("contact").at("/contact/verified").asBoolean()).isTrue();
        Api.Reply noChange = f.api.post("/v1/contacts/" + bob + "/accept-key", "{}");
        assertThat(noChange.status()).isEqualTo(409);

        Api.Reply presence = f.api.get("/v1/contacts/" + bob + "/presence");
        assertThat(presence.body().get("online").asBoolean()).isFalse();
        assertThat(presence.body().get("connected").asBoolean()).isFalse();

        Api.Reply removed = f.api.delete("/v1/contacts/" + bob);
        assertThat(removed.body().get("removed").asBoolean()).isTrue();
        assertThat(ev.expect("contact-removed").get("peerId").asText()).isEqualTo(bob);
        assertThat(f.api.get("/v1/contacts/" + bob).status()).isEqualTo(404);
        assertThat(f.api.get("/v1/contacts").body()).isEmpty();
        sentinel();
    }

    @Test
    void messagesAreSentOnceByIdPagedAndQueuedUntilBobIsReachable() throws Exception {
        addBob();
        String id = UUID.randomUUID().toString();
        Api.Reply sent = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"hi bob ✓\",\"id\":\"" + id + "\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(201);
        ChatMessage m = ApiJson.message(sent.body());
        assertThat(m.id().toString()).isEqualTo(id);
        assertThat(m.text()).isEqualTo("hi bob ✓");
        assertThat(sent.body().get("direction").asText()).isEqualTo("outgoing");
        assertThat(sent.body().get("state").asText()).isEqualTo("pending");
        JsonNode echo = ev.expect("message");
        assertThat(echo.at("/message/id").asText()).isEqualTo(id);
        assertThat(echo.get("storedSeq").asLong()).isPositive();

        Api.Reply again = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"hi bob ✓\",\"id\":\"" + id + "\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(ApiJson.message(again.body())).isEqualTo(m);
        Api.Reply other = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"something else\",\"id\":\"" + id + "\"}");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("conflict");
        Api.Reply badId = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"x\",\"id\":\"nope\"}");
        assertThat(badId.status()).isEqualTo(400);
        Api.Reply empty = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"\"}");
        assertThat(empty.status()).isEqualTo(400);
        Api.Reply noText = f.api.post("/v1/contacts/" + bob + "/messages", "{}");
        assertThat(noText.status()).isEqualTo(400);

        List<String> ids = new ArrayList<>(List.of(id));
        for (int i = 1; i <= 4; i++) {
            Api.Reply r = f.api.post("/v1/contacts/" + bob + "/messages", "{\"text\":\"n" + i + "\"}");
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.body().get("id").asText());
            assertThat(ev.expect("message").at("/message/id").asText()).isEqualTo(ids.get(i));
        }

        assertThat(f.api.get("/v1/messages/" + id).body().get("text").asText()).isEqualTo("hi bob ✓");
        assertThat(f.api.get("/v1/messages/" + UUID.randomUUID()).status()).isEqualTo(404);

        Api.Reply p1 = f.api.get("/v1/contacts/" + bob + "/messages?limit=2");
        HistoryPage page1 = ApiJson.page(p1.body());
        assertThat(page1.items()).extracting(x -> x.text()).containsExactly("n4", "n3");
        assertThat(page1.next()).isPresent();
        HistoryPage page2 = ApiJson.page(f.api.get("/v1/contacts/" + bob + "/messages?limit=2&before=" + p1.body().get("next").asText()).body());
        assertThat(page2.items()).extracting(x -> x.text()).containsExactly("n2", "n1");
        HistoryPage oldest = ApiJson.page(f.api.get("/v1/contacts/" + bob + "/messages?order=oldest&limit=3").body());
        assertThat(oldest.items()).extracting(x -> x.text()).containsExactly("hi bob ✓", "n1", "n2");
        HistoryPage after = ApiJson.page(f.api.get("/v1/contacts/" + bob + "/messages?order=oldest&limit=3&after="
                + oldest.next().orElseThrow().position()).body());
        assertThat(after.items()).extracting(x -> x.text()).containsExactly("n3", "n4");
        assertThat(f.api.get("/v1/contacts/" + bob + "/messages?direction=incoming").body().get("items")).isEmpty();
        assertThat(f.api.get("/v1/contacts/" + bob + "/messages?atLeast=delivered").body().get("items")).isEmpty();
        assertThat(f.api.get("/v1/contacts/" + bob + "/messages?limit=0").status()).isEqualTo(400);
        assertThat(f.api.get("/v1/contacts/" + bob + "/messages?order=sideways").status()).isEqualTo(400);
        assertThat(f.api.get("/v1/contacts/" + bob + "/messages?before=x").status()).isEqualTo(400);

        Api.Reply outbox = f.api.get("/v1/contacts/" + bob + "/outbox");
        assertThat(ApiJson.list(outbox.body(), ApiJson::message)).extracting(x -> x.id().toString()).containsExactlyElementsOf(ids);
        assertThat(f.api.get("/v1/outbox").body().get("size").asInt()).isEqualTo(5);
        assertThat(f.api.get("/v1/contacts/" + bob + "/unread").body().get("unread").asInt()).isZero();
        Api.Reply read = f.api.post("/v1/contacts/" + bob + "/read", "");
        assertThat(read.status()).isEqualTo(202);
        assertThat(f.api.post("/v1/contacts/" + bob + "/read", "{\"upTo\":\"" + UUID.randomUUID() + "\"}").status()).isEqualTo(404);
        assertThat(f.api.post("/v1/contacts/" + bob + "/typing", "{\"typing\":true}").status()).isEqualTo(200);
        assertThat(f.api.post("/v1/contacts/" + bob + "/typing", "{}").status()).isEqualTo(400);
        String stranger = f.peer("carol", false).client.peerId().value();
        Api.Reply toStranger = f.api.post("/v1/contacts/" + stranger + "/messages", "{\"text\":\"hi\"}");
        assertThat(toStranger.status()).isEqualTo(404);
        assertThat(toStranger.code()).isEqualTo("not_found");
        sentinel();
    }

    @Test
    void fourConcurrentClientsSendingWithTheirOwnIdsLoseAndDuplicateNothing() throws Exception {
        addBob();
        int clients = 4, each = 50;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        List<java.util.concurrent.Future<List<String>>> sent = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Api own = new Api(f.daemon.url(), f.token.value()); // its own connection pool
            sent.add(pool.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    String id = UUID.randomUUID().toString();
                    String body = "{\"text\":\"c" + client + " m" + i + "\",\"id\":\"" + id + "\"}";
                    Api.Reply r = own.post("/v1/contacts/" + bob + "/messages", body);
                    assertThat(r.status()).as("%s", r).isEqualTo(201);
                    if (i % 10 == 0) assertThat(own.post("/v1/contacts/" + bob + "/messages", body).status()).as("a retry").isEqualTo(200);
                    ids.add(id);
                }
                return ids;
            }));
        }
        java.util.Set<String> all = new java.util.HashSet<>();
        for (var fu : sent) all.addAll(fu.get(60, java.util.concurrent.TimeUnit.SECONDS));
        pool.shutdown();
        assertThat(all).hasSize(clients * each);
        java.util.Set<String> streamed = new java.util.HashSet<>();
        for (int i = 0; i < clients * each; i++) {
            JsonNode n = ev.expect("message");
            assertThat(streamed.add(n.at("/message/id").asText())).as("streamed once: %s", n).isTrue();
        }
        assertThat(streamed).isEqualTo(all);
        assertThat(f.api.get("/v1/outbox").body().get("size").asInt()).isEqualTo(clients * each);
        sentinel();
    }

    /** Closes the absence window: a contact added now must be the very next event. */
    void sentinel() throws Exception {
        String carol = f.peer("sentinel", false).client.peerId().value(); // by peer id: one event, no key to pin
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + carol + "\",\"name\":\"sentinel\"}").status()).isEqualTo(201);
        ev.rec.assertNothingElseUntil("the sentinel contact", n -> n.path("type").asText().equals("contact")
                && n.at("/contact/name").asText().equals("sentinel"));
        ev.rec.assertExhausted();
    }
}
