package dev.parley.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What an app can do with a Parley profile, wherever the profile lives: in this process
 * ({@link ParleyClient}, which owns it) or in a daemon serving it over the local API (the daemon's
 * {@code RemoteParley}). The behaviour of each method is documented on {@link ParleyClient}; a remote
 * implementation behaves the same, and reports the daemon going away as an
 * {@link IllegalStateException} from calls and a {@link ParleyEvent.Closed} event.
 *
 * <p>Group conversations are part of it ({@link ParleyGroups}), in process and over the daemon alike.
 *
 * <p>Events reach the listener given when the instance was opened, on one thread, in order.
 */
public interface Parley extends AutoCloseable, ParleyGroups, ParleyGroupCalls, ParleySwarm {
    /** Goes online (for a remote profile: starts receiving its events). */
    void start();

    // identity and contacts
    PeerId peerId();

    PeerKey identityKey();

    ContactString contactString(String name);

    Contact addContact(String contact, String name);

    List<Contact> contacts();

    Optional<Contact> contact(PeerId peer);

    boolean removeContact(PeerId peer);

    Optional<String> safetyNumber(PeerId peer);

    Contact markVerified(PeerId peer, String comparedNumber);

    Contact acceptNewKey(PeerId peer, PeerKey key);

    // chat
    ChatMessage send(PeerId to, String text);

    ChatMessage send(PeerId to, String text, MessageId id);

    List<ChatMessage> outbox(PeerId peer);

    int outboxSize();

    HistoryPage history(PeerId peer, HistoryCursor before, int limit);

    HistoryPage history(PeerId peer, HistoryQuery query);

    Optional<ChatMessage> message(MessageId id);

    int unreadCount(PeerId peer);

    void markRead(MessageId upTo);

    void markRead(PeerId peer);

    void setTyping(PeerId peer, boolean typing);

    // files
    CompletableFuture<TransferId> sendFile(PeerId to, Path file);

    void acceptFile(TransferId id);

    void declineFile(TransferId id);

    void cancelFile(TransferId id);

    void autoAcceptFiles(PeerId peer, long maxBytes);

    Path downloadDir();

    List<Transfer> transfers(PeerId peer);

    // calls
    CompletionStage<CallId> call(PeerId to, CallMedia media);

    void answerCall(CallId id, CallMedia media);

    void declineCall(CallId id);

    void hangUp(CallId id);

    void setMuted(CallId id, boolean muted);

    Optional<CallStats> callStats();

    List<CallRecord> callHistory(PeerId peer, int limit);

    Optional<String> audioNotice();

    // events
    void ack(long seq);

    // state
    boolean isOnline(PeerId peer);

    boolean isConnected(PeerId peer);

    boolean isServerOnline();

    boolean connect(PeerId peer);

    /** Closes this handle: a local client stops; a remote one disconnects and leaves the daemon running. */
    @Override
    void close();
}
