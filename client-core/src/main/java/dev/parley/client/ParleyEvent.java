package dev.parley.client;


import java.nio.file.Path;

/**
 * Everything a {@link ParleyClient} tells the app, as immutable values, in the order they happened.
 * {@link ParleyListener#onEvent} receives each one; its default calls the matching typed callback
 * ({@link #deliverTo}).
 *
 * <p>Events about stored state implement {@link Stored}: their {@link Stored#seq() seq} is a
 * monotonically increasing number written in the same transaction as the change, and they are
 * delivered at least once: after a crash or restart the client delivers again every stored event
 * after the app's acknowledged cursor (docs/library.md). The others (typing, presence, progress,
 * ringing...) describe the moment and are not repeated.
 */
public sealed interface ParleyEvent {
    /** Calls the matching typed listener method. */
    void deliverTo(ParleyListener l);

    /**
     * An event about stored state, numbered durably. {@code seq} is 0 only for a change that could
     * not be recorded (e.g. a call with a contact removed meanwhile): such an event is not repeated.
     */
    sealed interface Stored extends ParleyEvent {
        long seq();
    }

    // ---------------------------------------------------------------- chat (stored state)
    record MessageAdded(long seq, ChatMessage message) implements Stored {
        public void deliverTo(ParleyListener l) { l.onMessage(message); }
    }

    record MessageStateChanged(long seq, MessageId id, PeerId peer, MessageState state) implements Stored {
        public void deliverTo(ParleyListener l) { l.onMessageState(id, peer, state); }
    }

    record Typing(PeerId peer, boolean typing) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onTyping(peer, typing); }
    }

    // ---------------------------------------------------------------- contacts (stored state)
    record ContactChanged(long seq, Contact contact) implements Stored {
        public void deliverTo(ParleyListener l) { l.onContactChanged(contact); }
    }

    record ContactRemoved(long seq, PeerId peer) implements Stored {
        public void deliverTo(ParleyListener l) { l.onContactRemoved(peer); }
    }

    // ---------------------------------------------------------------- server and sessions
    record ServerStateChanged(ServerStatus status) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onServerState(status); }
    }

    record Presence(PeerId peer, boolean online) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onPresence(peer, online); }
    }

    record SessionStateChanged(PeerId peer, SessionStatus state, String detail) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onSessionState(peer, state, detail); }
    }

    record SecurityWarning(PeerId peer, String reason) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onSecurityWarning(peer, reason); }
    }

    record StrangerRefused(PeerId peer) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onStrangerRefused(peer); }
    }

    // ---------------------------------------------------------------- files
    record TransferChanged(long seq, Transfer transfer) implements Stored {
        public void deliverTo(ParleyListener l) { l.onTransferChanged(transfer); }
    }

    record FileOffered(TransferOffer offer) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileOffered(offer); }
    }

    record FileStarted(TransferId id, Direction direction, long offset) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileStarted(id, direction, offset); }
    }

    record FileProgress(TransferProgress progress) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileProgress(progress); }
    }

    record FileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileCompleted(id, direction, file, sha256Hex); }
    }

    record FileFailed(TransferId id, Direction direction, String reason) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileFailed(id, direction, reason); }
    }

    record FileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileCancelled(id, direction, byPeer, reason); }
    }

    record FileDeclined(TransferId id, String reason) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onFileDeclined(id, reason); }
    }

    // ---------------------------------------------------------------- calls
    record CallDialing(CallId id, PeerId peer) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onCallDialing(id, peer); }
    }

    record CallRinging(CallId id, PeerId peer) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onCallRinging(id, peer); }
    }

    record CallAnswered(CallId id, PeerId peer) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onCallAnswered(id, peer); }
    }

    record CallMuted(CallId id, boolean muted) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onCallMuted(id, muted); }
    }

    record CallStatsUpdated(CallStats stats) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onCallStats(stats); }
    }

    record CallEnded(long seq, CallRecord record) implements Stored {
        public void deliverTo(ParleyListener l) { l.onCallEnded(record); }
    }

    // ---------------------------------------------------------------- groups (stored state)
    /** Someone added this member to a group: accept or decline it ({@code from} sent the roster). */
    record GroupInvited(long seq, GroupId group, String name, PeerId from) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupInvited(group, name, from); }
    }

    /** A group message was stored and is shown (this member's own posts too), exactly once. */
    record GroupMessageAdded(long seq, GroupPost post) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupMessage(post); }
    }

    /** A roster operation changed a member's place in a group. */
    record GroupMemberChanged(long seq, GroupId group, PeerId member, GroupMember.Change change)
            implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupMemberChanged(group, member, change); }
    }

    /** A member stored one of this member's own group messages: its "delivered to k of n" grew by one. */
    record GroupMessageDelivered(long seq, GroupId group, GroupMessageId message, PeerId member) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupDelivered(group, message, member); }
    }

    /** Another member has read the group up to {@code upTo} (display order; see {@link ParleyGroups#groupReadBy}). */
    record GroupMessageRead(long seq, GroupId group, PeerId member, GroupMessageId upTo) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupRead(group, member, upTo); }
    }

    /** A member is (or stopped) typing in a group; "typing" lapses by itself after a few seconds without a repeat. */
    record GroupTyping(GroupId group, PeerId peer, boolean typing) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupTyping(group, peer, typing); }
    }

    /**
     * A group message already shown was hidden ({@code shown} false: a removal that arrived late puts
     * it after its author's cutoff) or is shown again ({@code shown} true: a roster change undid that).
     */
    record GroupMessageVisibilityChanged(long seq, GroupPost post, boolean shown) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupMessageVisibility(post, shown); }
    }

    /** The group's name changed (the rename that sorts last in the roster). */
    record GroupRenamed(long seq, GroupId group, String name) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupRenamed(group, name); }
    }

    /**
     * A group file was recorded (offered to this member, shared by it) or changed state (accepted,
     * declined, completed, failed): stored like {@link TransferChanged}, so a file's outcome reaches the
     * app across restarts. Progress and holders stay in {@link GroupFileEvent} (of the moment).
     */
    record GroupFileChanged(long seq, GroupFile file) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupFileChanged(file); }
    }

    // ---------------------------------------------------------------- group calls (the moment; not stored)
    /** A call in the group began: {@code by} started it (this member too, when it started it). */
    record GroupCallStarted(GroupId group, CallId call, PeerId by) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallStarted(group, call, by); }
    }

    /** {@code participant} (this member too) is in the group's call now. */
    record GroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallParticipantJoined(group, call, participant); }
    }

    /**
     * {@code participant} (this member too) left the group's call; {@code reason} is {@code left},
     * {@code connection-lost}, {@code full} (this member's join was refused: 6 participants) or
     * {@code superseded} (the call merged into one started at the same time).
     */
    record GroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallParticipantLeft(group, call, participant, reason); }
    }

    /**
     * {@code participant} (this member too) muted ({@code muted} true) or unmuted its microphone in the
     * group's call: once per change, as that participant says over its own session. A participant that
     * joins muted is announced by {@link GroupCallParticipantJoined} then this event; joining unmuted
     * publishes none.
     */
    record GroupCallParticipantMuted(GroupId group, CallId call, PeerId participant, boolean muted) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallParticipantMuted(group, call, participant, muted); }
    }

    /**
     * The path to {@code participant} of the group's call dropped ({@code reconnecting} true: ICE
     * disconnected or failed on that pair, or its session closed) or came back ({@code false}); the call
     * goes on for the others meanwhile. A participant not back within the reconnect bound (docs/calls.md)
     * is reported {@link GroupCallParticipantLeft} {@code connection-lost} instead of coming back.
     */
    record GroupCallParticipantReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallParticipantReconnecting(group, call, participant, reconnecting); }
    }

    /**
     * Statistics of this member's audio with one other participant of the group's call (its pair's
     * session), about once a second while both are in it: as a 1:1 call's {@link CallStatsUpdated}, with
     * {@code stats.callId()} the group call's id.
     */
    record GroupCallParticipantStats(GroupId group, CallId call, PeerId participant, CallStats stats) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallParticipantStats(group, call, participant, stats); }
    }

    /**
     * The active speaker of the group's call this member is in changed: the participant heard loudest
     * (smoothed over about 300 ms, above -40 dBFS, with hysteresis), or null when nobody speaks;
     * {@code levelDbfs} its smoothed level (-Infinity for nobody). This member's own voice is not counted.
     */
    record GroupCallSpeaker(GroupId group, CallId call, PeerId speaker, double levelDbfs) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallSpeaker(group, call, speaker, levelDbfs); }
    }

    /** The group's call is over: nobody is in it any more (as far as this member knows). */
    record GroupCallEnded(GroupId group, CallId call) implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onGroupCallEnded(group, call); }
    }

    /**
     * A group call went into the group's history (stored, exactly once like chat): after its
     * {@link GroupCallEnded}, or when this client closed while it was in the call. Missed or joined:
     * {@link GroupCallRecord#missed()}.
     */
    record GroupCallRecorded(long seq, GroupCallRecord record) implements Stored {
        public void deliverTo(ParleyListener l) { l.onGroupCallRecorded(record); }
    }

    // ---------------------------------------------------------------- end
    /** Terminal: nothing follows it. Only the client closing publishes it. */
    record Closed() implements ParleyEvent {
        public void deliverTo(ParleyListener l) { l.onClosed(); }
    }
}
