package dev.parley.cli;

import dev.parley.client.CallId;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.GroupId;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.PeerId;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Queues a client's events for a one-shot command to wait on with deadlines. Listener calls come on
 * the client's event thread and only enqueue; the command's main thread consumes.
 */
final class EventRecorder implements ParleyListener {
    sealed interface Event {}

    record ServerState(boolean online, String detail) implements Event {}

    record Message(ChatMessage message) implements Event {}

    record StateChange(MessageId id, PeerId peer, MessageState state) implements Event {}

    record Presence(PeerId peer, boolean online) implements Event {}

    record Security(PeerId peer, String reason) implements Event {}

    record Closed() implements Event {}

    record FileOffered(TransferOffer offer) implements Event {}

    record FileStarted(TransferId id, Direction direction, long offset) implements Event {}

    record FileProgress(TransferProgress progress) implements Event {}

    record FileCompleted(TransferId id, Direction direction, Path file, String sha256) implements Event {}

    record FileFailed(TransferId id, Direction direction, String reason) implements Event {}

    record FileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements Event {}

    record FileDeclined(TransferId id, String reason) implements Event {}

    record CallDialing(CallId id, PeerId peer) implements Event {}

    record CallRinging(CallId id, PeerId peer) implements Event {}

    record CallAnswered(CallId id, PeerId peer) implements Event {}

    record CallStatsEvent(CallStats stats) implements Event {}

    record CallEnded(CallRecord record) implements Event {}

    record GroupMessage(GroupPost post) implements Event {}

    record GroupInvited(GroupId group, String name, PeerId from) implements Event {}

    record GroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) implements Event {}

    record GroupDelivered(GroupId group, GroupMessageId message, PeerId member) implements Event {}

    record GroupRead(GroupId group, PeerId member, GroupMessageId upTo) implements Event {}

    record GroupTyping(GroupId group, PeerId peer, boolean typing) implements Event {}

    record GroupCallStarted(GroupId group, CallId call, PeerId by) implements Event {}

    record GroupCallJoined(GroupId group, CallId call, PeerId participant) implements Event {}

    record GroupCallLeft(GroupId group, CallId call, PeerId participant, String reason) implements Event {}

    record GroupCallEnded(GroupId group, CallId call) implements Event {}

    record GroupCallSpeaker(GroupId group, CallId call, PeerId speaker, double levelDbfs) implements Event {}

    record GroupCallMuted(GroupId group, CallId call, PeerId participant, boolean muted) implements Event {}

    record GroupCallReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) implements Event {}

    record GroupCallStats(GroupId group, CallId call, PeerId participant, CallStats stats) implements Event {}

    /** A group file's event ({@link dev.parley.client.ParleySwarm}; in process or through the daemon). */
    record GroupFile(dev.parley.client.GroupFileEvent event) implements Event {}

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    /** Also queues the client's group-file events (in process or through the daemon). */
    void listenToGroupFiles(dev.parley.client.Parley client) {
        client.addGroupFileListener(e -> queue.add(new GroupFile(e)));
    }

    /** The next event, or null once {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed. */
    Event next(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onMessage(ChatMessage message) {
        queue.add(new Message(message));
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        queue.add(new StateChange(id, peer, state));
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        queue.add(new Presence(peer, online));
    }

    @Override
    public void onServerState(ServerStatus status) {
        queue.add(new ServerState(status.online(), status.describe()));
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        queue.add(new Security(peer, reason));
    }

    @Override
    public void onFileOffered(TransferOffer offer) {
        queue.add(new FileOffered(offer));
    }

    @Override
    public void onFileStarted(TransferId id, Direction direction, long offset) {
        queue.add(new FileStarted(id, direction, offset));
    }

    @Override
    public void onFileProgress(TransferProgress progress) {
        queue.add(new FileProgress(progress));
    }

    @Override
    public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        queue.add(new FileCompleted(id, direction, file, sha256Hex));
    }

    @Override
    public void onFileFailed(TransferId id, Direction direction, String reason) {
        queue.add(new FileFailed(id, direction, reason));
    }

    @Override
    public void onFileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        queue.add(new FileCancelled(id, direction, byPeer, reason));
    }

    @Override
    public void onFileDeclined(TransferId id, String reason) {
        queue.add(new FileDeclined(id, reason));
    }

    @Override
    public void onCallDialing(CallId id, PeerId peer) {
        queue.add(new CallDialing(id, peer));
    }

    @Override
    public void onCallRinging(CallId id, PeerId peer) {
        queue.add(new CallRinging(id, peer));
    }

    @Override
    public void onCallAnswered(CallId id, PeerId peer) {
        queue.add(new CallAnswered(id, peer));
    }

    @Override
    public void onCallStats(CallStats stats) {
        queue.add(new CallStatsEvent(stats));
    }

    @Override
    public void onCallEnded(CallRecord record) {
        queue.add(new CallEnded(record));
    }

    @Override
    public void onGroupMessage(GroupPost post) {
        queue.add(new GroupMessage(post));
    }

    @Override
    public void onGroupInvited(GroupId group, String name, PeerId from) {
        queue.add(new GroupInvited(group, name, from));
    }

    @Override
    public void onGroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) {
        queue.add(new GroupMemberChanged(group, member, change));
    }

    @Override
    public void onGroupDelivered(GroupId group, GroupMessageId message, PeerId member) {
        queue.add(new GroupDelivered(group, message, member));
    }

    @Override
    public void onGroupRead(GroupId group, PeerId member, GroupMessageId upTo) {
        queue.add(new GroupRead(group, member, upTo));
    }

    @Override
    public void onGroupTyping(GroupId group, PeerId peer, boolean typing) {
        queue.add(new GroupTyping(group, peer, typing));
    }

    @Override
    public void onClosed() {
        queue.add(new Closed());
    }

    @Override
    public void onGroupCallStarted(GroupId group, CallId call, PeerId by) {
        queue.add(new GroupCallStarted(group, call, by));
    }

    @Override
    public void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {
        queue.add(new GroupCallJoined(group, call, participant));
    }

    @Override
    public void onGroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) {
        queue.add(new GroupCallLeft(group, call, participant, reason));
    }

    @Override
    public void onGroupCallEnded(GroupId group, CallId call) {
        queue.add(new GroupCallEnded(group, call));
    }

    @Override
    public void onGroupCallParticipantStats(GroupId group, CallId call, PeerId participant, CallStats stats) {
        queue.add(new GroupCallStats(group, call, participant, stats));
    }

    @Override
    public void onGroupCallSpeaker(GroupId group, CallId call, PeerId speaker, double levelDbfs) {
        queue.add(new GroupCallSpeaker(group, call, speaker, levelDbfs));
    }

    @Override
    public void onGroupCallParticipantMuted(GroupId group, CallId call, PeerId participant, boolean muted) {
        queue.add(new GroupCallMuted(group, call, participant, muted));
    }

    @Override
    public void onGroupCallParticipantReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) {
        queue.add(new GroupCallReconnecting(group, call, participant, reconnecting));
    }
}
