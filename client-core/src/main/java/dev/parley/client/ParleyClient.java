package dev.parley.client;

import dev.parley.client.internal.Ids;
import dev.parley.client.internal.call.CallService;
import dev.parley.client.internal.chat.ChatEngine;
import dev.parley.client.internal.group.GroupEngine;
import dev.parley.client.internal.group.GroupSignals;
import dev.parley.client.internal.groupcall.GroupCallEngine;
import dev.parley.client.internal.groupcall.GroupCalls;
import dev.parley.client.internal.event.EventStream;
import dev.parley.client.internal.session.SessionManager;
import dev.parley.client.internal.store.KeyCheck;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.swarm.GroupFiles;
import dev.parley.client.internal.transfer.TransferEngine;
import dev.parley.client.internal.wiring.Engines;
import dev.parley.protocol.crypto.IdentityKeyPair;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Parley user on this device: identity, contacts, direct verified sessions and chat. Open one per
 * profile directory, {@link #start()} it to go online, {@link #close()} it when done.
 *
 * <p>Methods are thread-safe and return quickly (database work is a few milliseconds; nothing waits
 * for the network). Events reach the {@link ParleyListener} on one event thread, in order.
 */
@Slf4j
public final class ParleyClient implements Parley {
    private final ParleyConfig config;
    private final Engines engines;
    private volatile boolean closed;

    private ParleyClient(ParleyConfig config, Engines engines) {
        this.config = config;
        this.engines = engines;
    }

    /**
     * Opens (creating on first use) the profile: identity key (0600), database, WebRTC. The profile
     * stays locked to this client until {@link #close()}: one owner at a time.
     *
     * @throws ProfileInUseException if another process (or another open client) has the profile
     * @throws IOException if the profile cannot be read or created; the message says what to do
     */
    public static ParleyClient open(ParleyConfig config, ParleyListener listener) throws IOException {
        return new ParleyClient(config, Engines.open(config, listener));
    }

    /** Connects to the signaling server (if one is configured) and stays connected until {@link #close()}. */
    public void start() {
        if (closed) throw new IllegalStateException("client is closed");
        if (config.server() != null) engines.sessions().start(config.servers(), engines.identity());
    }

    // ------------------------------------------------------------------ identity and contacts

    public PeerId peerId() {
        return Ids.app(engines.identity().publicKey().peerId());
    }

    public PeerKey identityKey() {
        return Ids.app(engines.identity().publicKey());
    }

    /** The shareable string others add us with ({@code parley:<key>}). */
    public ContactString contactString(String name) {
        return ContactString.of(identityKey(), name);
    }

    /**
     * Adds a contact from a contact string or a bare peer id. A key in the contact string is pinned at
     * once. Adding an existing contact updates its name.
     *
     * @throws IllegalArgumentException for a malformed contact, or our own identity
     */
    public Contact addContact(String contact, String name) {
        ContactString c = ContactString.parse(contact);
        if (c.peerId().equals(peerId())) throw new IllegalArgumentException("that is your own identity");
        String label = name != null && !name.isBlank() ? name : c.name().orElse(null);
        dev.parley.protocol.PeerId peer = Ids.wire(c.peerId());
        Contact added = engines.store().contacts().add(peer, label);
        if (label != null && !label.equals(added.displayName())) added = engines.store().contacts().rename(peer, label);
        if (c.key().isPresent()) {
            KeyCheck check = engines.store().contacts().observeKey(peer, Ids.wire(c.key().get()));
            if (!check.allowed()) log.warn("contact {} presented a different key; blocked until accepted", peer.shortForm());
            added = engines.store().contacts().get(peer).orElseThrow();
        }
        engines.sessions().contactsChanged();
        if (engines.sessions().isOnline(peer)) engines.sessions().connect(peer);
        return added;
    }

    public List<Contact> contacts() {
        return engines.store().contacts().list();
    }

    public Optional<Contact> contact(PeerId peer) {
        return engines.store().contacts().get(Ids.wire(peer));
    }

    /** Removes a contact with its history and ends any session with it. */
    public boolean removeContact(PeerId peer) {
        engines.sessions().disconnect(Ids.wire(peer));
        boolean removed = engines.store().contacts().remove(Ids.wire(peer));
        engines.sessions().contactsChanged();
        return removed;
    }

    /** The 60-digit safety number with this contact, once its key is known. */
    public Optional<String> safetyNumber(PeerId peer) {
        return engines.store().contacts().safetyNumber(Ids.wire(peer));
    }

    /** Marks the contact verified if {@code comparedNumber} is its current safety number. */
    public Contact markVerified(PeerId peer, String comparedNumber) {
        return engines.store().contacts().markVerified(Ids.wire(peer), comparedNumber.replaceAll("\\s", ""));
    }

    /** Accepts a changed key the user has checked; sessions with it are allowed again. */
    public Contact acceptNewKey(PeerId peer, PeerKey key) {
        return engines.store().contacts().acceptNewKey(Ids.wire(peer), Ids.wire(key));
    }

    // ------------------------------------------------------------------ chat

    /**
     * Sends a message: stored and queued before this returns, delivered when the contact is reachable
     * (now, or when it comes online; across restarts of either side).
     *
     * @throws IllegalArgumentException for empty or over-long text, or a peer that is not a contact
     */
    public ChatMessage send(PeerId to, String text) {
        return send(to, text, MessageId.random());
    }

    /**
     * Sends with the app's own id, so a retry is safe: sending the same id again (after a crash, a
     * timeout) returns the stored message, and the contact gets it once.
     *
     * @throws IllegalArgumentException as {@link #send(PeerId, String)}, or if {@code id} already names a different message
     */
    public ChatMessage send(PeerId to, String text, MessageId id) {
        if (engines.store().contacts().get(Ids.wire(to)).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        return engines.chat().send(Ids.wire(to), text, id);
    }

    /** Outgoing messages to {@code peer} that it has not acknowledged yet, oldest first. */
    public List<ChatMessage> outbox(PeerId peer) {
        return engines.store().messages().pendingOutbox(Ids.wire(peer));
    }

    /** How many outgoing messages, to anyone, are not acknowledged yet. */
    public int outboxSize() {
        return engines.store().messages().outboxSize();
    }

    /** Newest first; pass {@code page.next()} to get older ones. */
    public HistoryPage history(PeerId peer, HistoryCursor before, int limit) {
        return engines.store().messages().history(Ids.wire(peer), before, limit);
    }

    /** A page of the conversation as {@code query} asks: newest or oldest first, from a cursor, filtered by direction or state. */
    public HistoryPage history(PeerId peer, HistoryQuery query) {
        return engines.store().messages().history(Ids.wire(peer), query);
    }

    public Optional<ChatMessage> message(MessageId id) {
        return engines.store().messages().get(id);
    }

    /**
     * Unread incoming messages from {@code peer} that the app has been told of ({@link ParleyListener#onMessage}
     * handed to it): consistent with what it shows, and with {@link #markRead(PeerId)}.
     */
    public int unreadCount(PeerId peer) {
        return engines.store().messages().unreadCountShown(Ids.wire(peer), engines.events().deliveredUpTo());
    }

    /**
     * The user saw {@code upTo}: it and the earlier incoming messages of its conversation become read,
     * and the peer gets read receipts. Later messages stay unread.
     *
     * @throws IllegalArgumentException if {@code upTo} is not a stored incoming message
     */
    public void markRead(MessageId upTo) {
        engines.chat().markReadUpTo(upTo);
    }

    /**
     * The user saw the conversation as the app was told of it: incoming messages up to the newest
     * one whose {@link ParleyListener#onMessage} has run become read. One stored but not yet
     * delivered to the app stays unread.
     */
    public void markRead(PeerId peer) {
        engines.chat().markShownRead(Ids.wire(peer), engines.events().deliveredUpTo());
    }

    public void setTyping(PeerId peer, boolean typing) {
        engines.chat().setTyping(Ids.wire(peer), typing);
    }

    // ------------------------------------------------------------------ files

    /**
     * Offers a file to a contact inside the conversation. The file is hashed first; the returned
     * future completes with the transfer's id once it is recorded (it is sent now, or when the contact
     * is reachable, and resumes across disconnects and restarts). Progress and the outcome arrive as
     * {@code onFile*} engines.events().
     *
     * @throws IllegalArgumentException for a peer that is not a contact, or a path that is not a readable regular file
     */
    public CompletableFuture<TransferId> sendFile(PeerId to, Path file) {
        if (engines.store().contacts().get(Ids.wire(to)).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        if (!Files.isReadable(file)) throw new IllegalArgumentException("cannot read " + file + " (permissions?)");
        String type = null;
        try {
            type = Files.probeContentType(file);
        } catch (IOException ignored) {
            // fall back below
        }
        CompletableFuture<TransferId> id = engines.transfers().sendFile(Ids.wire(to), file, type == null ? "application/octet-stream" : type);
        id.thenRun(() -> engines.sessions().connect(Ids.wire(to)));
        return id;
    }

    /** Accepts an offered file; it is streamed into the download folder and verified before it appears there. */
    public void acceptFile(TransferId id) {
        engines.transfers().accept(id);
    }

    public void declineFile(TransferId id) {
        engines.transfers().decline(id);
    }

    /** Cancels a transfer in either direction; the contact is told and any partial file is deleted. */
    public void cancelFile(TransferId id) {
        engines.transfers().cancel(id);
    }

    /** Accepts future offers from {@code peer} up to {@code maxBytes} without asking (this run only). */
    public void autoAcceptFiles(PeerId peer, long maxBytes) {
        engines.transfers().autoAccept().allow(Ids.wire(peer), maxBytes);
    }

    /** The folder received files are saved in. */
    public Path downloadDir() {
        return engines.transfers().downloadDir();
    }

    /** Transfers with a contact, as recorded (including finished ones). */
    public List<Transfer> transfers(PeerId peer) {
        return engines.store().transfers().list(Ids.wire(peer));
    }

    // ------------------------------------------------------------------ calls

    /**
     * Calls a contact: connects first if needed (up to 20 s), then rings it. The stage completes with
     * the call's id once it rings there, or fails with a message saying why (not reachable, already in
     * a call, unreadable WAV). Everything after that arrives as {@code onCall*} engines.events().
     */
    public CompletionStage<CallId> call(PeerId to, CallMedia media) {
        if (engines.store().contacts().get(Ids.wire(to)).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        return engines.calls().call(Ids.wire(to), media);
    }

    /** Answers a ringing call. */
    public void answerCall(CallId id, CallMedia media) {
        engines.calls().answer(id, media);
    }

    public void declineCall(CallId id) {
        engines.calls().decline(id);
    }

    /** Hangs up (or cancels, while it still rings) the call. */
    public void hangUp(CallId id) {
        engines.calls().hangUp(id);
    }

    public void setMuted(CallId id, boolean muted) {
        engines.calls().setMuted(id, muted);
    }

    /** The latest statistics of the active call, if any. */
    public Optional<CallStats> callStats() {
        return engines.calls().latestStats();
    }

    /** Finished calls with a contact, newest first. */
    public List<CallRecord> callHistory(PeerId peer, int limit) {
        return engines.store().calls().list(Ids.wire(peer), limit);
    }

    /** Why real audio devices are not in use, when they were asked for and could not be (e.g. no audio server). */
    public Optional<String> audioNotice() {
        return engines.audioNotice();
    }

    // ------------------------------------------------------------------ group calls (ParleyGroupCalls; docs/library.md § Group calls)

    @Override
    public CallId startGroupCall(GroupId group, CallMedia media) {
        return engines.groupCalls().start(group, media);
    }

    @Override
    public CallId joinGroupCall(GroupId group, CallMedia media) {
        return engines.groupCalls().join(group, media);
    }

    @Override
    public void leaveGroupCall(GroupId group) {
        engines.groupCalls().leave(group);
    }

    /**
     * Mutes or unmutes this member in the group's call: the others hear silence and get
     * {@link ParleyEvent.GroupCallParticipantMuted} (so does this member); a no-op if already so.
     *
     * @throws IllegalStateException not in the group's call
     */
    @Override
    public void muteGroupCall(GroupId group, boolean muted) {
        engines.groupCalls().setMuted(group, muted);
    }

    @Override
    public Optional<GroupCallInfo> groupCall(GroupId group) {
        return engines.groupCalls().info(group);
    }

    /** Tests: a lower participant limit, so "full" can be exercised without 7 real peers. */
    void groupCallLimit(int max) {
        engines.groupCallEngine().setMaxParticipants(max);
    }

    /** Tests: a shorter wait for a participant whose path dropped before it is reported left. */
    void groupCallReconnectBound(java.time.Duration bound) {
        engines.groupCallEngine().setReconnectBound(bound);
    }

    // ------------------------------------------------------------------ events

    /**
     * Acknowledges every stored event up to {@code seq}: they are not delivered again after a restart.
     * Only needed with {@link ParleyConfig.Builder#manualAck}; otherwise returning from the listener
     * acknowledges. Durable when this returns.
     */
    public void ack(long seq) {
        engines.events().ack(seq);
    }

    // ------------------------------------------------------------------ state

    /** Whether the contact is online at the signaling server (mutual contacts only). */
    public boolean isOnline(PeerId peer) {
        return engines.sessions().isOnline(Ids.wire(peer));
    }

    /** Whether a verified direct session with its chat channel is open now. */
    public boolean isConnected(PeerId peer) {
        return engines.sessions().isConnected(Ids.wire(peer));
    }

    public boolean isServerOnline() {
        return engines.sessions().isServerOnline();
    }

    /** Dials the contact now (it must be reachable); otherwise Parley dials when there is something to deliver. */
    public boolean connect(PeerId peer) {
        return engines.sessions().connect(Ids.wire(peer));
    }

    // ------------------------------------------------------------------ groups (ParleyGroups)

    @Override
    public GroupInfo createGroup(String name) {
        return engines.groups().create(name);
    }

    @Override
    public void invite(GroupId group, List<PeerId> peers) {
        engines.groups().invite(Ids.wire(group), Ids.wirePeers(peers));
        peers.forEach(p -> engines.sessions().connect(Ids.wire(p)));
    }

    @Override
    public void acceptGroup(GroupId group) {
        engines.groups().accept(Ids.wire(group));
    }

    @Override
    public void declineGroup(GroupId group) {
        engines.groups().decline(Ids.wire(group));
    }

    @Override
    public void leaveGroup(GroupId group) {
        engines.groups().leave(Ids.wire(group));
    }

    @Override
    public void removeFromGroup(GroupId group, PeerId member) {
        engines.groups().remove(Ids.wire(group), Ids.wire(member));
    }

    @Override
    public void renameGroup(GroupId group, String name) {
        engines.groups().rename(Ids.wire(group), name);
    }

    @Override
    public void setGroupAdmin(GroupId group, PeerId member, boolean admin) {
        engines.groups().setAdmin(Ids.wire(group), Ids.wire(member), admin);
    }

    @Override
    public GroupPost sendToGroup(GroupId group, String text) {
        return engines.groups().send(Ids.wire(group), text);
    }

    @Override
    public List<GroupInfo> groups() {
        return engines.groups().groups();
    }

    @Override
    public Optional<GroupInfo> group(GroupId group) {
        return engines.groups().group(Ids.wire(group));
    }

    @Override
    public List<GroupMember> members(GroupId group) {
        return engines.groups().members(Ids.wire(group));
    }

    @Override
    public List<GroupPost> groupHistory(GroupId group, GroupMessageId after, int limit) {
        return engines.groups().history(Ids.wire(group), Ids.wire(after), limit);
    }

    @Override
    public List<GroupCallRecord> groupCallHistory(GroupId group, int limit) {
        if (group(group).isEmpty()) throw new IllegalArgumentException("no group " + group.shortForm());
        return engines.groupCalls().history(group, limit);
    }

    @Override
    public String groupSafetyNumber(GroupId group, PeerId member) {
        return engines.groups().safetyNumber(Ids.wire(group), Ids.wire(member));
    }

    @Override
    public List<PeerId> groupDeliveredTo(GroupMessageId message) {
        return Ids.appPeers(engines.groups().deliveredTo(Ids.wire(message)));
    }

    @Override
    public void markGroupRead(GroupId group, GroupMessageId upTo) {
        engines.groupSignals().markRead(Ids.wire(group), Ids.wire(upTo));
    }

    @Override
    public void setGroupTyping(GroupId group, boolean typing) {
        engines.groupSignals().setTyping(Ids.wire(group), typing);
    }

    @Override
    public List<PeerId> groupReadBy(GroupMessageId message) {
        return Ids.appPeers(engines.groupSignals().readBy(Ids.wire(message)));
    }

    /** Group messages refused in this run, per reason (diagnostics). */
    java.util.Map<dev.parley.client.internal.group.Rejection, Long> groupRejections(GroupId group) {
        return engines.groups().rejections(Ids.wire(group));
    }

    public ParleyConfig config() {
        return config;
    }

    /** Stops everything in dependency order and then calls {@link ParleyListener#onClosed()}. Idempotent. */

    // ------------------------------------------------------------------ group files (ParleySwarm, behaviour in GroupFiles)

    @Override
    public GroupFileOffer shareFileToGroup(GroupId group, Path path) throws IOException {
        return engines.files().shareFileToGroup(group, path);
    }

    @Override
    public void acceptGroupFile(GroupMessageId file) {
        engines.files().acceptGroupFile(file);
    }

    @Override
    public void declineGroupFile(GroupMessageId file) {
        engines.files().declineGroupFile(file);
    }

    @Override
    public void autoAcceptGroupFiles(GroupId group, long maxBytes) {
        engines.files().autoAcceptGroupFiles(group, maxBytes);
    }

    @Override
    public List<GroupFileOffer> groupFiles() {
        return engines.files().groupFiles();
    }

    @Override
    public java.util.Optional<GroupFile> groupFile(GroupMessageId file) {
        return engines.files().groupFile(file);
    }

    @Override
    public void addGroupFileListener(java.util.function.Consumer<GroupFileEvent> listener) {
        engines.files().addGroupFileListener(listener);
    }

    @Override
    public void setGroupFileUploadLimit(long bytesPerSecond) {
        engines.files().setGroupFileUploadLimit(bytesPerSecond);
    }

    /** Group-file piece bytes received, then thrown away and fetched again, so far (diagnostics and benches). */
    public long groupFileDiscardedBytes() {
        return engines.files().discardedBytes();
    }

    /** Swarm requests refused to non-members so far (diagnostics and tests). */
    public long groupFileRefusals() {
        return engines.files().refusals();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        engines.close();
    }
}
