package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.RemoteParley;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group files through the daemon (docs/api.md § Group files) with a real peer: a file Bob shares is
 * offered on the event stream, accepted by a route and completes verified in the daemon's download
 * folder; a file shared through {@code RemoteParley} reaches Bob, and the daemon's side hears that he
 * holds it; bad requests get 400 with what is wrong.
 */
@Tag("native")
class GroupFileApiTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ev;

    @AfterEach
    void stop() {
        if (ev != null) ev.close();
        if (f != null) f.close();
    }

    private static boolean kind(JsonNode n, String kind, GroupFileOffer file) {
        return kind.equals(n.path("kind").asText()) && file.id().value().equals(n.path("file").asText());
    }

    @Test
    void groupFilesBothWaysThroughTheApi() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        DaemonFixture.Peer bob = f.peer("bob", true);
        bob.rec.expectNext("bob online", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        EventRecorder<GroupFileEvent> bobFiles = new EventRecorder<GroupFileEvent>("bob files").timeout(Duration.ofSeconds(60))
                .ignoring("progress", e -> e instanceof GroupFileEvent.Progress);
        bob.client.addGroupFileListener(bobFiles::record);
        String b = bob.client.peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + bob.client.contactString("bob") + "\"}").status()).isEqualTo(201);
        bob.client.addContact(f.api.get("/v1/identity?name=daemon").body().get("contactString").asText(), null);
        bob.rec.next(ParleyEvent.ContactChanged.class);
        bob.rec.next(ParleyEvent.ContactChanged.class); // the contact string's key pinned
        bob.rec.ignoring(ParleyEvent.GroupMemberChanged.class, ParleyEvent.GroupMessageAdded.class, ParleyEvent.GroupMessageDelivered.class);
        GroupInfo g = GroupJson.group(f.api.post("/v1/groups", "{\"name\":\"Files\"}").body());
        String gp = "/v1/groups/" + g.id().value();
        assertThat(f.api.post(gp + "/invite", "{\"peers\":[\"" + b + "\"]}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.GroupInvited.class, "invitation", e -> e.group().equals(g.id()));
        bob.client.acceptGroup(g.id());

        // From here on only group-file events, and not their progress, matter on the API's stream.
        long since = f.api.get("/v1/check").body().get("lastSeq").asLong();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=" + since + "&epoch=" + f.daemon.epoch());
        ev.rec.ignoring("other types and progress", n -> !"group-file".equals(n.path("type").asText()) || "progress".equals(n.path("kind").asText()));

        byte[] data = new byte[1_500_000];
        new Random(7).nextBytes(data);
        Path shared = dir.resolve("report ✓.bin");
        Files.write(shared, data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        GroupFileOffer offer = bob.client.shareFileToGroup(g.id(), shared);
        JsonNode offered = ev.expect("group-file");
        assertThat(offered.get("kind").asText()).isEqualTo("offered");
        assertThat(GroupFileJson.offer(offered.get("offer"))).isEqualTo(offer);
        assertThat(offered.at("/offer/sha256").asText()).isEqualTo(sha);
        assertThat(ApiJson.list(f.api.get("/v1/group-files").body(), GroupFileJson::offer)).contains(offer);

        assertThat(f.api.post("/v1/group-files/" + offer.id().value() + "/accept", "{}").status()).isEqualTo(200);
        // His bitfield comes before any piece can be asked of him: before or after our acceptance (it may beat the offer's post).
        ev.rec.expectInAnyOrder(
                WsEvents.event("accepted by the app", n -> kind(n, "accepted", offer) && n.path("group").asText().equals(g.id().value())
                        && n.has("automatically") && !n.get("automatically").asBoolean()),
                WsEvents.event("bob holds it", n -> kind(n, "held", offer) && n.path("peerId").asText().equals(b)));
        JsonNode done = ev.expect("group-file");
        assertThat(done.get("kind").asText()).isEqualTo("completed");
        assertThat(done.get("file").asText()).isEqualTo(offer.id().value());
        assertThat(done.get("sha256").asText()).isEqualTo(sha);
        assertThat(done.at("/sources/" + b).asLong()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(Path.of(done.get("path").asText()))).isEqualTo(data);
        // The file's record, as the daemon's library stored it.
        JsonNode rec = f.api.get("/v1/group-files/" + offer.id().value()).body();
        assertThat(rec.get("state").asText()).isEqualTo("completed");
        assertThat(rec.get("path").asText()).isEqualTo(done.get("path").asText());
        assertThat(GroupFileJson.offer(rec.get("offer"))).isEqualTo(offer);
        assertThat(f.api.get("/v1/group-files/" + dev.parley.protocol.crypto.Base64Url.encode(new byte[32])).status()).isEqualTo(404);
        assertThat(f.api.get("/v1/group-files/nonsense").status()).isEqualTo(400);
        GroupFileEvent.Held held = bobFiles.expectNext(GroupFileEvent.Held.class, "the daemon holds it", h -> h.file().equals(offer.id()));
        assertThat(held.member()).isEqualTo(f.daemon.client().peerId());

        // The other way, through the Java client of the API: its listener hears Bob holding the file.
        EventRecorder<GroupFileEvent> remoteFiles = new EventRecorder<GroupFileEvent>("remote files").timeout(Duration.ofSeconds(60))
                .ignoring("progress", e -> e instanceof GroupFileEvent.Progress);
        GroupFileOffer o2;
        try (RemoteParley remote = RemoteParley.connect(new DaemonEndpoint(ProcessHandle.current().pid(), f.daemon.url(), f.token.value()),
                new ParleyListener() { })) {
            remote.addGroupFileListener(remoteFiles::record);
            remote.start();
            byte[] back = new byte[300_000];
            new Random(8).nextBytes(back);
            Path mine = dir.resolve("from-daemon.bin");
            Files.write(mine, back);
            o2 = remote.shareFileToGroup(g.id(), mine);
            assertThat(o2.from()).isEqualTo(f.daemon.client().peerId());
            assertThat(o2.size()).isEqualTo(back.length);
            GroupFileEvent.Offered atBob = bobFiles.expectNext(GroupFileEvent.Offered.class, "the daemon's offer", x -> x.offer().id().equals(o2.id()));
            assertThat(atBob.offer()).isEqualTo(o2);
            bob.client.acceptGroupFile(o2.id());
            bobFiles.expectInAnyOrder(
                    EventRecorder.event("bob accepts", x -> x instanceof GroupFileEvent.Accepted a && a.file().equals(o2.id()) && !a.automatically()),
                    EventRecorder.event("the daemon, its sharer, holds it", x -> x instanceof GroupFileEvent.Held h && h.file().equals(o2.id())
                            && h.member().equals(f.daemon.client().peerId())));
            GroupFileEvent.Completed got = bobFiles.expectNext(GroupFileEvent.Completed.class, "complete at Bob", x -> x.file().equals(o2.id()));
            assertThat(Files.readAllBytes(got.path())).isEqualTo(back);
            GroupFileEvent.Held bobHolds = remoteFiles.expectNext(GroupFileEvent.Held.class, "Bob holds it", h -> h.file().equals(o2.id()));
            assertThat(bobHolds.member()).isEqualTo(bob.client.peerId());
            assertThat(remote.groupFiles()).contains(offer, o2);
            assertThat(remote.groupFile(o2.id())).hasValueSatisfying(x -> assertThat(x.state()).isEqualTo(dev.parley.client.GroupFileState.SHARED));
            remote.setGroupFileUploadLimit(0);
            // The daemon's rule for the group, set through the Java client; it stays for the daemon's run.
            remote.autoAcceptGroupFiles(g.id(), 1_000_000);
            GroupId unknown = GroupId.of(dev.parley.protocol.crypto.Base64Url.encode(new byte[32]));
            assertThatThrownBy(() -> remote.autoAcceptGroupFiles(unknown, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no group");
        }
        ev.rec.expectNext("bob holds the daemon's file", n -> kind(n, "held", o2) && n.path("peerId").asText().equals(b));

        // Bob's next file is within the rule's cap: offered, accepted automatically (at once), then fetched.
        byte[] third = new byte[400_000];
        new Random(9).nextBytes(third);
        GroupFileOffer o3 = bob.client.shareFileToGroup(g.id(), Files.write(dir.resolve("minutes.bin"), third));
        JsonNode offered3 = ev.expect("group-file");
        assertThat(offered3.get("kind").asText()).isEqualTo("offered");
        assertThat(GroupFileJson.offer(offered3.get("offer"))).isEqualTo(o3);
        JsonNode auto = ev.expect("group-file");
        assertThat(kind(auto, "accepted", o3)).as(auto.toString()).isTrue();
        assertThat(auto.get("automatically").asBoolean()).isTrue();
        assertThat(GroupFileJson.event(auto)).isEqualTo(new GroupFileEvent.Accepted(o3.id(), g.id(), true));
        assertThat(kind(ev.expect("group-file"), "held", o3)).isTrue();
        JsonNode done3 = ev.expect("group-file");
        assertThat(kind(done3, "completed", o3)).as(done3.toString()).isTrue();
        assertThat(Files.readAllBytes(Path.of(done3.get("path").asText()))).isEqualTo(third);
        // Over the cap: offered, and nothing else until the sentinel (the route turning the rule off, then a small file).
        byte[] fourth = new byte[1_000_001];
        new Random(10).nextBytes(fourth);
        GroupFileOffer o4 = bob.client.shareFileToGroup(g.id(), Files.write(dir.resolve("too big.bin"), fourth));
        assertThat(kind(ev.expect("group-file"), "offered", o4)).isTrue();
        assertThat(f.api.post(gp + "/files/auto-accept", "{\"maxBytes\":0}").status()).isEqualTo(200);
        GroupFileOffer o5 = bob.client.shareFileToGroup(g.id(), Files.write(dir.resolve("tiny.bin"), new byte[]{1, 2, 3}));
        JsonNode next = ev.expect("group-file");
        if (kind(next, "held", o4)) next = ev.expect("group-file"); // Bob's bitfield may follow his post (then it says he has it) or beat it
        assertThat(kind(next, "offered", o5)).as("nothing accepted the file over the cap: " + next).isTrue();

        // Refusals, with what is wrong.
        assertThat(f.api.post(gp + "/files", "{\"path\":\"relative.bin\"}").status()).isEqualTo(400);
        Api.Reply missing = f.api.post(gp + "/files", "{\"path\":\"" + dir.resolve("no-such-file") + "\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().at("/error/message").asText()).contains("no-such-file");
        assertThat(f.api.post("/v1/group-files/not-an-id/accept", "{}").status()).isEqualTo(400);
        assertThat(f.api.post("/v1/group-files/upload-limit", "{\"bytesPerSecond\":-1}").status()).isEqualTo(400);
        assertThat(f.api.post(gp + "/files/auto-accept", "{\"maxBytes\":-1}").status()).isEqualTo(400);
        Api.Reply noCap = f.api.post(gp + "/files/auto-accept", "{}");
        assertThat(noCap.status()).isEqualTo(400);
        assertThat(noCap.body().at("/error/message").asText()).contains("maxBytes");
        Api.Reply noGroup = f.api.post("/v1/groups/" + dev.parley.protocol.crypto.Base64Url.encode(new byte[32]) + "/files/auto-accept",
                "{\"maxBytes\":1}");
        assertThat(noGroup.status()).isEqualTo(400);
        assertThat(noGroup.body().at("/error/message").asText()).contains("no group");
        assertThat(f.api.post("/v1/group-files/upload-limit", "{\"bytesPerSecond\":1048576}").status()).isEqualTo(200);
    }
}
