package dev.parley.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.ContactString;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.HistoryCursor;
import dev.parley.client.HistoryPage;
import dev.parley.client.HistoryQuery;
import dev.parley.client.MessageId;
import dev.parley.client.Parley;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyGroups;
import dev.parley.client.ParleyListener;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.GroupCallJson;
import dev.parley.daemon.GroupJson;
import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A profile served by a running {@code parley daemon}, used through its local API (docs/api.md) with
 * the same {@link Parley} interface as an in-process {@code ParleyClient}: commands and apps work the
 * same either way, and the daemon stays the profile's one owner (one login, one database writer).
 *
 * <p>Events come from the daemon's event stream; {@link #start()} subscribes and first tells the
 * listener the current server state and which contacts are online (what a newly started local client
 * would hear while logging in). The daemon acknowledges the library's stored events itself, so
 * {@link #ack(long)} does nothing here. If the daemon stops, calls fail with
 * {@link IllegalStateException} and the listener hears {@link ParleyEvent.Closed}.
 *
 * <p>Groups ({@link ParleyGroups}, part of {@link Parley}) go through the daemon's {@code /v1/groups}
 * routes; their events arrive as {@code group-invite}, {@code group-message}, {@code group-member},
 * {@code group-delivered}, {@code group-read} and {@code group-typing}.
 */
public final class RemoteParley implements Parley {
    private final ApiHttp http;
    private final RemoteEvents events;
    private final PeerId self;
    private final PeerKey key;
    private final String epoch;
    private final long lastSeq;
    private volatile boolean started;

    private RemoteParley(ApiHttp http, ParleyListener listener) {
        this.http = http;
        this.events = new RemoteEvents(listener);
        JsonNode check = http.get("/v1/check");
        JsonNode identity = http.get("/v1/identity");
        this.self = ApiJson.peer(ApiJson.requireText(identity, "peerId"));
        this.key = PeerKey.parse(ApiJson.requireText(identity, "key"));
        this.epoch = check.path("epoch").asText(null);
        this.lastSeq = check.path("lastSeq").asLong(0);
    }

    /** Connects to the daemon at {@code endpoint}; events go to {@code listener} once {@link #start()}ed. */
    public static RemoteParley connect(DaemonEndpoint endpoint, ParleyListener listener) {
        return new RemoteParley(new ApiHttp(endpoint.url(), endpoint.token(), endpoint.tlsCertificate()), listener);
    }

    /** The daemon's API address. */
    public URI url() {
        return http.base();
    }

    @Override
    public void start() {
        if (started) return;
        started = true;
        events.connect(http, lastSeq, epoch);
        JsonNode server = http.get("/v1/server");
        if (server.hasNonNull("status")) events.deliver(new ParleyEvent.ServerStateChanged(ApiJson.serverStatus(server.get("status"))));
        for (JsonNode c : http.get("/v1/contacts")) {
            if (c.path("online").asBoolean(false)) events.deliver(new ParleyEvent.Presence(ApiJson.peer(c.path("peerId").asText()), true));
        }
    }

    private static String p(PeerId peer) {
        return "/v1/contacts/" + peer.value();
    }

    private static String notContact(PeerId peer) {
        return "not a contact: " + peer + " (add it first)";
    }

    private static JsonNode must(JsonNode n, String what) {
        if (n == ApiHttp.NOT_FOUND) throw new IllegalArgumentException(what);
        return n;
    }

    // ------------------------------------------------------------------ identity and contacts

    @Override
    public PeerId peerId() {
        return self;
    }

    @Override
    public PeerKey identityKey() {
        return key;
    }

    @Override
    public ContactString contactString(String name) {
        String q = name == null ? "" : "?name=" + ApiHttp.seg(name);
        return ContactString.parse(ApiJson.requireText(http.get("/v1/identity" + q), "contactString"));
    }

    @Override
    public Contact addContact(String contact, String name) {
        ObjectNode body = ApiJson.object().put("contact", contact).put("name", name);
        return ApiJson.contact(http.post("/v1/contacts", body));
    }

    @Override
    public List<Contact> contacts() {
        return ApiJson.list(http.get("/v1/contacts"), ApiJson::contact);
    }

    @Override
    public Optional<Contact> contact(PeerId peer) {
        return ApiHttp.found(http.get(p(peer))).map(ApiJson::contact);
    }

    @Override
    public boolean removeContact(PeerId peer) {
        JsonNode n = http.delete(p(peer));
        return n != ApiHttp.NOT_FOUND && n.path("removed").asBoolean(false);
    }

    @Override
    public Optional<String> safetyNumber(PeerId peer) {
        try {
            return ApiHttp.found(http.get(p(peer) + "/safety-number")).map(n -> n.path("safetyNumber").asText(null));
        } catch (IllegalStateException noKeyYet) {
            return Optional.empty();
        }
    }

    @Override
    public Contact markVerified(PeerId peer, String comparedNumber) {
        return ApiJson.contact(must(http.post(p(peer) + "/verify", ApiJson.object().put("safetyNumber", comparedNumber)),
                notContact(peer)));
    }

    @Override
    public Contact acceptNewKey(PeerId peer, PeerKey key) {
        return ApiJson.contact(must(http.post(p(peer) + "/accept-key", ApiJson.object().put("key", key.base64Url())),
                notContact(peer)));
    }

    // ------------------------------------------------------------------ chat

    @Override
    public ChatMessage send(PeerId to, String text) {
        return ApiJson.message(must(http.post(p(to) + "/messages", ApiJson.object().put("text", text)),
                notContact(to)));
    }

    @Override
    public ChatMessage send(PeerId to, String text, MessageId id) {
        try {
            return ApiJson.message(must(http.post(p(to) + "/messages", ApiJson.object().put("text", text).put("id", id.toString())),
                    notContact(to)));
        } catch (ApiHttp.Refused e) {
            // As in-process: an id that already names a different message is the caller's mistake.
            if (e.status == 409) throw new IllegalArgumentException(e.getMessage());
            throw e;
        }
    }

    @Override
    public List<ChatMessage> outbox(PeerId peer) {
        return ApiJson.list(must(http.get(p(peer) + "/outbox"), notContact(peer)), ApiJson::message);
    }

    @Override
    public int outboxSize() {
        return http.get("/v1/outbox").path("size").asInt();
    }

    @Override
    public HistoryPage history(PeerId peer, HistoryCursor before, int limit) {
        HistoryQuery q = HistoryQuery.newestFirst().limit(limit);
        return history(peer, before == null ? q : q.from(before));
    }

    @Override
    public HistoryPage history(PeerId peer, HistoryQuery query) {
        StringBuilder q = new StringBuilder("?order=").append(query.forward() ? "oldest" : "newest").append("&limit=").append(query.limit());
        if (query.from() != null) q.append(query.forward() ? "&after=" : "&before=").append(query.from().position());
        if (query.direction() != null) q.append("&direction=").append(query.direction().name().toLowerCase(Locale.ROOT));
        if (query.atLeast() != null) q.append("&atLeast=").append(query.atLeast().name().toLowerCase(Locale.ROOT));
        return ApiJson.page(must(http.get(p(peer) + "/messages" + q), notContact(peer)));
    }

    @Override
    public Optional<ChatMessage> message(MessageId id) {
        return ApiHttp.found(http.get("/v1/messages/" + id)).map(ApiJson::message);
    }

    @Override
    public int unreadCount(PeerId peer) {
        return must(http.get(p(peer) + "/unread"), notContact(peer)).path("unread").asInt();
    }

    @Override
    public void markRead(MessageId upTo) {
        ChatMessage m = message(upTo).orElseThrow(() -> new IllegalArgumentException("no such message: " + upTo));
        must(http.post(p(m.peer()) + "/read", ApiJson.object().put("upTo", upTo.toString())), "no such message: " + upTo);
    }

    @Override
    public void markRead(PeerId peer) {
        must(http.post(p(peer) + "/read", ApiJson.object()), notContact(peer));
    }

    @Override
    public void setTyping(PeerId peer, boolean typing) {
        must(http.post(p(peer) + "/typing", ApiJson.object().put("typing", typing)), notContact(peer));
    }

    // ------------------------------------------------------------------ files

    @Override
    public CompletableFuture<TransferId> sendFile(PeerId to, Path file) {
        ObjectNode body = ApiJson.object().put("path", file.toAbsolutePath().normalize().toString());
        return http.callAsync("POST", p(to) + "/files", body)
                .thenApply(n -> ApiJson.transferId(ApiJson.requireText(must(n, notContact(to)), "id")));
    }

    @Override
    public void acceptFile(TransferId id) {
        transferAction(id, "accept");
    }

    @Override
    public void declineFile(TransferId id) {
        transferAction(id, "decline");
    }

    @Override
    public void cancelFile(TransferId id) {
        transferAction(id, "cancel");
    }

    /** POST /v1/transfers/{id}/{action}; an unknown transfer is the caller's mistake, as in-process. */
    private void transferAction(TransferId id, String action) {
        must(http.post("/v1/transfers/" + id + "/" + action, null), "no such transfer: " + id);
    }

    @Override
    public void autoAcceptFiles(PeerId peer, long maxBytes) {
        must(http.post(p(peer) + "/auto-accept", ApiJson.object().put("maxBytes", maxBytes)), notContact(peer));
    }

    @Override
    public Path downloadDir() {
        return Path.of(ApiJson.requireText(http.get("/v1/downloads"), "dir"));
    }

    @Override
    public List<Transfer> transfers(PeerId peer) {
        return ApiJson.list(must(http.get(p(peer) + "/transfers"), notContact(peer)), ApiJson::transfer);
    }

    // ------------------------------------------------------------------ calls

    /** {@code {"media":{…}}}, the body of a dial and of an answer. */
    private static JsonNode media(CallMedia m) {
        ObjectNode body = ApiJson.object();
        body.set("media", ApiJson.callMedia(m));
        return body;
    }

    @Override
    public CompletionStage<CallId> call(PeerId to, CallMedia media) {
        return http.callAsync("POST", p(to) + "/calls", media(absolute(media)))
                .thenApply(n -> ApiJson.callId(ApiJson.requireText(must(n, notContact(to)), "callId")));
    }

    @Override
    public void answerCall(CallId id, CallMedia media) {
        callAction(id, "answer", media(absolute(media)));
    }

    /** POST /v1/calls/{id}/{action}; a call that is not live is the caller's mistake, as in-process. */
    private void callAction(CallId id, String action, JsonNode body) {
        must(http.post("/v1/calls/" + id + "/" + action, body), "no such call: " + id);
    }

    /** The daemon resolves nothing against our working directory: paths go absolute. */
    private static CallMedia absolute(CallMedia m) {
        CallMedia base = m.playFile() != null ? CallMedia.play(m.playFile().toAbsolutePath().normalize())
                : m.toneHz() > 0 ? CallMedia.tone(m.toneHz(), m.toneDuration()) : CallMedia.devices();
        return m.recordFile() != null ? base.record(m.recordFile().toAbsolutePath().normalize()) : base;
    }

    @Override
    public void declineCall(CallId id) {
        callAction(id, "decline", null);
    }

    @Override
    public void hangUp(CallId id) {
        callAction(id, "hangup", null);
    }

    @Override
    public void setMuted(CallId id, boolean muted) {
        callAction(id, "mute", ApiJson.object().put("muted", muted));
    }

    @Override
    public Optional<CallStats> callStats() {
        return ApiHttp.found(http.get("/v1/calls/stats")).map(ApiJson::callStats);
    }

    @Override
    public List<CallRecord> callHistory(PeerId peer, int limit) {
        return ApiJson.list(must(http.get(p(peer) + "/calls?limit=" + limit), notContact(peer)), ApiJson::callRecord);
    }

    @Override
    public Optional<String> audioNotice() {
        return Optional.ofNullable(ApiJson.text(http.get("/v1/audio-notice"), "notice"));
    }

    // ------------------------------------------------------------------ events and state

    /** The daemon acknowledges the library's events; an API client has nothing to acknowledge. */
    @Override
    public void ack(long seq) {
    }

    @Override
    public boolean isOnline(PeerId peer) {
        JsonNode n = http.get(p(peer) + "/presence");
        return n != ApiHttp.NOT_FOUND && n.path("online").asBoolean(false);
    }

    @Override
    public boolean isConnected(PeerId peer) {
        JsonNode n = http.get(p(peer) + "/presence");
        return n != ApiHttp.NOT_FOUND && n.path("connected").asBoolean(false);
    }

    @Override
    public boolean isServerOnline() {
        return http.get("/v1/server").path("online").asBoolean(false);
    }

    @Override
    public boolean connect(PeerId peer) {
        JsonNode n = http.post(p(peer) + "/connect", null);
        return n != ApiHttp.NOT_FOUND && n.path("dialing").asBoolean(false);
    }

    /** Disconnects from the daemon (which keeps running); the listener hears {@link ParleyEvent.Closed} last. */
    @Override
    public void close() {
        events.endAndAwait();
    }

    // ------------------------------------------------------------------ groups (GroupRoutes)

    private static String g(GroupId group) {
        return "/v1/groups/" + group.value();
    }

    @Override
    public GroupInfo createGroup(String name) {
        return GroupJson.group(http.post("/v1/groups", ApiJson.object().put("name", name)));
    }

    @Override
    public void invite(GroupId group, List<PeerId> peers) {
        ObjectNode body = ApiJson.object();
        body.set("peers", ApiJson.array(peers, p -> body.textNode(p.value())));
        http.post(g(group) + "/invite", body);
    }

    @Override
    public void acceptGroup(GroupId group) {
        http.post(g(group) + "/accept", null);
    }

    @Override
    public void declineGroup(GroupId group) {
        http.post(g(group) + "/decline", null);
    }

    @Override
    public void leaveGroup(GroupId group) {
        http.post(g(group) + "/leave", null);
    }

    @Override
    public void removeFromGroup(GroupId group, PeerId member) {
        http.post(g(group) + "/remove", ApiJson.object().put("peerId", member.value()));
    }

    @Override
    public void renameGroup(GroupId group, String name) {
        http.post(g(group) + "/rename", ApiJson.object().put("name", name));
    }

    @Override
    public void setGroupAdmin(GroupId group, PeerId member, boolean admin) {
        http.post(g(group) + "/admin", ApiJson.object().put("peerId", member.value()).put("admin", admin));
    }

    @Override
    public GroupPost sendToGroup(GroupId group, String text) {
        return GroupJson.post(http.post(g(group) + "/messages", ApiJson.object().put("text", text)));
    }

    @Override
    public List<GroupInfo> groups() {
        return ApiJson.list(http.get("/v1/groups"), GroupJson::group);
    }

    @Override
    public Optional<GroupInfo> group(GroupId group) {
        return ApiHttp.found(http.get(g(group))).map(GroupJson::group);
    }

    @Override
    public List<GroupMember> members(GroupId group) {
        return ApiJson.list(http.get(g(group) + "/members"), GroupJson::member);
    }

    @Override
    public List<GroupPost> groupHistory(GroupId group, GroupMessageId after, int limit) {
        String q = "?limit=" + limit + (after == null ? "" : "&after=" + after.value());
        return ApiJson.list(http.get(g(group) + "/messages" + q), GroupJson::post);
    }

    // ------------------------------------------------------------------ group calls (docs/api.md § Group calls)

    @Override
    public CallId startGroupCall(GroupId group, CallMedia media) {
        return GroupCallJson.info(must(http.post(g(group) + "/call", media(absolute(media))), "no group " + group)).call();
    }

    @Override
    public CallId joinGroupCall(GroupId group, CallMedia media) {
        return GroupCallJson.info(must(http.post(g(group) + "/call/join", media(absolute(media))), "no group " + group)).call();
    }

    @Override
    public void leaveGroupCall(GroupId group) {
        must(http.post(g(group) + "/call/leave", null), "no group " + group);
    }

    @Override
    public void muteGroupCall(GroupId group, boolean muted) {
        must(http.post(g(group) + "/call/mute", ApiJson.object().put("muted", muted)), "no group " + group);
    }

    @Override
    public Optional<GroupCallInfo> groupCall(GroupId group) {
        JsonNode n = http.get(g(group) + "/call");
        return n == ApiHttp.NOT_FOUND ? Optional.empty() : Optional.of(GroupCallJson.info(n));
    }

    @Override
    public List<GroupCallRecord> groupCallHistory(GroupId group, int limit) {
        return ApiJson.list(http.get(g(group) + "/calls?limit=" + limit), GroupCallJson::record);
    }

    @Override
    public String groupSafetyNumber(GroupId group, PeerId member) {
        return ApiJson.requireText(http.get(g(group) + "/members/" + member.value() + "/safety-number"), "safetyNumber");
    }

    @Override
    public List<PeerId> groupDeliveredTo(GroupMessageId message) {
        JsonNode n = must(http.get("/v1/group-messages/" + message.value() + "/delivered"), "no group message " + message);
        return ApiJson.list(n.get("deliveredTo"), x -> ApiJson.peer(x.asText()));
    }

    @Override
    public void markGroupRead(GroupId group, GroupMessageId upTo) {
        http.post(g(group) + "/read", ApiJson.object().put("upTo", upTo == null ? null : upTo.value()));
    }

    @Override
    public void setGroupTyping(GroupId group, boolean typing) {
        http.post(g(group) + "/typing", ApiJson.object().put("typing", typing));
    }

    @Override
    public List<PeerId> groupReadBy(GroupMessageId message) {
        JsonNode n = must(http.get("/v1/group-messages/" + message.value() + "/read"), "no group message " + message);
        return ApiJson.list(n.get("readBy"), x -> ApiJson.peer(x.asText()));
    }

    // ------------------------------------------------------------------ group files (ParleySwarm; docs/api.md § Group files)

    @Override
    public dev.parley.client.GroupFileOffer shareFileToGroup(GroupId group, java.nio.file.Path path) {
        return dev.parley.daemon.GroupFileJson.offer(http.post("/v1/groups/" + group.value() + "/files",
                ApiJson.object().put("path", path.toAbsolutePath().toString())));
    }

    @Override
    public void acceptGroupFile(GroupMessageId file) {
        http.post("/v1/group-files/" + file.value() + "/accept", ApiJson.object());
    }

    @Override
    public void declineGroupFile(GroupMessageId file) {
        http.post("/v1/group-files/" + file.value() + "/decline", ApiJson.object());
    }

    @Override
    public void autoAcceptGroupFiles(GroupId group, long maxBytes) {
        http.post("/v1/groups/" + group.value() + "/files/auto-accept", ApiJson.object().put("maxBytes", maxBytes));
    }

    @Override
    public List<dev.parley.client.GroupFileOffer> groupFiles() {
        return ApiJson.list(http.get("/v1/group-files"), dev.parley.daemon.GroupFileJson::offer);
    }

    @Override
    public Optional<dev.parley.client.GroupFile> groupFile(dev.parley.client.GroupMessageId file) {
        JsonNode n = http.get("/v1/group-files/" + file.value());
        return n == ApiHttp.NOT_FOUND ? Optional.empty() : Optional.of(dev.parley.daemon.GroupFileJson.file(n));
    }

    @Override
    public void setGroupFileUploadLimit(long bytesPerSecond) {
        http.post("/v1/group-files/upload-limit", ApiJson.object().put("bytesPerSecond", bytesPerSecond));
    }

    /** The daemon's {@code group-file} events, on the event thread, in stream order with the others. */
    @Override
    public void addGroupFileListener(java.util.function.Consumer<dev.parley.client.GroupFileEvent> listener) {
        events.addGroupFileListener(listener);
    }
}
