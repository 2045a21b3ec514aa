package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events stream of a real daemon: strictly ordered and numbered, a reconnect with {@code since}
 * gets exactly what it missed, a stale cursor or another run's epoch gets {@code resync} first, and a
 * reader that does not read is cut without holding the daemon up.
 */
class EventStreamTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ws;

    @AfterEach
    void stop() {
        if (ws != null) ws.close();
        if (f != null) f.close();
    }

    /** Adds a contact (an offline real profile) through the API; its "contact" event follows. */
    String addContact(String name) throws Exception {
        // By peer id with a name: one change, one event (a contact string's key would be a second, when pinned).
        String id = f.peer(name, false).client.peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + id + "\",\"name\":\"" + name + "\"}").status()).isEqualTo(201);
        return name;
    }

    static JsonNode expectContact(WsEvents w, long seq, String name) {
        return w.rec.expectNext("contact " + name + " as seq " + seq, n -> n.path("seq").asLong() == seq
                && n.path("type").asText().equals("contact") && n.at("/contact/name").asText().equals(name));
    }

    @Test
    void aReconnectWithSinceGetsExactlyTheMissedEventsThenLiveOnes() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        String epoch = f.daemon.epoch();
        ws = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + epoch);
        ws.rec.expectNext("seq 1: the server came online", n -> n.path("seq").asLong() == 1 && n.path("type").asText().equals("server")
                && n.at("/status/online").asBoolean());
        addContact("a");
        expectContact(ws, 2, "a");
        ws.close();
        ws.rec.expectNext("the close", n -> n.path("type").asText().equals("ws-closed"));
        ws.rec.assertExhausted();

        addContact("b");
        addContact("c");
        WsEvents again = WsEvents.open(f.daemon.url(), f.token.value(), "since=2&epoch=" + epoch);
        try {
            expectContact(again, 3, "b");
            expectContact(again, 4, "c");
            addContact("d");
            again.rec.assertNothingElseUntil("d, live, as seq 5", n -> n.path("seq").asLong() == 5 && n.at("/contact/name").asText().equals("d"));
            again.rec.assertExhausted();
        } finally {
            again.close();
        }
        // a new client without a cursor gets live events only
        WsEvents live = WsEvents.open(f.daemon.url(), f.token.value(), "");
        try {
            addContact("e");
            live.rec.assertNothingElseUntil("e as seq 6", n -> n.path("seq").asLong() == 6 && n.at("/contact/name").asText().equals("e"));
        } finally {
            live.close();
        }
    }

    @Test
    void anotherEpochOrACursorOlderThanTheBufferGetsResyncFirst() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon(DaemonConfig.loopback(0), 3);
        String epoch = f.daemon.epoch();
        ws = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + epoch);
        ws.expect("server");
        for (String n : List.of("a", "b", "c", "d")) addContact(n);
        for (int i = 0; i < 4; i++) ws.expect("contact");
        long last = f.daemon.events().lastSeq();
        assertThat(last).isEqualTo(5);

        WsEvents old = WsEvents.open(f.daemon.url(), f.token.value(), "since=1&epoch=" + epoch);
        WsEvents other = WsEvents.open(f.daemon.url(), f.token.value(), "since=4&epoch=someotherrun");
        WsEvents future = WsEvents.open(f.daemon.url(), f.token.value(), "since=99&epoch=" + epoch);
        WsEvents covered = WsEvents.open(f.daemon.url(), f.token.value(), "since=3&epoch=" + epoch);
        try {
            old.rec.expectNext("resync: too old", n -> n.path("type").asText().equals("resync") && n.path("reason").asText().equals("too_old")
                    && n.path("seq").asLong() == 5 && n.path("epoch").asText().equals(epoch));
            other.rec.expectNext("resync: restarted", n -> n.path("type").asText().equals("resync") && n.path("reason").asText().equals("restarted"));
            future.rec.expectNext("resync: not this run's cursor", n -> n.path("type").asText().equals("resync"));
            expectContact(covered, 4, "c");
            expectContact(covered, 5, "d");
            addContact("e");
            for (WsEvents w : List.of(old, other, future, covered, ws)) {
                w.rec.assertNothingElseUntil("e live as seq 6", n -> n.path("seq").asLong() == 6 && n.at("/contact/name").asText().equals("e"));
                w.rec.assertExhausted();
            }
        } finally {
            Stream.of(old, other, future, covered).forEach(WsEvents::close);
        }
    }

    @Test
    void aRestartedDaemonIsANewEpochAndItsClientsResync() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        String epoch = f.daemon.epoch();
        addContact("a");
        long last = f.daemon.events().lastSeq();
        f.daemon.close();
        f.startDaemon();
        assertThat(f.daemon.epoch()).isNotEqualTo(epoch);
        assertThat(f.api.get("/v1/check").body().get("epoch").asText()).isEqualTo(f.daemon.epoch());
        ws = WsEvents.open(f.daemon.url(), f.token.value(), "since=" + last + "&epoch=" + epoch, "server");
        ws.rec.expectNext("resync", n -> n.path("type").asText().equals("resync") && n.path("reason").asText().equals("restarted")
                && n.path("epoch").asText().equals(f.daemon.epoch()));
        addContact("b");
        ws.rec.assertNothingElseUntil("b", n -> n.at("/contact/name").asText().equals("b"));
    }

    @Test
    void aReaderThatDoesNotReadIsCutWithACloseCodeAndTheDaemonGoesOn() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon(DaemonConfig.loopback(0).withEventQueue(50), 20_000);
        ws = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch());
        ws.expect("server"); // the daemon's own first event is in before the slow reader counts
        ws.close();
        WsEvents slow = new WsEvents("slow", false); // asks for one frame and then nothing
        slow.ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + f.token.value())
                .buildAsync(WsEvents.wsUri(f.daemon.url(), ""), slow).get();
        long first = f.daemon.events().lastSeq() + 1;
        String pad = "x".repeat(8 * 1024);
        long t0 = System.nanoTime();
        for (int i = 0; i < 4000; i++) f.daemon.events().append(ApiJson.object().put("type", "test").put("pad", pad));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("appending never waits for a reader").isLessThan(Duration.ofSeconds(20));
        assertThat(f.api.get("/v1/check").status()).isEqualTo(200);

        slow.ws.request(Long.MAX_VALUE);
        long expect = first;
        while (true) {
            JsonNode n = slow.rec.next();
            if (n.path("type").asText().equals("ws-closed")) {
                assertThat(n.get("code").asInt()).isEqualTo(1008);
                assertThat(n.get("reason").asText()).startsWith("too slow").contains("since=");
                break;
            }
            assertThat(n.path("seq").asLong()).as("frames are a gapless prefix").isEqualTo(expect++);
        }
        assertThat(expect).as("it was cut before the end").isLessThan(first + 4000);
        slow.rec.assertExhausted();
    }

    @Test
    void serverSentEventsCarryTheSameNumberedEvents() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        HttpResponse<Stream<String>> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(f.daemon.url().resolve("/v1/events?since=0&epoch="
                + f.daemon.epoch())).header("Authorization", "Bearer " + f.token.value()).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        addContact("a");
        java.util.Iterator<String> lines = res.body().iterator();
        List<String> got = new java.util.ArrayList<>();
        while (got.size() < 6) got.add(lines.next());
        assertThat(got.get(0)).isEqualTo("id: 1");
        assertThat(got.get(1)).startsWith("data: {\"seq\":1,\"type\":\"server\"");
        assertThat(got.get(2)).isEmpty();
        assertThat(got.get(3)).isEqualTo("id: 2");
        assertThat(ApiJson.parse(got.get(4).substring(6)).at("/contact/name").asText()).isEqualTo("a");
        res.body().close();
    }
}
