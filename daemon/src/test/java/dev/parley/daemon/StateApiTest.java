package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Identity, server state, presence and the other state endpoints of a real daemon, and its events when the server goes away. */
class StateApiTest {
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
    void identityServerPresenceDownloadsAndTheServerGoingAway() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch(), "session", "presence");
        assertThat(ev.expect("server").at("/status/online").asBoolean()).isTrue();

        JsonNode id = f.api.get("/v1/identity?name=Al%20ice").body();
        assertThat(id.get("peerId").asText()).isEqualTo(f.daemon.client().peerId().value());
        assertThat(id.get("key").asText()).isEqualTo(f.daemon.client().identityKey().base64Url());
        assertThat(id.get("contactString").asText()).isEqualTo(f.daemon.client().contactString("Al ice").toString()).startsWith("parley:");

        JsonNode server = f.api.get("/v1/server").body();
        assertThat(server.get("url").asText()).isEqualTo(f.serverUri().toString());
        assertThat(server.get("online").asBoolean()).isTrue();
        assertThat(server.at("/status/description").asText()).isEqualTo("online");
        assertThat(f.api.get("/v1/downloads").body().get("dir").asText()).isEqualTo(f.profile("daemon").resolve("downloads").toAbsolutePath().toString());
        assertThat(f.api.get("/v1/audio-notice").body().has("notice")).isTrue();
        assertThat(f.api.get("/v1/calls/stats").status()).as("no call").isEqualTo(404);

        String bob = f.peer("bob", false).client.contactString("bob").toString();
        String bobId = ApiJson.contact(f.api.post("/v1/contacts", "{\"contact\":\"" + bob + "\"}").body()).peerId().value();
        ev.expect("contact");
        assertThat(ev.expect("contact").at("/contact/key").isNull()).as("then the key of the contact string, pinned").isFalse();
        assertThat(f.api.post("/v1/contacts/" + bobId + "/connect", "").body().get("dialing").asBoolean()).as("key known: dialing").isTrue();
        String carol = f.peer("carol", false).client.peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + carol + "\"}").status()).isEqualTo(201);
        ev.expect("contact");
        assertThat(f.api.post("/v1/contacts/" + carol + "/connect", "").body().get("dialing").asBoolean()).as("no key yet").isFalse();
        assertThat(f.api.get("/v1/contacts/" + bobId + "/calls").body()).isEmpty();
        assertThat(f.api.get("/v1/contacts/" + bobId + "/transfers").body()).isEmpty();

        f.server.close();
        JsonNode lost = ev.expect("server");
        assertThat(lost.at("/status/online").asBoolean()).isFalse();
        assertThat(lost.at("/status/retryInMs").isNumber()).isTrue();
        assertThat(f.api.get("/v1/server").body().get("online").asBoolean()).isFalse();
        assertThat(f.api.get("/v1/check").status()).as("the API does not need the server").isEqualTo(200);
    }
}
