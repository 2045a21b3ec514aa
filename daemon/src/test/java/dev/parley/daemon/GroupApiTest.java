package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.RemoteParley;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The group routes of a real daemon with a real peer (Bob, in-process) over real WebRTC: create, invite,
 * the invitee accepts, posts both ways, the same history in the same order on both sides, members,
 * safety number, the refusals' statuses; and {@link RemoteParley} doing the same through them.
 */
@Tag("native")
class GroupApiTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    WsEvents ev;
    DaemonFixture.Peer bob;

    @AfterEach
    void stop() {
        if (ev != null) ev.close();
        if (f != null) f.close();
    }

    @Test
    void aGroupThroughTheApiWithARealPeer() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        ev = WsEvents.open(f.daemon.url(), f.token.value(), "since=0&epoch=" + f.daemon.epoch(), "server", "presence", "session");
        bob = f.peer("bob", true);
        bob.rec.ignoring(ParleyEvent.GroupMemberChanged.class); // whether Bob hears his own add as a change depends on timing
        bob.rec.ignoring(ParleyEvent.GroupMessageDelivered.class); // the daemon's side of delivery is asserted, not Bob's
        bob.rec.expectNext("bob online", e -> e instanceof ParleyEvent.ServerStateChanged s && s.status().online());
        String b = bob.client.peerId().value();
        assertThat(f.api.post("/v1/contacts", "{\"contact\":\"" + bob.client.contactString("bob") + "\"}").status()).isEqualTo(201);
        ev.expect("contact");
        assertThat(ev.expect("contact").at("/contact/key").isNull()).as("then the key of the contact string, pinned").isFalse();
        bob.client.addContact(f.api.get("/v1/identity?name=daemon").body().get("contactString").asText(), null);
        bob.rec.next(ParleyEvent.ContactChanged.class);
        bob.rec.next(ParleyEvent.ContactChanged.class); // the contact string's key pinned

        Api.Reply created = f.api.post("/v1/groups", "{\"name\":\"Team ✓\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        GroupInfo g = GroupJson.group(created.body());
        assertThat(g.name()).isEqualTo("Team ✓");
        assertThat(g.status()).isEqualTo(GroupInfo.Status.JOINED);
        assertThat(g.admin()).isTrue();
        assertThat(g.members()).isEqualTo(1);
        String gp = "/v1/groups/" + g.id().value();

        assertThat(f.api.post(gp + "/invite", "{\"peers\":[\"" + b + "\"]}").status()).isEqualTo(200);
        JsonNode added = ev.expect("group-member");
        assertThat(added.get("group").asText()).isEqualTo(g.id().value());
        assertThat(added.get("peerId").asText()).isEqualTo(b);
        assertThat(added.get("action").asText()).isEqualTo("added");
        ParleyEvent.GroupInvited inv = bob.rec.expectNext(ParleyEvent.GroupInvited.class, "invitation", e -> e.group().equals(g.id()));
        assertThat(inv.name()).isEqualTo("Team ✓");
        assertThat(inv.from().value()).isEqualTo(f.daemon.client().peerId().value());
        bob.client.acceptGroup(g.id());

        Api.Reply posted = f.api.post(gp + "/messages", "{\"text\":\"hello team\"}");
        assertThat(posted.status()).as("%s", posted).isEqualTo(201);
        GroupPost mine = GroupJson.post(posted.body());
        assertThat(GroupJson.post(ev.expect("group-message").get("post"))).isEqualTo(mine);
        bob.rec.expectNext(ParleyEvent.GroupMessageAdded.class, "the daemon's post", e -> e.post().id().equals(mine.id()));
        JsonNode stored = ev.expect("group-delivered");
        assertThat(stored.get("group").asText()).isEqualTo(g.id().value());
        assertThat(stored.get("id").asText()).isEqualTo(mine.id().value());
        assertThat(stored.get("peerId").asText()).isEqualTo(b);
        GroupPost his = bob.client.sendToGroup(g.id(), "hi from bob");
        bob.rec.expectNext(ParleyEvent.GroupMessageAdded.class, "his own post", e -> e.post().id().equals(his.id()));
        assertThat(GroupJson.post(ev.expect("group-message").get("post")).id()).isEqualTo(his.id());

        // Receipts and typing: Bob's read mark and typing reach the API's stream; the daemon's reach Bob.
        bob.client.markGroupRead(g.id(), his.id());
        JsonNode read = ev.expect("group-read");
        assertThat(read.get("peerId").asText()).isEqualTo(b);
        assertThat(read.get("upTo").asText()).isEqualTo(his.id().value());
        assertThat(ApiJson.list(f.api.get("/v1/group-messages/" + mine.id().value() + "/read").body().get("readBy"), JsonNode::asText))
                .containsExactly(b);
        bob.client.setGroupTyping(g.id(), true);
        assertThat(ev.expect("group-typing").get("typing").asBoolean()).isTrue();
        bob.client.setGroupTyping(g.id(), false);
        assertThat(ev.expect("group-typing").get("typing").asBoolean()).isFalse();
        assertThat(f.api.post(gp + "/typing", "{}").status()).isEqualTo(400);
        assertThat(f.api.post(gp + "/typing", "{\"typing\":true}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.GroupTyping.class, "the daemon typing", e -> e.typing() && e.group().equals(g.id()));
        assertThat(f.api.post(gp + "/typing", "{\"typing\":false}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.GroupTyping.class, "the daemon stopped", e -> !e.typing());
        assertThat(f.api.post(gp + "/read", "{}").status()).isEqualTo(200);
        bob.rec.expectNext(ParleyEvent.GroupMessageRead.class, "the daemon read all", e -> e.upTo().equals(his.id()));
        assertThat(bob.client.groupReadBy(his.id())).extracting(PeerId::value).containsExactly(f.daemon.client().peerId().value());

        List<GroupMessageId> order = ApiJson.list(f.api.get(gp + "/messages").body(), GroupJson::post).stream().map(GroupPost::id).toList();
        assertThat(order).containsExactlyInAnyOrder(mine.id(), his.id());
        assertThat(bob.client.groupHistory(g.id(), null, 10)).extracting(GroupPost::id).as("same order on both sides").isEqualTo(order);
        assertThat(ApiJson.list(f.api.get(gp + "/messages?after=" + order.get(0).value()).body(), GroupJson::post))
                .extracting(GroupPost::id).containsExactly(order.get(1));
        List<GroupMember> members = ApiJson.list(f.api.get(gp + "/members").body(), GroupJson::member);
        assertThat(members).extracting(m -> m.peer().value()).containsExactlyInAnyOrder(f.daemon.client().peerId().value(), b);
        assertThat(members).filteredOn(GroupMember::admin).extracting(m -> m.peer().value()).containsExactly(f.daemon.client().peerId().value());
        assertThat(f.api.get(gp + "/members/" + b + "/safety-number").body().get("safetyNumber").asText())
                .isEqualTo(f.daemon.client().groupSafetyNumber(g.id(), bob.client.peerId()));
        JsonNode delivered = f.api.get("/v1/group-messages/" + mine.id().value() + "/delivered").body();
        assertThat(ApiJson.list(delivered.get("deliveredTo"), JsonNode::asText)).isSubsetOf(b);

        // Refusals keep the library's meaning: not found 404, malformed 400, refused 409.
        GroupId unknown = GroupId.of(ApiJsonTest.digest(7));
        assertThat(f.api.get("/v1/groups/" + unknown.value()).status()).isEqualTo(404);
        assertThat(f.api.get("/v1/groups/not-a-group/members").status()).isEqualTo(400);
        assertThat(f.api.post(gp + "/messages", "{}").status()).isEqualTo(400);
        Api.Reply lastAdmin = f.api.post(gp + "/admin", "{\"peerId\":\"" + f.daemon.client().peerId().value() + "\",\"admin\":false}");
        assertThat(lastAdmin.status()).as("%s", lastAdmin).isEqualTo(409);

        // RemoteParley: the same group through the same routes, the same values as in process.
        try (RemoteParley remote = RemoteParley.connect(new DaemonEndpoint(ProcessHandle.current().pid(), f.daemon.url(), f.token.value()),
                new ParleyListener() {})) {
            assertThat(remote.groups()).isEqualTo(f.daemon.client().groups());
            assertThat(remote.group(g.id())).isEqualTo(f.daemon.client().group(g.id()));
            assertThat(remote.group(unknown)).isEmpty();
            assertThat(remote.members(g.id())).isEqualTo(f.daemon.client().members(g.id()));
            assertThat(remote.groupHistory(g.id(), null, 10)).isEqualTo(f.daemon.client().groupHistory(g.id(), null, 10));
            GroupPost third = remote.sendToGroup(g.id(), "through RemoteParley");
            assertThat(GroupJson.post(ev.expect("group-message").get("post"))).isEqualTo(third);
            bob.rec.expectNext(ParleyEvent.GroupMessageAdded.class, "the remote post", e -> e.post().id().equals(third.id()));
            assertThat(ev.expect("group-delivered").get("id").asText()).isEqualTo(third.id().value());
            assertThat(remote.groupDeliveredTo(third.id())).extracting(PeerId::value).containsExactly(b);
            assertThat(remote.groupReadBy(mine.id())).extracting(PeerId::value).containsExactly(b);
            remote.markGroupRead(g.id(), third.id());
            bob.rec.expectNext(ParleyEvent.GroupMessageRead.class, "the remote read", e -> e.upTo().equals(third.id()));
            assertThat(remote.groupSafetyNumber(g.id(), bob.client.peerId()))
                    .isEqualTo(f.daemon.client().groupSafetyNumber(g.id(), bob.client.peerId()));
            PeerId self = remote.peerId();
            assertThatThrownBy(() -> remote.setGroupAdmin(g.id(), self, false)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> remote.members(unknown)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
