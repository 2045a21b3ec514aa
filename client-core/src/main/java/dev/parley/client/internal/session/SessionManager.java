package dev.parley.client.internal.session;

import dev.parley.client.internal.Ids;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.Contact;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.DescriptionRejectedException;
import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.rtc.SdpFingerprints;
import dev.parley.client.internal.rtc.SessionState;
import dev.parley.client.internal.rtc.SignalingChannel;
import dev.parley.client.internal.security.ProofRejected;
import dev.parley.client.internal.security.SessionProofs;
import dev.parley.client.internal.signaling.SignalingClient;
import dev.parley.client.internal.signaling.SignalingListener;
import dev.parley.client.internal.store.ContactStore;
import dev.parley.client.internal.store.KeyCheck;
import dev.parley.client.internal.time.Backoff;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.SdpProofPayload.Kind;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.signal.Answer;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.IceServer;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.SdpProof;
import dev.parley.protocol.signal.Welcome;
import lombok.extern.slf4j.Slf4j;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Keeps one verified {@link PeerSession} per contact: routes relayed offers, answers and candidates
 * to it, signs what we send and verifies what we receive before it is applied, pins keys (TOFU),
 * decides when to dial and redial (for presence, and for every feature's
 * {@link PeerFeature#peersWithPendingWork() pending work}), fans session events out to the
 * {@link PeerFeature}s, and tells waiters when a link is up ({@link #awaitLink}).
 *
 * <p>Threads: signaling events arrive on the signaling client's event thread (verification and routing
 * run there); session events arrive on each session's own thread and are forwarded as they are;
 * timers (redials, the pending-work sweep, TURN refresh) run on {@code parley-sessions}.
 */
@Slf4j
public final class SessionManager implements SignalingListener, AutoCloseable {
    /** How often contacts with unsent messages are dialled while no session exists. */
    static final long PENDING_SWEEP_MS = 15_000;
    static final long MAX_REDIAL_MS = 30_000;

    private final PeerId me;
    private final RtcRuntime rtc;
    private final SessionProofs proofs;
    private final ContactStore contacts;
    private final EventSink events;
    private final Scheduler scheduler;
    /** Owner of the manager's timers. */
    private final ExecutorService timerThread = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-sessions"));
    /** Links every feature has been told about, and who waits for one. */
    private final Map<PeerId, PeerLink> announced = new ConcurrentHashMap<>();
    private final Map<PeerId, List<CompletableFuture<PeerLink>>> linkWaiters = new ConcurrentHashMap<>();
    private final List<PeerFeature> featureList = new CopyOnWriteArrayList<>();
    private final PeerFeature features = new Features(false);
    /** What a session with a non-contact (a group member known by its roster key) carries: only the features that serve them. */
    private final PeerFeature memberFeatures = new Features(true);
    private final Map<PeerId, Entry> sessions = new ConcurrentHashMap<>();
    private final Set<PeerId> online = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, Backoff> redialDelay = new ConcurrentHashMap<>();
    private final Scheduler.Timer pendingSweep;
    private final SecureRandom random = new SecureRandom();
    private volatile SignalingClient signaling;
    private volatile boolean closed;
    private volatile Scheduler.Timer iceRefresh = Scheduler.Timer.NONE;

    public SessionManager(PeerId me, RtcRuntime rtc, SessionProofs proofs, ContactStore contacts, EventSink events,
                          Scheduler scheduler) {
        this.me = me;
        this.rtc = rtc;
        this.proofs = proofs;
        this.contacts = contacts;
        this.events = Objects.requireNonNull(events, "events");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        Duration sweep = Duration.ofMillis(PENDING_SWEEP_MS);
        this.pendingSweep = scheduler.scheduleRepeating(sweep, sweep, timerThread, this::dialPendingWork);
    }

    /** Logs in to {@code server} as {@code identity} and stays logged in until {@link #close()}; once only. */
    public synchronized void start(URI server, IdentityKeyPair identity) {
        start(java.util.List.of(server), identity);
    }

    /** As above with several URLs of one service: after a lost connection the next is tried. */
    public synchronized void start(java.util.List<URI> servers, IdentityKeyPair identity) {
        if (closed) throw new IllegalStateException("closed");
        if (signaling != null) return;
        SignalingClient s = new SignalingClient(servers, identity, this, null, dev.parley.client.internal.time.Scheduler.system());
        signaling = s;
        s.start();
    }

    /** For tests and benchmarks that drive their own signaling client. */
    public void attach(SignalingClient signaling) {
        this.signaling = signaling;
    }

    public void addFeature(PeerFeature feature) {
        featureList.add(feature);
    }

    public boolean isServerOnline() {
        SignalingClient s = signaling;
        return s != null && s.state() == dev.parley.client.internal.signaling.SignalingState.ONLINE;
    }

    /**
     * The contact list (or a feature's {@link PeerFeature#nonContactKeys()}) changed: presence is watched
     * for exactly the current contacts and those peers; a new one online is dialled.
     */
    public void contactsChanged() {
        SignalingClient s = signaling;
        if (s != null) s.watch(watched());
    }

    private List<PeerId> watched() {
        Set<PeerId> all = new java.util.LinkedHashSet<>();
        for (Contact c : contacts.list()) all.add(Ids.wire(c.peerId()));
        all.addAll(nonContactKeys().keySet());
        return List.copyOf(all);
    }

    /** Every feature's non-contact peers and their keys (a contact is never among them). */
    private Map<PeerId, IdentityKey> nonContactKeys() {
        Map<PeerId, IdentityKey> keys = new java.util.HashMap<>();
        for (PeerFeature f : featureList) {
            try {
                keys.putAll(f.nonContactKeys());
            } catch (RuntimeException e) {
                log.warn("feature {} could not list its non-contact peers", f.getClass().getSimpleName(), e);
            }
        }
        return keys;
    }

    /**
     * Dials {@code peer} if needed and completes with its link once every feature knows of it; fails
     * with {@link PeerUnreachableException} after {@code timeout}. Completes on a session or timer
     * thread: dependents must hand off, not block.
     */
    public CompletionStage<PeerLink> awaitLink(PeerId peer, Duration timeout) {
        CompletableFuture<PeerLink> f = new CompletableFuture<>();
        linkWaiters.computeIfAbsent(peer, p -> new CopyOnWriteArrayList<>()).add(f);
        PeerLink now = announced.get(peer);
        if (now != null) {
            completeWaiters(peer, now);
            return f;
        }
        connect(peer);
        Scheduler.Timer t = scheduler.schedule(timeout, timerThread, () -> {
            List<CompletableFuture<PeerLink>> w = linkWaiters.get(peer);
            if (w != null) w.remove(f);
            f.completeExceptionally(new PeerUnreachableException(peer, timeout));
        });
        f.whenComplete((l, e) -> t.cancel());
        return f;
    }

    private void completeWaiters(PeerId peer, PeerLink link) {
        List<CompletableFuture<PeerLink>> w = linkWaiters.remove(peer);
        if (w != null) for (CompletableFuture<PeerLink> f : w) f.complete(link);
    }

    public boolean isOnline(PeerId peer) {
        return online.contains(peer);
    }

    public boolean isConnected(PeerId peer) {
        Entry e = sessions.get(peer);
        return e != null && e.isUp();
    }

    public Optional<PeerLink> link(PeerId peer) {
        Entry e = sessions.get(peer);
        return e != null && e.isUp() ? Optional.of(e) : Optional.empty();
    }

    /**
     * Makes sure a session to {@code peer} exists and is dialling; returns false if it cannot be dialled
     * (not a contact, or its key is not known yet: the peer must contact us first or be added by contact string).
     */
    public boolean connect(PeerId peer) {
        if (closed) return false;
        SignalingClient sig = signaling;
        // An offer made while logged out would be lost and leave the session waiting for an answer
        // that cannot come; logging in dials everything that is wanted.
        if (sig == null || sig.state() != dev.parley.client.internal.signaling.SignalingState.ONLINE) return false;
        Optional<Contact> c = contacts.get(peer);
        if (c.isEmpty()) {
            // A group member who is not a contact: dialled with the key its roster names (docs/security.md § Groups).
            IdentityKey rosterKey = nonContactKeys().get(peer);
            if (rosterKey == null) return false;
            Entry e = sessions.computeIfAbsent(peer, p -> newEntry(p, rosterKey, true));
            e.session().dial();
            return true;
        }
        if (c.get().pinnedKey() == null || c.get().keyChanged()) return false;
        Entry e = sessions.computeIfAbsent(peer, p -> newEntry(p, Ids.wire(c.get().pinnedKey()), false));
        e.session().dial();
        return true;
    }

    /** Ends the session with {@code peer} (e.g. contact removed). */
    public void disconnect(PeerId peer) {
        Entry e = sessions.remove(peer);
        if (e != null) e.session().close();
    }

    // ------------------------------------------------------------------ signaling events

    @Override
    public void onOnline(Welcome welcome) {
        redialDelay.clear();
        useServerIceServers(welcome.iceServers(), welcome.iceServersTtlSeconds());
        events.publish(new ParleyEvent.ServerStateChanged(ServerStatus.online(welcome.resumed())));
        signaling.watch(watched());
        dialPendingWork();
    }

    @Override
    public void onIceServers(IceServers servers) {
        useServerIceServers(servers.iceServers(), servers.ttlSeconds());
    }

    /** New sessions use the server's ICE servers too; TURN credentials are refreshed before they expire. */
    private void useServerIceServers(List<IceServer> servers, long ttlSeconds) {
        rtc.setServerIceServers(servers.stream()
                .map(s -> new RtcConfig.IceServer(s.urls(), s.username(), s.credential())).toList());
        iceRefresh.cancel();
        if (ttlSeconds > 0 && !closed) {
            long refreshMs = Math.max(10_000, ttlSeconds * 800); // at 80 % of the lifetime
            iceRefresh = scheduler.schedule(Duration.ofMillis(refreshMs), timerThread, () -> {
                SignalingClient s = signaling;
                if (s != null && !closed) s.requestIceServers();
            });
        }
    }

    @Override
    public void onOffline(String reason, long retryInMs) {
        online.clear();
        events.publish(new ParleyEvent.ServerStateChanged(ServerStatus.offline(reason,
                retryInMs < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryInMs)))));
    }

    @Override
    public void onPresence(Presence presence) {
        for (Presence.Entry p : presence.peers()) {
            boolean changed = p.online() ? online.add(p.peer()) : online.remove(p.peer());
            if (changed) events.publish(new ParleyEvent.Presence(Ids.app(p.peer()), p.online()));
            if (p.online() && !sessions.containsKey(p.peer())) connect(p.peer());
        }
    }

    @Override
    public void onError(ErrorMessage error) {
        if (error.code() == ErrorCode.PEER_OFFLINE || error.code() == ErrorCode.RELAY_FAILED) {
            // relay_failed (clustered servers: not handed to the peer's node): like offline, the
            // attempt ends now and the pending-work sweep dials again.
            log.debug("relay not delivered: {}", error.message());
            // Our offer did not reach the peer: end that attempt now instead of at the connect timeout;
            // presence or the pending-work sweep dials again when the peer is back.
            String ref = error.ref();
            if (ref != null && ref.startsWith("offer.")) {
                for (Entry e : sessions.values()) {
                    if (!e.isUp() && ref.startsWith("offer." + e.sessionIdText + ".")) {
                        sessions.remove(e.peer(), e);
                        e.session().close();
                    }
                }
            }
        } else {
            log.info("signaling server error {}: {}", error.code().wire(), error.message());
        }
    }

    @Override
    public void onRelayed(Relayed m) {
        if (closed) return;
        PeerId from = m.from();
        if (m instanceof Offer o) {
            onRemoteDescription(from, Kind.OFFER, o.sdp(), o.proof());
        } else if (m instanceof Answer a) {
            onRemoteDescription(from, Kind.ANSWER, a.sdp(), a.proof());
        } else if (m instanceof Candidate c) {
            Entry e = sessions.get(from);
            if (e == null || c.candidate() == null || c.candidate().isEmpty()) return;
            if (c.sessionId() != null && e.remoteSessionId != null && !c.sessionId().equals(e.remoteSessionId)) {
                return; // belongs to an older session of that peer
            }
            e.session().onRemoteCandidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex());
        }
    }

    /** Verifies before anything is applied (docs/protocol.md § Signed session descriptions). */
    private void onRemoteDescription(PeerId from, Kind kind, String sdp, SdpProof proof) {
        Optional<Contact> contact = contacts.get(from);
        IdentityKey rosterKey = contact.isEmpty() ? nonContactKeys().get(from) : null;
        if (contact.isEmpty() && rosterKey == null) {
            log.info("refusing a session from {}: not a contact", from.shortForm());
            events.publish(new ParleyEvent.StrangerRefused(Ids.app(from)));
            return;
        }
        Entry existing = sessions.get(from);
        if (kind == Kind.ANSWER && existing == null) return; // answer to a session we no longer have
        byte[] fpInSdp = sha256Fingerprint(sdp);
        byte[] myFp = null;
        if (kind == Kind.ANSWER) {
            myFp = existing.session().localFingerprint().map(SdpFingerprints.Fingerprint::value).orElse(null);
            if (myFp == null) return;
        }
        IdentityKey key;
        try {
            key = proofs.verify(from, kind, sdp, proof, fpInSdp, myFp);
        } catch (ProofRejected e) {
            refuse(from, e.getMessage());
            return;
        }
        if (rosterKey != null) {
            // Not a contact: the key must be the one the group roster names (trust on the admin's word).
            if (!rosterKey.equals(key)) {
                refuse(from, "the group member's key is not the one in the group's roster");
                return;
            }
        } else {
            KeyCheck check;
            try {
                check = contacts.observeKey(from, key);
            } catch (RuntimeException e) {
                refuse(from, "could not check the contact's key: " + e.getMessage());
                return;
            }
            if (!check.allowed()) {
                refuse(from, "the contact's identity key changed; accept the new key before talking to them");
                return;
            }
        }
        Entry e = existing;
        if (kind == Kind.OFFER && e != null && e.remoteSessionId != null && !e.remoteSessionId.equals(proof.sessionId())) {
            // The peer started a new peer connection (it restarted): replace ours rather than renegotiate.
            log.info("{} started a new session; replacing ours", from.shortForm());
            sessions.remove(from, e);
            e.session().close();
            e = null;
        }
        if (e == null) {
            Entry created = newEntry(from, key, rosterKey != null);
            Entry raced = sessions.putIfAbsent(from, created);
            if (raced != null) {
                created.session().close();
                e = raced;
            } else {
                e = created;
            }
        }
        if (e.remoteFingerprint != null && !java.util.Arrays.equals(e.remoteFingerprint, fpInSdp)) {
            refuse(from, "the peer's DTLS certificate changed in the middle of a session");
            return;
        }
        e.remoteSessionId = proof.sessionId();
        e.remoteFingerprint = fpInSdp;
        e.session().onRemoteDescription(kind == Kind.OFFER ? DescriptionType.OFFER : DescriptionType.ANSWER, sdp, Verified.TOKEN);
    }

    private void refuse(PeerId from, String reason) {
        log.warn("security: refused a session description from {}: {}", from.shortForm(), reason);
        events.publish(new ParleyEvent.SecurityWarning(Ids.app(from), reason));
    }

    /** The single sha-256 fingerprint of an SDP, or null when it has none, several, or another algorithm. */
    static byte[] sha256Fingerprint(String sdp) {
        try {
            return SdpFingerprints.single(sdp)
                    .filter(f -> f.algorithm().equals("sha-256"))
                    .map(SdpFingerprints.Fingerprint::value)
                    .orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Marks a description that passed {@link #onRemoteDescription}'s checks; sessions refuse anything else. */
    enum Verified { TOKEN }

    // ------------------------------------------------------------------ sessions

    private Entry newEntry(PeerId peer, IdentityKey peerKey, boolean member) {
        Entry e = new Entry(peer, peerKey, member);
        e.bind(rtc.newSession(me.value(), peer.value(), e, d -> {
            if (d.proofContext() != Verified.TOKEN) throw new DescriptionRejectedException("description was not verified");
        }, e));
        return e;
    }

    private void dialPendingWork() {
        if (closed) return;
        SignalingClient s = signaling;
        if (s == null || s.state() != dev.parley.client.internal.signaling.SignalingState.ONLINE) return;
        try {
            for (PeerId p : peersWithPendingWork()) {
                if (!sessions.containsKey(p)) connect(p);
            }
        } catch (RuntimeException e) {
            log.warn("could not look for pending work", e);
        }
    }

    /** Every feature's peers with work waiting for a session, each feature shielded from the others' failures. */
    private Set<PeerId> peersWithPendingWork() {
        Set<PeerId> peers = new HashSet<>();
        for (PeerFeature f : featureList) {
            try {
                peers.addAll(f.peersWithPendingWork());
            } catch (RuntimeException e) {
                log.warn("feature {} could not list its pending work", f.getClass().getSimpleName(), e);
            }
        }
        return peers;
    }

    private void scheduleRedial(PeerId peer) {
        if (closed) return;
        boolean wanted = online.contains(peer) || !linkWaiters.getOrDefault(peer, List.of()).isEmpty()
                || peersWithPendingWork().contains(peer);
        if (!wanted) return;
        long delay = redialDelay.computeIfAbsent(peer,
                p -> new Backoff(Duration.ofSeconds(1), Duration.ofMillis(MAX_REDIAL_MS))).nextDelayMs();
        scheduler.schedule(Duration.ofMillis(delay), timerThread, () -> {
            if (!closed && !sessions.containsKey(peer)) connect(peer);
        });
    }

    private void fanOut(Consumer<PeerFeature> call) {
        for (PeerFeature f : featureList) {
            try {
                call.accept(f);
            } catch (RuntimeException e) {
                log.warn("feature {} failed", f.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        SignalingClient s = signaling;
        if (s != null) s.close();
        pendingSweep.cancel();
        iceRefresh.cancel();
        timerThread.shutdownNow();
        for (Entry e : sessions.values()) e.session().close();
        sessions.clear();
    }

    /** One contact's session: its link (see {@link SessionLink}), its signing state, and redialing. */
    private final class Entry extends SessionLink implements SignalingChannel {
        final IdentityKey peerKey;
        final byte[] sessionId = new byte[16];
        final String sessionIdText;
        long localSeq; // session thread only
        volatile String remoteSessionId;
        volatile byte[] remoteFingerprint;

        Entry(PeerId peer, IdentityKey peerKey, boolean member) {
            super(peer, member ? memberFeatures : features);
            this.peerKey = peerKey;
            random.nextBytes(sessionId);
            sessionIdText = Base64Url.encode(sessionId);
        }

        // SignalingChannel: runs on the session thread.
        @Override
        public void sendDescription(DescriptionType type, String sdp) {
            SignalingClient s = signaling;
            byte[] fpSelf = sha256Fingerprint(sdp);
            if (fpSelf == null) {
                log.error("our own SDP has no single sha-256 fingerprint; not sending it");
                return;
            }
            Kind kind = type == DescriptionType.OFFER ? Kind.OFFER : Kind.ANSWER;
            byte[] fpPeer = kind == Kind.ANSWER ? remoteFingerprint : null;
            if (kind == Kind.ANSWER && fpPeer == null) {
                log.error("answering without a verified offer fingerprint; not sending");
                return;
            }
            SdpProof proof = proofs.sign(kind, sessionId, ++localSeq, peerKey, sdp, fpSelf, fpPeer);
            Relayed m = kind == Kind.OFFER ? new Offer(peer(), null, "offer." + sessionIdText + "." + localSeq, sdp, proof)
                    : new Answer(peer(), null, null, sdp, proof);
            if (s == null || !s.send(m)) log.debug("signaling offline: {} to {} not sent", kind.wire(), peer().shortForm());
        }

        @Override
        public void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
            SignalingClient s = signaling;
            if (s != null) s.send(new Candidate(peer(), null, null, sessionIdText, candidate, sdpMid, sdpMLineIndex));
        }

        // PeerSessionListener additions: run on the session thread.
        @Override
        public void onStateChange(PeerSession session, SessionState state) {
            super.onStateChange(session, state);
            SessionStatus status = switch (state) {
                case CONNECTING -> SessionStatus.CONNECTING;
                case CONNECTED -> SessionStatus.CONNECTED;
                case DISCONNECTED, FAILED -> SessionStatus.RECONNECTING;
                case CLOSED -> SessionStatus.CLOSED;
            };
            if (state == SessionState.CONNECTED) redialDelay.remove(peer());
            events.publish(new ParleyEvent.SessionStateChanged(Ids.app(peer()), status, ""));
        }

        @Override
        public void onSecurityError(PeerSession session, String reason) {
            events.publish(new ParleyEvent.SecurityWarning(Ids.app(peer()), reason));
        }

        @Override
        public void onClosed(PeerSession session, CloseReason reason) {
            super.onClosed(session, reason);
            boolean wasCurrent = sessions.remove(peer(), this);
            events.publish(new ParleyEvent.SessionStateChanged(Ids.app(peer()), SessionStatus.CLOSED, reason.kind() + ": " + reason.detail()));
            if (wasCurrent && reason.kind() != CloseReason.Kind.LOCAL && reason.kind() != CloseReason.Kind.RUNTIME_CLOSED) {
                scheduleRedial(peer());
            }
        }
    }

    /** Every feature (or, for a non-contact's session, those that serve non-contacts), each shielded from the others' failures. */
    private final class Features implements PeerFeature {
        private final boolean nonContacts;

        Features(boolean nonContacts) {
            this.nonContacts = nonContacts;
        }

        private void fanOut(Consumer<PeerFeature> call) {
            SessionManager.this.fanOut(f -> {
                if (!nonContacts || f.servesNonContacts()) call.accept(f);
            });
        }

        @Override
        public void onLinkUp(PeerLink link) {
            fanOut(f -> f.onLinkUp(link));
            announced.put(link.peer(), link);
            completeWaiters(link.peer(), link);
        }

        @Override
        public void onLinkDown(PeerId peer) {
            announced.remove(peer);
            fanOut(f -> f.onLinkDown(peer));
        }

        @Override
        public void onLinkInterrupted(PeerId peer, boolean interrupted) {
            fanOut(f -> f.onLinkInterrupted(peer, interrupted));
        }

        @Override
        public void onControl(PeerId peer, PeerMessage message) {
            fanOut(f -> f.onControl(peer, message));
        }

        @Override
        public void onChannelOpen(PeerId peer, String label) {
            fanOut(f -> f.onChannelOpen(peer, label));
        }

        @Override
        public void onChannelClosed(PeerId peer, String label) {
            fanOut(f -> f.onChannelClosed(peer, label));
        }

        @Override
        public void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {
            fanOut(f -> f.onChannelMessage(peer, label, data, binary));
        }
    }
}
