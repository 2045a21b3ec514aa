package dev.parley.client;

import dev.parley.testing.EventRecorder;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every {@link ParleyListener} callback as a record in the shared strict {@link EventRecorder}: tests take
 * them in order. Connectivity events ({@link Session}, {@link Presence}) interleave with chat events in an
 * order the network decides, so a test that does not assert on them declares them noise with
 * {@link #ignoring}; nothing is dropped otherwise.
 */
final class ClientEvents extends EventRecorder<ClientEvents.Event> implements ParleyListener {
    /** Sessions are negotiated over real WebRTC: allow for a loaded machine. */
    static final Duration WAIT = Duration.ofSeconds(20);

    sealed interface Event permits Message, State, Typing, Presence, Session, Server, Security, Stranger,
            FileOffered, FileStarted, FileProgress, FileCompleted, FileFailed, FileCancelled, FileDeclined,
            CallDialing, CallRinging, CallAnswered, CallMuted, CallStats, CallEnded, Closed,
            GroupInvited, GroupMessage, GroupMemberChanged, GroupDelivered, GroupRead, GroupTyping,
            GroupCallStarted, GroupCallJoined, GroupCallLeft, GroupCallEnded, GroupCallRecorded, GroupCallMuted, GroupCallReconnecting { }

    record Message(ChatMessage message) implements Event { }

    record State(MessageId id, PeerId peer, MessageState state) implements Event { }

    record Typing(PeerId peer, boolean typing) implements Event { }

    record Presence(PeerId peer, boolean online) implements Event { }

    record Session(PeerId peer, String state, String detail) implements Event { }

    record Server(boolean online, String detail) implements Event { }

    record Security(PeerId peer, String reason) implements Event { }

    record Stranger(PeerId peer) implements Event { }

    record FileOffered(TransferOffer offer) implements Event { }

    record FileStarted(TransferId id, Direction direction, long offset) implements Event { }

    record FileProgress(TransferProgress progress) implements Event { }

    record FileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) implements Event { }

    record FileFailed(TransferId id, Direction direction, String reason) implements Event { }

    record FileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements Event { }

    record FileDeclined(TransferId id, String reason) implements Event { }

    record CallDialing(CallId id, PeerId peer) implements Event { }

    record CallRinging(CallId id, PeerId peer) implements Event { }

    record CallAnswered(CallId id, PeerId peer) implements Event { }

    record CallMuted(CallId id, boolean muted) implements Event { }

    record CallStats(dev.parley.client.CallStats stats) implements Event { }

    record CallEnded(CallRecord record) implements Event { }

    record Closed() implements Event { }

    record GroupInvited(GroupId group, String name, PeerId from) implements Event { }

    record GroupMessage(GroupPost post) implements Event { }

    record GroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) implements Event { }

    record GroupDelivered(GroupId group, GroupMessageId message, PeerId member) implements Event { }

    record GroupRead(GroupId group, PeerId member, GroupMessageId upTo) implements Event { }

    record GroupTyping(GroupId group, PeerId peer, boolean typing) implements Event { }

    record GroupCallStarted(GroupId group, CallId call, PeerId by) implements Event { }

    record GroupCallJoined(GroupId group, CallId call, PeerId participant) implements Event { }

    record GroupCallLeft(GroupId group, CallId call, PeerId participant, String reason) implements Event { }

    record GroupCallEnded(GroupId group, CallId call) implements Event { }

    record GroupCallRecorded(GroupCallRecord record) implements Event { }

    record GroupCallMuted(GroupId group, CallId call, PeerId participant, boolean muted) implements Event { }

    record GroupCallReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) implements Event { }

    /** Group receipts and typing are recorded only by tests that ask for them ({@link #recordingGroupReceipts()}). */
    private volatile boolean groupReceipts;

    ClientEvents(String name) {
        super(name);
        timeout(WAIT);
    }

    /** Declares connectivity (session and presence changes) noise: the test asserts on what the user sees. */
    ClientEvents ignoringConnectivity() {
        ignoring(Session.class, Presence.class);
        return this;
    }

    /** Declares the echo of the client's own sent messages noise (for tests that send many and assert receipts). */
    ClientEvents ignoringOwnMessages() {
        ignoring("own messages echoed", e -> e instanceof Message m && m.message().direction() == Direction.OUTGOING);
        return this;
    }

    /** Records group deliveries, read marks and typing too (other tests post without asserting on them). */
    ClientEvents recordingGroupReceipts() {
        groupReceipts = true;
        return this;
    }

    /** The next incoming or outgoing message must be this one. */
    Message expectMessage(MessageId id) {
        return expectNext(Message.class, "message " + id, m -> m.message().id().equals(id));
    }

    /** The next event must be this message's state change. */
    State expectState(MessageId id, MessageState state) {
        return expectNext(State.class, id + " " + state, s -> s.id().equals(id) && s.state() == state);
    }

    Server expectServer(boolean online) {
        return expectNext(Server.class, online ? "online" : "offline", s -> s.online() == online);
    }

    @Override
    public void onMessage(ChatMessage message) {
        record(new Message(message));
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        record(new State(id, peer, state));
    }

    @Override
    public void onTyping(PeerId peer, boolean typing) {
        record(new Typing(peer, typing));
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        record(new Presence(peer, online));
    }

    @Override
    public void onSessionState(PeerId peer, SessionStatus state, String detail) {
        record(new Session(peer, state.wire(), detail));
    }

    @Override
    public void onServerState(ServerStatus status) {
        record(new Server(status.online(), status.describe()));
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        record(new Security(peer, reason));
    }

    @Override
    public void onStrangerRefused(PeerId peer) {
        record(new Stranger(peer));
    }

    @Override
    public void onFileOffered(TransferOffer offer) {
        record(new FileOffered(offer));
    }

    @Override
    public void onFileStarted(TransferId id, Direction direction, long offset) {
        record(new FileStarted(id, direction, offset));
    }

    @Override
    public void onFileProgress(TransferProgress progress) {
        record(new FileProgress(progress));
    }

    @Override
    public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        record(new FileCompleted(id, direction, file, sha256Hex));
    }

    @Override
    public void onFileFailed(TransferId id, Direction direction, String reason) {
        record(new FileFailed(id, direction, reason));
    }

    @Override
    public void onFileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        record(new FileCancelled(id, direction, byPeer, reason));
    }

    @Override
    public void onFileDeclined(TransferId id, String reason) {
        record(new FileDeclined(id, reason));
    }

    @Override
    public void onCallDialing(CallId id, PeerId peer) {
        record(new CallDialing(id, peer));
    }

    @Override
    public void onCallRinging(CallId id, PeerId peer) {
        record(new CallRinging(id, peer));
    }

    @Override
    public void onCallAnswered(CallId id, PeerId peer) {
        record(new CallAnswered(id, peer));
    }

    @Override
    public void onCallMuted(CallId id, boolean muted) {
        record(new CallMuted(id, muted));
    }

    @Override
    public void onCallStats(dev.parley.client.CallStats stats) {
        record(new CallStats(stats));
    }

    @Override
    public void onCallEnded(CallRecord record) {
        record(new CallEnded(record));
    }

    @Override
    public void onGroupInvited(GroupId group, String name, PeerId from) {
        record(new GroupInvited(group, name, from));
    }

    @Override
    public void onGroupMessage(GroupPost post) {
        record(new GroupMessage(post));
    }

    @Override
    public void onGroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) {
        record(new GroupMemberChanged(group, member, change));
    }

    @Override
    public void onGroupDelivered(GroupId group, GroupMessageId message, PeerId member) {
        if (groupReceipts) record(new GroupDelivered(group, message, member));
    }

    @Override
    public void onGroupRead(GroupId group, PeerId member, GroupMessageId upTo) {
        if (groupReceipts) record(new GroupRead(group, member, upTo));
    }

    @Override
    public void onGroupTyping(GroupId group, PeerId peer, boolean typing) {
        if (groupReceipts) record(new GroupTyping(group, peer, typing));
    }

    @Override
    public void onGroupCallStarted(GroupId group, CallId call, PeerId by) {
        record(new GroupCallStarted(group, call, by));
    }

    @Override
    public void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {
        record(new GroupCallJoined(group, call, participant));
    }

    @Override
    public void onGroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) {
        record(new GroupCallLeft(group, call, participant, reason));
    }

    @Override
    public void onGroupCallEnded(GroupId group, CallId call) {
        record(new GroupCallEnded(group, call));
    }

    @Override
    public void onGroupCallRecorded(GroupCallRecord record) {
        record(new GroupCallRecorded(record));
    }

    @Override
    public void onGroupCallParticipantMuted(GroupId group, CallId call, PeerId participant, boolean muted) {
        record(new GroupCallMuted(group, call, participant, muted));
    }

    @Override
    public void onGroupCallParticipantReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) {
        record(new GroupCallReconnecting(group, call, participant, reconnecting));
    }

    @Override
    public void onClosed() {
        record(new Closed());
    }
}
