package dev.parley.client.internal.wiring;

import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.audio.AudioDevices;
import dev.parley.client.internal.call.CallConfig;
import dev.parley.client.internal.call.CallService;
import dev.parley.client.internal.chat.ChatEngine;
import dev.parley.client.internal.event.EventStream;
import dev.parley.client.internal.group.GroupEngine;
import dev.parley.client.internal.group.GroupSignals;
import dev.parley.client.internal.groupcall.GroupCallEngine;
import dev.parley.client.internal.groupcall.GroupCallHistory;
import dev.parley.client.internal.groupcall.GroupCalls;
import dev.parley.client.internal.identity.IdentityStore;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.security.SessionProofs;
import dev.parley.client.internal.session.SessionManager;
import dev.parley.client.internal.store.ProfileLock;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.swarm.GroupFiles;
import dev.parley.client.internal.swarm.SwarmEngine;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.client.internal.transfer.TransferConfig;
import dev.parley.client.internal.transfer.TransferEngine;
import dev.parley.client.internal.transfer.TransferEvents;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.Contact;
import dev.parley.protocol.crypto.IdentityKeyPair;
import lombok.Getter;
import lombok.experimental.Accessors;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.util.Optional;

/**
 * Everything one open profile runs, built in dependency order by {@link #open} and stopped in the
 * reverse by {@link #close}: the profile lock, identity, database, WebRTC runtime, the session manager
 * and the features plugged into it (chat, files, calls, groups, group signals, group calls, swarm
 * files). {@code ParleyClient} is the public face; this is its wiring.
 */
@Slf4j
@Getter
@Accessors(fluent = true)
public final class Engines implements AutoCloseable {
    @Getter(lombok.AccessLevel.NONE)
    private final ProfileLock lock;
    private final IdentityKeyPair identity;
    private final ProfileStore store;
    @Getter(lombok.AccessLevel.NONE)
    private final RtcRuntime rtc;
    private final EventStream events;
    private final SessionManager sessions;
    private final ChatEngine chat;
    private final TransferEngine transfers;
    private final CallService calls;
    private final GroupEngine groups;
    private final GroupSignals groupSignals;
    private final GroupCallEngine groupCallEngine;
    private final GroupCalls groupCalls;
    @Getter(lombok.AccessLevel.NONE)
    private final SwarmEngine swarm;
    private final GroupFiles files;
    /** Why devices were not even tried (no audio server), when they were asked for. */
    @Getter(lombok.AccessLevel.NONE)
    private final String detectionNotice;

    private Engines(ParleyConfig config, ParleyListener listener, ProfileLock lock, IdentityKeyPair identity,
                    ProfileStore store, RtcRuntime rtc, String detectionNotice) throws IOException {
        this.lock = lock;
        this.identity = identity;
        this.store = store;
        this.rtc = rtc;
        this.detectionNotice = detectionNotice;
        Scheduler scheduler = Scheduler.system();
        this.events = new EventStream(listener, store, config.manualAck(), scheduler);
        this.sessions = new SessionManager(identity.publicKey().peerId(), rtc, new SessionProofs(identity, config.clock()),
                store.contacts(), events, scheduler);
        this.chat = new ChatEngine(store.messages(), sessions::connect, events, config.clock(), scheduler);
        this.transfers = new TransferEngine(store.transfers(), TransferConfig.defaults(config.downloadDir()), new TransferEvents(events));
        this.calls = new CallService(sessions::awaitLink, store.calls(), events, CallConfig.defaults(), config.clock(), scheduler);
        sessions.addFeature(chat);
        sessions.addFeature(transfers);
        sessions.addFeature(calls.feature());
        this.groups = new GroupEngine(identity, store.groups(), p -> store.contacts().get(p).flatMap(Contact::key).map(k -> Ids.wire(k)),
                config.clock(), scheduler, sessions::contactsChanged);
        sessions.addFeature(groups);
        this.groupSignals = new GroupSignals(identity.publicKey().peerId(), store.groupReceipts(),
                groups::joinedMembers, events, config.clock(), scheduler);
        sessions.addFeature(groupSignals);
        GroupCallHistory callLog = new GroupCallHistory(Ids.app(identity.publicKey().peerId()), store.groupCalls(), events, config.clock());
        this.groupCallEngine = new GroupCallEngine(identity.publicKey().peerId(), groups::joinedMembers, calls::inCall, callLog,
                config.clock(), GroupCallInfo.MAX_PARTICIPANTS);
        calls.setOtherCall(groupCallEngine::inCall);
        this.groupCalls = new GroupCalls(groupCallEngine, callLog, store.groupCalls());
        sessions.addFeature(groupCallEngine);
        this.swarm = new SwarmEngine(identity.publicKey().peerId(), store.groupFiles(), config.profileDir().resolve("swarm"), config.downloadDir(),
                groups::joinedMembers, (g, body) -> Ids.wire(groups.send(g, body).id()), scheduler);
        groups.setPostListener(swarm::posts);
        sessions.addFeature(swarm);
        this.files = new GroupFiles(swarm, g -> groups.group(Ids.wire(g)).isPresent());
        transfers.start();
        events.start(); // stored events the app has not acknowledged yet come first
    }

    /**
     * Opens (creating on first use) the profile: identity key (0600), database, WebRTC, then every engine.
     * What was opened before a failure is closed again.
     *
     * @throws dev.parley.client.ProfileInUseException if another process (or another open client) has the profile
     * @throws IOException if the profile cannot be read or created; the message says what to do
     */
    public static Engines open(ParleyConfig config, ParleyListener listener) throws IOException {
        IdentityKeyPair identity = IdentityStore.loadOrCreate(config.profileDir());
        ProfileLock lock = ProfileLock.acquire(config.profileDir());
        ProfileStore store = null;
        RtcRuntime rtc = null;
        try {
            store = ProfileStore.open(config.profileDir(), identity.publicKey(), config.clock());
            AudioDevices.Detection detection = null;
            if (config.audioDevices()) detection = AudioDevices.detect();
            rtc = detection != null
                    ? RtcRuntime.create(rtcConfig(config), AudioDevices.setup(detection, config.microphone(), config.speaker()))
                    : RtcRuntime.create(rtcConfig(config));
            return new Engines(config, listener, lock, identity, store, rtc,
                    detection != null && !detection.usable() ? detection.message() : null);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(rtc, e);
            closeQuietly(store, e);
            closeQuietly(lock, e);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable cause) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** The WebRTC settings a profile's configuration asks for: ICE servers, relay-only, connect timeout. */
    public static RtcConfig rtcConfig(ParleyConfig config) {
        RtcConfig.Builder b = RtcConfig.builder().connectTimeout(config.connectTimeout());
        for (ParleyConfig.IceServer s : config.iceServers()) {
            b.iceServer(new RtcConfig.IceServer(s.urls(), s.username(), s.credential()));
        }
        if (config.relayOnly()) b.iceTransportPolicy(RtcConfig.IceTransportPolicy.RELAY);
        return b.build();
    }

    /** Why real audio devices are not in use, when they were asked for and could not be (e.g. no audio server). */
    public Optional<String> audioNotice() {
        return rtc.audioNotice().or(() -> Optional.ofNullable(detectionNotice));
    }

    /** Stops everything in dependency order; the app's listener hears {@code onClosed()} last but for the lock. */
    @Override
    public void close() {
        groupCallEngine.close(); // first: the other participants hear that we left
        groupCalls.close(); // the calls we were in go into the history
        sessions.close(); // logs out and ends every session's timers
        rtc.close(); // closes and awaits every peer session before disposing the factory
        calls.close();
        chat.close();
        groupSignals.close();
        swarm.close();
        groups.close();
        transfers.close();
        events.close(); // the app's cursor is written, then onClosed() last
        store.close();
        try {
            lock.close(); // last: the next owner finds everything written
        } catch (IOException e) {
            log.warn("cannot release the profile lock: {}", e.toString());
        }
    }
}
