package dev.parley.client;


/**
 * What a UI hears from a {@link ParleyClient}. Every call comes on the client's single event thread,
 * in order, never on a network or WebRTC thread; don't block in them. Defaults do nothing.
 * {@link #onClosed()} is the terminal callback: no further calls follow it.
 */
public interface ParleyListener {
    /**
     * Every event, in order. The default calls the typed callback below ({@link ParleyEvent#deliverTo});
     * override it to see event numbers ({@link ParleyEvent.Stored#seq()}) or to handle events as values.
     * Returning normally from a {@link ParleyEvent.Stored} event acknowledges it (unless the client
     * runs with {@link ParleyConfig.Builder#manualAck}); one that was not acknowledged before a crash
     * is delivered again at the next start.
     */
    default void onEvent(ParleyEvent event) {
        event.deliverTo(this);
    }

    /** A message was stored: an incoming one that is new (duplicates never show), or one we sent. */
    default void onMessage(ChatMessage message) {}

    /** A message moved forward: sent, delivered (acked), read. */
    default void onMessageState(MessageId id, PeerId peer, MessageState state) {}

    default void onTyping(PeerId peer, boolean typing) {}

    /** A mutual contact came online or went offline at the signaling server. */
    default void onPresence(PeerId peer, boolean online) {}

    /** The direct session with a contact changed; {@code detail} says why it closed (empty otherwise). */
    default void onSessionState(PeerId peer, SessionStatus state, String detail) {}

    /** Logged in to the signaling server or lost it; the status says why and when we retry. */
    default void onServerState(ServerStatus status) {}

    /** A contact was added, renamed, verified, or its key changed state; {@code contact} is its new record. */
    default void onContactChanged(Contact contact) {}

    /** A contact was removed with its conversation and transfers. */
    default void onContactRemoved(PeerId peer) {}

    /** A security check failed for this peer (altered or replayed signaling, changed key). Show it to the user. */
    default void onSecurityWarning(PeerId peer, String reason) {}

    /** Someone who is not a contact tried to reach us; nothing was accepted. */
    default void onStrangerRefused(PeerId peer) {}

    /** A contact offers us a file; answer with {@link ParleyClient#acceptFile} or {@link ParleyClient#declineFile}. The name is already made safe. */
    default void onFileOffered(TransferOffer offer) {}

    /** A transfer's durable record was created or changed state (offered, accepted, completed, …; not per byte). */
    default void onTransferChanged(Transfer transfer) {}

    /** A group file was recorded or changed state ({@link ParleyEvent.GroupFileChanged}, stored). */
    default void onGroupFileChanged(GroupFile file) {}

    /** Bytes are flowing (first time, and after each resume from {@code offset}). */
    default void onFileStarted(TransferId id, Direction direction, long offset) {}

    /** At most every 250 ms per transfer. */
    default void onFileProgress(TransferProgress progress) {}

    /** Terminal for the transfer: the whole file arrived and its SHA-256 matched ({@code file} is where it is now). */
    default void onFileCompleted(TransferId id, Direction direction, java.nio.file.Path file, String sha256Hex) {}

    /** Terminal for the transfer: it failed (e.g. hash mismatch, lying size); no file was kept. */
    default void onFileFailed(TransferId id, Direction direction, String reason) {}

    /** Terminal for the transfer: cancelled by us or ({@code byPeer}) by the contact. */
    default void onFileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {}

    /** Terminal for the transfer: the contact declined our offer. */
    default void onFileDeclined(TransferId id, String reason) {}

    /** We are calling {@code peer}; it is ringing there (or will when reachable). */
    default void onCallDialing(CallId id, PeerId peer) {}

    /** {@code peer} (its identity verified by the session) is calling: {@link ParleyClient#answerCall} or {@link ParleyClient#declineCall}. */
    default void onCallRinging(CallId id, PeerId peer) {}

    /** The call was answered; audio flows. */
    default void onCallAnswered(CallId id, PeerId peer) {}

    default void onCallMuted(CallId id, boolean muted) {}

    /** Live statistics of the active call, about once a second. */
    default void onCallStats(CallStats stats) {}

    /** Terminal for the call: how it ended (missed, declined, busy, completed with its duration…); also stored in history. */
    default void onCallEnded(CallRecord record) {}

    /** An invitation to a group (accept or decline it with the client). */
    default void onGroupInvited(GroupId group, String name, PeerId from) {}

    /** A message in a group, shown once (also this member's own). */
    default void onGroupMessage(GroupPost post) {}

    /** Someone was added to, removed from, left, or got or lost admin rights in a group. */
    default void onGroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) {}

    /** A member stored one of this member's own group messages. */
    default void onGroupDelivered(GroupId group, GroupMessageId message, PeerId member) {}

    /** Another member read the group up to {@code upTo}. */
    default void onGroupRead(GroupId group, PeerId member, GroupMessageId upTo) {}

    /** A member is (or stopped) typing in a group. */
    default void onGroupTyping(GroupId group, PeerId peer, boolean typing) {}

    /**
     * A group message shown before is hidden ({@code shown} false: a removal that arrived late puts it
     * after its author's cutoff, so no member shows it) or shown again ({@code shown} true: the roster
     * changed back). Take it out of (or put it back into) the conversation; {@code groupHistory} agrees.
     */
    default void onGroupMessageVisibility(GroupPost post, boolean shown) {}

    /** The group has a new name (every member shows the same one). */
    default void onGroupRenamed(GroupId group, String name) {}

    /** Terminal: the client is closed. */
    default void onClosed() {}

    default void onGroupCallStarted(GroupId group, CallId call, PeerId by) {}

    default void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {}

    default void onGroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) {}

    default void onGroupCallEnded(GroupId group, CallId call) {}

    /** A joined or missed group call was stored in the group's history ({@link ParleyEvent.GroupCallRecorded}). */
    default void onGroupCallRecorded(GroupCallRecord record) {}

    /** A participant muted or unmuted; see {@link ParleyEvent.GroupCallParticipantMuted}. */
    default void onGroupCallParticipantMuted(GroupId group, CallId call, PeerId participant, boolean muted) {}

    /** A participant's path dropped or came back; see {@link ParleyEvent.GroupCallParticipantReconnecting}. */
    default void onGroupCallParticipantReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) {}

    /** The active speaker changed (null: nobody speaks); see {@link ParleyEvent.GroupCallSpeaker}. */
    default void onGroupCallSpeaker(GroupId group, CallId call, PeerId speaker, double levelDbfs) {}

    /** Audio statistics with one other participant of the group's call, about once a second. */
    default void onGroupCallParticipantStats(GroupId group, CallId call, PeerId participant, CallStats stats) {}
}
