package dev.parley.client;

import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.chat.ChatEngine;
import dev.parley.client.internal.identity.IdentityStore;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.security.SessionProofs;
import dev.parley.client.internal.session.SessionEvents;
import dev.parley.client.internal.session.SessionManager;
import dev.parley.client.internal.signaling.SignalingClient;
import dev.parley.client.internal.signaling.SignalingState;
import dev.parley.client.internal.store.KeyCheck;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.client.internal.audio.AudioDevices;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.WavSource;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.call.CallConfig;
import dev.parley.client.internal.call.CallEngine;
import dev.parley.client.internal.call.CallEvent;
import dev.parley.client.internal.call.CallListener;
import dev.parley.client.internal.transfer.TransferConfig;
import dev.parley.client.internal.transfer.TransferEngine;
import dev.parley.client.internal.transfer.TransferListener;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Parley user on this device: identity, contacts, direct verified sessions and chat. Open one per
 * profile directory, {@link #start()} it to go online, {@link #close()} it when done.
 *
 * <p>Methods are thread-safe and return quickly (database work is a few milliseconds; nothing waits
 * for the network). Events reach the {@link ParleyListener} on one event thread, in order.
 */
@Slf4j
public final class ParleyClient implements AutoCloseable {
    private final ParleyConfig config;
    private final ParleyListener listener;
    private final IdentityKeyPair identity;
    private final ProfileStore store;
    private final RtcRuntime rtc;
    private final SessionManager sessions;
    private final ChatEngine chat;
    private final TransferEngine transfers;
    private final CallEngine calls;
    /** Recorders of live calls, closed when their call ends. */
    private final java.util.Map<CallId, WavRecorder> recorders = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<CallId> endedCalls = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService events;
    private volatile SignalingClient signaling;
    /** Why devices were not even tried (no audio server), when they were asked for. */
    private volatile String detectionNotice;
    private volatile boolean closed;

    private ParleyClient(ParleyConfig config, ParleyListener listener, IdentityKeyPair identity, ProfileStore store, RtcRuntime rtc)
            throws IOException {
        this.config = config;
        this.listener = listener;
        this.identity = identity;
        this.store = store;
        this.rtc = rtc;
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-events"));
        PeerId me = identity.publicKey().peerId();
        this.sessions = new SessionManager(me, rtc, new SessionProofs(identity, config.clock()), store.contacts(), new Forwarder());
        this.chat = new ChatEngine(store.messages(), peer -> sessions.connect(peer), new ChatEngine.Events() {
            @Override
            public void onTyping(PeerId peer, boolean typing) {
                emit(l -> l.onTyping(peer, typing));
            }
        }, config.clock());
        this.transfers = new TransferEngine(store.transfers(), TransferConfig.defaults(config.downloadDir()), new FileEvents());
        sessions.addFeature(chat);
        sessions.addFeature(transfers);
        this.calls = new CallEngine(new CallEvents(), CallConfig.defaults(), config.clock());
        sessions.addFeature(calls);
        sessions.setPendingWork(this::peersWithPendingWork);
        transfers.start();
        store.database().addListener(this::onStoreEvent);
    }

    /**
     * Opens (creating on first use) the profile: identity key (0600), database, WebRTC.
     *
     * @throws IOException if the profile cannot be read or created; the message says what to do
     */
    public static ParleyClient open(ParleyConfig config, ParleyListener listener) throws IOException {
        IdentityKeyPair identity = IdentityStore.loadOrCreate(config.profileDir());
        ProfileStore store = ProfileStore.open(config.profileDir(), identity.publicKey(), config.clock());
        RtcRuntime rtc;
        AudioDevices.Detection detection = null;
        try {
            if (config.audioDevices()) detection = AudioDevices.detect();
            rtc = detection != null
                    ? RtcRuntime.create(rtcConfig(config), AudioDevices.setup(detection, config.microphone(), config.speaker()))
                    : RtcRuntime.create(rtcConfig(config));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            ParleyClient client = new ParleyClient(config, listener == null ? new ParleyListener() {} : listener, identity, store, rtc);
            if (detection != null && !detection.usable()) client.detectionNotice = detection.message();
            return client;
        } catch (IOException | RuntimeException e) {
            rtc.close();
            store.close();
            throw e;
        }
    }

    static RtcConfig rtcConfig(ParleyConfig config) {
        RtcConfig.Builder b = RtcConfig.builder().connectTimeout(config.connectTimeout());
        for (ParleyConfig.IceServer s : config.iceServers()) {
            b.iceServer(new RtcConfig.IceServer(s.urls(), s.username(), s.credential()));
        }
        if (config.relayOnly()) b.iceTransportPolicy(RtcConfig.IceTransportPolicy.RELAY);
        return b.build();
    }

    /** Connects to the signaling server (if one is configured) and stays connected until {@link #close()}. */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("client is closed");
        if (signaling != null || config.server() == null) return;
        SignalingClient s = new SignalingClient(config.server(), identity, sessions);
        sessions.attach(s);
        signaling = s;
        s.start();
    }

    // ------------------------------------------------------------------ identity and contacts

    public PeerId peerId() {
        return identity.publicKey().peerId();
    }

    public IdentityKey identityKey() {
        return identity.publicKey();
    }

    /** The shareable string others add us with ({@code parley:<key>}). */
    public ContactString contactString(String name) {
        return ContactString.of(identity.publicKey(), name);
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
        Contact added = store.contacts().add(c.peerId(), label);
        if (label != null && !label.equals(added.displayName())) added = store.contacts().rename(c.peerId(), label);
        if (c.key().isPresent()) {
            KeyCheck check = store.contacts().observeKey(c.peerId(), c.key().get());
            if (!check.allowed()) log.warn("contact {} presented a different key; blocked until accepted", c.peerId().shortForm());
            added = store.contacts().get(c.peerId()).orElseThrow();
        }
        refreshWatch();
        if (sessions.isOnline(c.peerId())) sessions.connect(c.peerId());
        return added;
    }

    public List<Contact> contacts() {
        return store.contacts().list();
    }

    public Optional<Contact> contact(PeerId peer) {
        return store.contacts().get(peer);
    }

    /** Removes a contact with its history and ends any session with it. */
    public boolean removeContact(PeerId peer) {
        sessions.disconnect(peer);
        boolean removed = store.contacts().remove(peer);
        refreshWatch();
        return removed;
    }

    /** The 60-digit safety number with this contact, once its key is known. */
    public Optional<String> safetyNumber(PeerId peer) {
        return store.contacts().safetyNumber(peer);
    }

    /** Marks the contact verified if {@code comparedNumber} is its current safety number. */
    public Contact markVerified(PeerId peer, String comparedNumber) {
        return store.contacts().markVerified(peer, comparedNumber.replaceAll("\\s", ""));
    }

    /** Accepts a changed key the user has checked; sessions with it are allowed again. */
    public Contact acceptNewKey(PeerId peer, IdentityKey key) {
        return store.contacts().acceptNewKey(peer, key);
    }

    private void refreshWatch() {
        SignalingClient s = signaling;
        if (s != null) s.watch(store.contacts().list().stream().map(Contact::peerId).toList());
    }

    // ------------------------------------------------------------------ chat

    /**
     * Sends a message: stored and queued before this returns, delivered when the contact is reachable
     * (now, or when it comes online; across restarts of either side).
     *
     * @throws IllegalArgumentException for empty or over-long text, or a peer that is not a contact
     */
    public ChatMessage send(PeerId to, String text) {
        if (store.contacts().get(to).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        return chat.send(to, text);
    }

    /** Newest first; pass {@code page.next()} to get older ones. */
    public HistoryPage history(PeerId peer, HistoryCursor before, int limit) {
        return store.messages().history(peer, before, limit);
    }

    public Optional<ChatMessage> message(MessageId id) {
        return store.messages().get(id);
    }

    public int unreadCount(PeerId peer) {
        return store.messages().unreadCount(peer);
    }

    /** The user saw the conversation: incoming messages become read, and the peer gets read receipts. */
    public void markRead(PeerId peer) {
        chat.markRead(peer);
    }

    public void setTyping(PeerId peer, boolean typing) {
        chat.setTyping(peer, typing);
    }

    // ------------------------------------------------------------------ files

    /**
     * Offers a file to a contact inside the conversation. The file is hashed first; the returned
     * future completes with the transfer's id once it is recorded (it is sent now, or when the contact
     * is reachable, and resumes across disconnects and restarts). Progress and the outcome arrive as
     * {@code onFile*} events.
     *
     * @throws IllegalArgumentException for a peer that is not a contact, or a path that is not a readable regular file
     */
    public CompletableFuture<TransferId> sendFile(PeerId to, Path file) {
        if (store.contacts().get(to).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        if (!Files.isReadable(file)) throw new IllegalArgumentException("cannot read " + file + " (permissions?)");
        String type = null;
        try {
            type = Files.probeContentType(file);
        } catch (IOException ignored) {
            // fall back below
        }
        CompletableFuture<TransferId> id = transfers.sendFile(to, file, type == null ? "application/octet-stream" : type);
        id.thenRun(() -> sessions.connect(to));
        return id;
    }

    /** Accepts an offered file; it is streamed into the download folder and verified before it appears there. */
    public void acceptFile(TransferId id) {
        transfers.accept(id);
    }

    public void declineFile(TransferId id) {
        transfers.decline(id);
    }

    /** Cancels a transfer in either direction; the contact is told and any partial file is deleted. */
    public void cancelFile(TransferId id) {
        transfers.cancel(id);
    }

    /** Accepts future offers from {@code peer} up to {@code maxBytes} without asking (this run only). */
    public void autoAcceptFiles(PeerId peer, long maxBytes) {
        transfers.autoAccept().allow(peer, maxBytes);
    }

    /** The folder received files are saved in. */
    public Path downloadDir() {
        return transfers.downloadDir();
    }

    /** Transfers with a contact, as recorded (including finished ones). */
    public List<Transfer> transfers(PeerId peer) {
        return store.transfers().list(peer);
    }

    private Set<PeerId> peersWithPendingWork() {
        Set<PeerId> peers = new java.util.HashSet<>(store.messages().peersWithPendingOutbox());
        for (Transfer t : store.transfers().unfinished()) peers.add(t.peer());
        return peers;
    }

    // ------------------------------------------------------------------ calls

    /**
     * Calls a contact: connects first if needed (up to 20 s), then rings it. The stage completes with
     * the call's id once it rings there, or fails with a message saying why (not reachable, already in
     * a call, unreadable WAV). Everything after that arrives as {@code onCall*} events.
     */
    public CompletionStage<CallId> call(PeerId to, CallMedia media) {
        if (store.contacts().get(to).isEmpty()) throw new IllegalArgumentException("not a contact: " + to + " (add it first)");
        CallAudio audio = callAudio(media);
        CompletableFuture<CallId> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                if (!awaitConnected(to, Duration.ofSeconds(20))) {
                    throw new IllegalStateException("cannot reach " + to.shortForm() + ": is the contact online?");
                }
                CallId id = dialWhenLinked(to, audio, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                adoptRecorder(id, audio);
                result.complete(id);
            } catch (Exception e) {
                closeQuietly(audio);
                result.completeExceptionally(e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e);
            }
        }, "parley-call-dial");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Answers a ringing call. */
    public void answerCall(CallId id, CallMedia media) {
        CallAudio audio = callAudio(media);
        adoptRecorder(id, audio);
        calls.accept(id, audio);
    }

    public void declineCall(CallId id) {
        calls.decline(id);
    }

    /** Hangs up (or cancels, while it still rings) the call. */
    public void hangUp(CallId id) {
        calls.hangUp(id);
    }

    public void setMuted(CallId id, boolean muted) {
        calls.setMuted(id, muted);
    }

    /** The latest statistics of the active call, if any. */
    public Optional<CallStats> callStats() {
        return calls.latestStats();
    }

    /** Finished calls with a contact, newest first. */
    public List<CallRecord> callHistory(PeerId peer, int limit) {
        return store.calls().list(peer, limit);
    }

    /** Why real audio devices are not in use, when they were asked for and could not be (e.g. no audio server). */
    public Optional<String> audioNotice() {
        return rtc.audioNotice().or(() -> Optional.ofNullable(detectionNotice));
    }

    private CallAudio callAudio(CallMedia media) {
        PcmSource source = null;
        WavRecorder recorder = null;
        try {
            if (media.playFile() != null) source = new WavSource(media.playFile());
            else if (media.toneHz() > 0) source = new ToneSource(media.toneHz(), 0.5, media.toneDuration());
            if (media.recordFile() != null) recorder = new WavRecorder(media.recordFile());
            return new CallAudio(source, recorder);
        } catch (IOException | RuntimeException e) {
            if (source != null) source.close();
            throw new IllegalArgumentException("cannot use the call's audio files: " + e.getMessage(), e);
        }
    }

    private void adoptRecorder(CallId id, CallAudio audio) {
        if (audio.sink() instanceof WavRecorder r) {
            recorders.put(id, r);
            if (endedCalls.contains(id)) closeRecorder(id);
        }
    }

    private void closeRecorder(CallId id) {
        WavRecorder r = recorders.remove(id);
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                log.warn("could not finish the call recording {}", r.path(), e);
            }
        }
    }

    private static void closeQuietly(CallAudio audio) {
        if (audio.source() != null) audio.source().close();
        if (audio.sink() instanceof WavRecorder r) {
            try {
                r.close();
            } catch (IOException ignored) {
                // nothing recorded
            }
        }
    }

    /** The call engine learns of a new link a moment after the session reports it: retry "not connected" until the deadline. */
    private CallId dialWhenLinked(PeerId to, CallAudio audio, long deadlineNanos) throws Exception {
        while (true) {
            try {
                return calls.dial(to, audio).toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                boolean notLinkedYet = e.getCause() instanceof IllegalStateException ise && ise.getMessage() != null
                        && ise.getMessage().startsWith("not connected") && sessions.isConnected(to);
                if (!notLinkedYet || System.nanoTime() > deadlineNanos) throw e;
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
        }
    }

    private boolean awaitConnected(PeerId peer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        sessions.connect(peer);
        while (!sessions.isConnected(peer)) {
            if (System.nanoTime() > deadline) return false;
            if (Thread.interrupted()) throw new InterruptedException();
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        return true;
    }

    // ------------------------------------------------------------------ state

    /** Whether the contact is online at the signaling server (mutual contacts only). */
    public boolean isOnline(PeerId peer) {
        return sessions.isOnline(peer);
    }

    /** Whether a verified direct session with its chat channel is open now. */
    public boolean isConnected(PeerId peer) {
        return sessions.isConnected(peer);
    }

    public boolean isServerOnline() {
        SignalingClient s = signaling;
        return s != null && s.state() == SignalingState.ONLINE;
    }

    /** Dials the contact now (it must be reachable); otherwise Parley dials when there is something to deliver. */
    public boolean connect(PeerId peer) {
        return sessions.connect(peer);
    }

    public ParleyConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ plumbing

    private void onStoreEvent(StoreEvent e) {
        if (e instanceof MessageAdded a) {
            emit(l -> l.onMessage(a.message()));
        } else if (e instanceof MessageStateChanged c) {
            emit(l -> l.onMessageState(c.id(), c.peer(), c.state()));
        }
    }

    private void emit(Consumer<ParleyListener> call) {
        try {
            events.execute(() -> {
                try {
                    call.accept(listener);
                } catch (RuntimeException ex) {
                    log.warn("listener failed", ex);
                }
            });
        } catch (RejectedExecutionException ignored) {
            // closed: no more events
        }
    }

    /** Stops everything in dependency order and then calls {@link ParleyListener#onClosed()}. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        SignalingClient s = signaling;
        if (s != null) s.close();
        sessions.close();
        rtc.close(); // closes and awaits every peer session before disposing the factory
        calls.close();
        chat.close();
        transfers.close();
        store.close();
        emit(ParleyListener::onClosed);
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Call events: finished calls are stored for history, then everything is forwarded to the UI thread. */
    private final class CallEvents implements CallListener {
        @Override
        public void onCallEvent(CallEvent e) {
            if (e instanceof CallEvent.Dialing d) {
                emit(l -> l.onCallDialing(d.callId(), d.peer()));
            } else if (e instanceof CallEvent.Ringing r) {
                emit(l -> l.onCallRinging(r.callId(), r.peer()));
            } else if (e instanceof CallEvent.Answered a) {
                emit(l -> l.onCallAnswered(a.callId(), a.peer()));
            } else if (e instanceof CallEvent.MuteChanged m) {
                emit(l -> l.onCallMuted(m.callId(), m.muted()));
            } else if (e instanceof CallEvent.Stats st) {
                emit(l -> l.onCallStats(st.stats()));
            } else if (e instanceof CallEvent.Ended end) {
                endedCalls.add(end.callId());
                closeRecorder(end.callId());
                try {
                    store.calls().record(end.record());
                } catch (RuntimeException ex) {
                    log.warn("could not store the call record", ex);
                }
                emit(l -> l.onCallEnded(end.record()));
            } // Superseded: both dialled at once; the surviving call's events follow
        }
    }

    /** Transfer events, forwarded to the UI thread. */
    private final class FileEvents implements TransferListener {
        @Override
        public void onOffered(TransferOffer offer) {
            emit(l -> l.onFileOffered(offer));
        }

        @Override
        public void onStarted(TransferId id, Direction direction, long offset) {
            emit(l -> l.onFileStarted(id, direction, offset));
        }

        @Override
        public void onProgress(TransferProgress progress) {
            emit(l -> l.onFileProgress(progress));
        }

        @Override
        public void onCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
            emit(l -> l.onFileCompleted(id, direction, file, sha256Hex));
        }

        @Override
        public void onFailed(TransferId id, Direction direction, String reason) {
            emit(l -> l.onFileFailed(id, direction, reason));
        }

        @Override
        public void onCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
            emit(l -> l.onFileCancelled(id, direction, byPeer, reason));
        }

        @Override
        public void onDeclined(TransferId id, String reason) {
            emit(l -> l.onFileDeclined(id, reason));
        }
    }

    /** Session-manager events, forwarded to the UI thread. */
    private final class Forwarder implements SessionEvents {
        @Override
        public void onServerOnline(PeerId me, boolean resumed) {
            emit(l -> l.onServerState(true, resumed ? "resumed" : "online"));
        }

        @Override
        public void onServerOffline(String reason, long retryInMs) {
            emit(l -> l.onServerState(false, retryInMs < 0 ? reason : reason + "; retrying in " + (retryInMs / 1000.0) + " s"));
        }

        @Override
        public void onPresence(PeerId peer, boolean online) {
            emit(l -> l.onPresence(peer, online));
        }

        @Override
        public void onSessionState(PeerId peer, String state, String detail) {
            emit(l -> l.onSessionState(peer, state, detail));
        }

        @Override
        public void onSecurityWarning(PeerId peer, String reason) {
            emit(l -> l.onSecurityWarning(peer, reason));
        }

        @Override
        public void onStrangerRefused(PeerId peer) {
            emit(l -> l.onStrangerRefused(peer));
        }
    }
}
