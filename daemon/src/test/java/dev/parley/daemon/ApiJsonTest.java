package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.HistoryCursor;
import dev.parley.client.HistoryPage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.TransferState;
import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API's JSON both ways: every value a Java client reads back comes out equal to what the daemon
 * wrote, every ParleyEvent record has its own {@code type}, and the field names of the contract are pinned.
 */
class ApiJsonTest {
    static final PeerKey KEY = dev.parley.client.internal.Ids.app(IdentityKeyPair.generate().publicKey());
    static final PeerId PEER = KEY.peerId();
    static final Instant T = Instant.parse("2026-12-02T01:51:45.123Z");
    static final GroupId GROUP = GroupId.of(digest(1));
    static final GroupMessageId POST_ID = GroupMessageId.of(digest(2));

    /** 32 bytes of {@code b} as base64url: the form of a group id and a group message id. */
    static String digest(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static <T> T roundTrip(T value, java.util.function.Function<T, JsonNode> write, java.util.function.Function<JsonNode, T> read) {
        JsonNode n = ApiJson.parse(ApiJson.write(write.apply(value)));
        return read.apply(n);
    }

    @Test
    void everyValueTypeReadsBackEqual() {
        Contact c = new Contact(PEER, "bob", KEY, null, true, T);
        assertThat(roundTrip(c, x -> ApiJson.contact(x, true, false), ApiJson::contact)).isEqualTo(c);
        ChatMessage m = new ChatMessage(MessageId.random(), PEER, Direction.OUTGOING, 3, "hi ✓\n\"", T, T.plusMillis(1),
                MessageState.DELIVERED, T.plusMillis(2), null);
        assertThat(roundTrip(m, ApiJson::message, ApiJson::message)).isEqualTo(m);
        HistoryPage p = new HistoryPage(List.of(m), Optional.of(new HistoryCursor(1234)));
        assertThat(roundTrip(p, ApiJson::page, ApiJson::page)).isEqualTo(p);
        HistoryPage last = new HistoryPage(List.of(), Optional.empty());
        assertThat(roundTrip(last, ApiJson::page, ApiJson::page)).isEqualTo(last);
        Transfer t = new Transfer(TransferId.random(), Direction.INCOMING, PEER, "a.bin", 300, "application/octet-stream", "ab".repeat(32),
                TransferState.ACTIVE, 100, T, T);
        assertThat(roundTrip(t, ApiJson::transfer, ApiJson::transfer)).isEqualTo(t);
        TransferOffer o = new TransferOffer(TransferId.random(), PEER, "a.bin", 300, "text/plain", "cd".repeat(32));
        assertThat(roundTrip(o, ApiJson::offer, ApiJson::offer)).isEqualTo(o);
        TransferProgress pr = new TransferProgress(o.id(), Direction.OUTGOING, 10, 300, 1234.5, Duration.ofMillis(1500));
        assertThat(roundTrip(pr, ApiJson::progress, ApiJson::progress)).isEqualTo(pr);
        CallRecord r = new CallRecord(CallId.random(), PEER, Direction.OUTGOING, CallEndReason.NO_ANSWER, false, T, null, T.plusSeconds(45));
        assertThat(roundTrip(r, ApiJson::callRecord, ApiJson::callRecord)).isEqualTo(r);
        CallStats s = new CallStats(r.callId(), T, Duration.ofNanos(1_250_000), null, 0.01, 32000, 31000, "audio/opus", 10, 9, 1);
        assertThat(roundTrip(s, ApiJson::callStats, ApiJson::callStats)).isEqualTo(s);
        GroupInfo g = new GroupInfo(GROUP, "Team ✓", GroupInfo.Status.JOINED, 3, true);
        assertThat(roundTrip(g, GroupJson::group, GroupJson::group)).isEqualTo(g);
        GroupMember gm = new GroupMember(PEER, KEY, null, false);
        assertThat(roundTrip(gm, GroupJson::member, GroupJson::member)).isEqualTo(gm);
        GroupPost gp = new GroupPost(GROUP, POST_ID, PEER, 4, 17, T, "hello all", Direction.INCOMING);
        assertThat(roundTrip(gp, GroupJson::post, GroupJson::post)).isEqualTo(gp);
        assertThatThrownBy(() -> GroupJson.groupId("nope")).hasMessageContaining("not a group id");
        ServerStatus st = ServerStatus.offline("connection lost", Optional.of(Duration.ofMillis(2500)));
        assertThat(roundTrip(st, ApiJson::serverStatus, ApiJson::serverStatus)).isEqualTo(st);
        CallMedia tone = ApiJson.callMedia(ApiJson.parse("{\"toneHz\":440,\"toneMs\":2000,\"record\":\"/tmp/x.wav\"}"));
        assertThat(tone.toneHz()).isEqualTo(440);
        assertThat(tone.toneDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tone.recordFile()).isEqualTo(Path.of("/tmp/x.wav"));
        assertThat(ApiJson.callMedia(ApiJson.callMedia(tone)).toneHz()).isEqualTo(440);
        assertThat(ApiJson.callMedia((JsonNode) null).playFile()).isNull();
        assertThatThrownBy(() -> ApiJson.callMedia(ApiJson.parse("{\"play\":\"rel.wav\"}"))).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ApiJson.callMedia(ApiJson.parse("{\"play\":\"/a.wav\",\"toneHz\":1}"))).hasMessageContaining("not both");
    }

    @Test
    void theFieldNamesOfTheContractArePinned() {
        ChatMessage m = new ChatMessage(new MessageId(java.util.UUID.fromString("55835641-7a06-4378-b397-66d4e2a7ba88")), PEER,
                Direction.INCOMING, 1, "hi", T, T, MessageState.RECEIVED, null, null);
        assertThat(ApiJson.write(ApiJson.message(m))).isEqualTo("{\"id\":\"55835641-7a06-4378-b397-66d4e2a7ba88\",\"peerId\":\"" + PEER.value()
                + "\",\"direction\":\"incoming\",\"seq\":1,\"text\":\"hi\",\"sentAt\":\"2026-12-02T01:51:45.123Z\","
                + "\"storedAt\":\"2026-12-02T01:51:45.123Z\",\"state\":\"received\",\"deliveredAt\":null,\"readAt\":null}");
        JsonNode c = ApiJson.contact(new Contact(PEER, null, null, null, false, T), false, false);
        assertThat(iterable(c)).containsExactly("peerId", "name", "label", "key", "pendingKey", "verified", "keyChanged", "addedAt", "online",
                "connected");
        assertThat(ApiJson.write(ApiJson.event(new ParleyEvent.GroupMemberChanged(3, GROUP, PEER, GroupMember.Change.ADDED))))
                .isEqualTo("{\"type\":\"group-member\",\"storedSeq\":3,\"group\":\"" + GROUP.value() + "\",\"peerId\":\""
                        + PEER.value() + "\",\"action\":\"added\"}");
        assertThat(iterable(ApiJson.event(new ParleyEvent.GroupInvited(1, GROUP, "Team", PEER))))
                .containsExactly("type", "storedSeq", "group", "groupName", "from");
        assertThat(iterable(ApiJson.event(new ParleyEvent.GroupMessageDelivered(4, GROUP, POST_ID, PEER))))
                .containsExactly("type", "storedSeq", "group", "id", "peerId");
        assertThat(iterable(ApiJson.event(new ParleyEvent.GroupMessageRead(5, GROUP, PEER, POST_ID))))
                .containsExactly("type", "storedSeq", "group", "peerId", "upTo");
        assertThat(ApiJson.write(ApiJson.event(new ParleyEvent.GroupTyping(GROUP, PEER, true))))
                .isEqualTo("{\"type\":\"group-typing\",\"group\":\"" + GROUP.value() + "\",\"peerId\":\"" + PEER.value() + "\",\"typing\":true}");
        assertThat(iterable(GroupJson.post(new GroupPost(GROUP, POST_ID, PEER, 1, 2, T, "hi", Direction.INCOMING))))
                .containsExactly("group", "id", "author", "seq", "lamport", "sentAt", "text", "direction");
        assertThat(ApiJson.write(ApiJson.error("not_found", "no such"))).isEqualTo("{\"error\":{\"code\":\"not_found\",\"message\":\"no such\"}}");
    }

    static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyEventHasItsOwnTypeAndReadsBackEqual() {
        CallId call = CallId.random();
        TransferId tid = TransferId.random();
        ChatMessage m = new ChatMessage(MessageId.random(), PEER, Direction.INCOMING, 1, "hi", T, T, MessageState.RECEIVED, null, null);
        List<ParleyEvent> all = List.of(
                new ParleyEvent.MessageAdded(5, m),
                new ParleyEvent.MessageStateChanged(6, m.id(), PEER, MessageState.READ),
                new ParleyEvent.Typing(PEER, true),
                new ParleyEvent.ContactChanged(7, new Contact(PEER, "bob", KEY, null, false, T)),
                new ParleyEvent.ContactRemoved(8, PEER),
                new ParleyEvent.ServerStateChanged(ServerStatus.online(true)),
                new ParleyEvent.Presence(PEER, false),
                new ParleyEvent.SessionStateChanged(PEER, SessionStatus.CLOSED, "REMOTE: gone"),
                new ParleyEvent.SecurityWarning(PEER, "replayed offer"),
                new ParleyEvent.StrangerRefused(PEER),
                new ParleyEvent.TransferChanged(9, new Transfer(tid, Direction.OUTGOING, PEER, "a", 1, "text/plain", "ef".repeat(32),
                        TransferState.COMPLETED, 1, T, T)),
                new ParleyEvent.FileOffered(new TransferOffer(tid, PEER, "a", 1, "text/plain", "ef".repeat(32))),
                new ParleyEvent.FileStarted(tid, Direction.INCOMING, 0),
                new ParleyEvent.FileProgress(new TransferProgress(tid, Direction.INCOMING, 1, 1, 2.0, null)),
                new ParleyEvent.FileCompleted(tid, Direction.INCOMING, Path.of("/tmp/a"), "ef".repeat(32)),
                new ParleyEvent.FileFailed(tid, Direction.INCOMING, "hash mismatch"),
                new ParleyEvent.FileCancelled(tid, Direction.OUTGOING, true, "cancelled"),
                new ParleyEvent.FileDeclined(tid, "declined"),
                new ParleyEvent.CallDialing(call, PEER),
                new ParleyEvent.CallRinging(call, PEER),
                new ParleyEvent.CallAnswered(call, PEER),
                new ParleyEvent.CallMuted(call, true),
                new ParleyEvent.CallStatsUpdated(new CallStats(call, T, null, null, 0, 0, 0, "", 0, 0, 0)),
                new ParleyEvent.CallEnded(10, new CallRecord(call, PEER, Direction.INCOMING, CallEndReason.COMPLETED, false, T, T, T)),
                new ParleyEvent.GroupInvited(11, GROUP, "Team", PEER),
                new ParleyEvent.GroupMessageAdded(12, new GroupPost(GROUP, POST_ID, PEER, 1, 2, T, "hi all", Direction.OUTGOING)),
                new ParleyEvent.GroupMemberChanged(13, GROUP, PEER, GroupMember.Change.LEFT),
                new ParleyEvent.GroupMessageDelivered(14, GROUP, POST_ID, PEER),
                new ParleyEvent.GroupMessageRead(15, GROUP, PEER, POST_ID),
                new ParleyEvent.GroupMessageVisibilityChanged(16, new GroupPost(GROUP, POST_ID, PEER, 3, 4, T, "late", Direction.INCOMING), false),
                new ParleyEvent.GroupRenamed(17, GROUP, "Team B"),
                new ParleyEvent.GroupTyping(GROUP, PEER, true),
                new ParleyEvent.GroupCallStarted(GROUP, call, PEER),
                new ParleyEvent.GroupCallParticipantJoined(GROUP, call, PEER),
                new ParleyEvent.GroupCallParticipantLeft(GROUP, call, PEER, "left"),
                new ParleyEvent.GroupCallParticipantMuted(GROUP, call, PEER, true),
                new ParleyEvent.GroupCallParticipantReconnecting(GROUP, call, PEER, true),
                new ParleyEvent.GroupCallSpeaker(GROUP, call, PEER, -21.5),
                new ParleyEvent.GroupCallParticipantStats(GROUP, call, PEER,
                        new CallStats(call, T, java.time.Duration.ofMillis(12), java.time.Duration.ofMillis(3), 0.01, 33_000, 31_000, "audio/opus", 50, 49, 1)),
                new ParleyEvent.GroupCallEnded(GROUP, call),
                new ParleyEvent.GroupFileChanged(20, new dev.parley.client.GroupFile(new dev.parley.client.GroupFileOffer(POST_ID, GROUP, PEER,
                        "report.pdf", 1_500_000, "application/pdf", "ab".repeat(32)), dev.parley.client.GroupFileState.COMPLETED,
                        java.nio.file.Path.of("/home/me/Downloads/report.pdf"))),
                new ParleyEvent.GroupCallRecorded(18, new dev.parley.client.GroupCallRecord(GROUP, call, T, T, true,
                        java.time.Duration.ofMillis(184_023), java.util.List.of(PEER))));
        Set<Class<?>> covered = all.stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> records = Arrays.stream(ParleyEvent.class.getPermittedSubclasses()).filter(Class::isRecord).collect(Collectors.toSet());
        records.addAll(Arrays.stream(ParleyEvent.Stored.class.getPermittedSubclasses()).collect(Collectors.toSet()));
        records.remove(ParleyEvent.Closed.class);
        assertThat(covered).as("every event record is in this test").containsExactlyInAnyOrderElementsOf(records);

        Set<String> types = new java.util.HashSet<>();
        for (ParleyEvent e : all) {
            JsonNode n = ApiJson.parse(ApiJson.write(ApiJson.event(e)));
            assertThat(types.add(n.get("type").asText())).as("a type of its own: %s", n).isTrue();
            assertThat(n.get("type").asText()).isNotEqualTo("unknown");
            assertThat(ApiJson.parleyEvent(n)).as("%s", n).hasValue(e);
        }
        ParleyEvent missed = new ParleyEvent.GroupCallRecorded(19, new dev.parley.client.GroupCallRecord(GROUP, call, T, T, false,
                java.time.Duration.ZERO, java.util.List.of()));
        assertThat(ApiJson.parleyEvent(ApiJson.parse(ApiJson.write(ApiJson.event(missed))))).hasValue(missed);
        assertThat(ApiJson.event(new ParleyEvent.Closed()).get("type").asText()).isEqualTo("closed");
        assertThat(ApiJson.parleyEvent(ApiJson.parse("{\"seq\":3,\"type\":\"resync\"}"))).isEmpty();
    }
}
