package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.parley.client.internal.audio.AudioSendGate;
import dev.parley.client.internal.audio.AudioSetup;
import dev.parley.client.internal.time.Scheduler;
import lombok.extern.slf4j.Slf4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owns one WebRTC {@link PeerConnectionFactory} and its audio device module, and creates the
 * {@link PeerSession}s that use it. One per application instance.
 *
 * <p>Thread-safe. {@link #close()} closes every session, waits for each, then disposes the factory and
 * the audio module, in the order webrtc-java 0.14 needs (shared notes §4). Call it from an ordinary
 * thread: never from a WebRTC callback (our listeners run on session executors, which is fine).
 */
@Slf4j
public final class RtcRuntime implements AutoCloseable {

    private static final Duration SESSION_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final RtcConfig config;
    /** Every session timer (connect timeout, disconnect grace, restart timeout) goes through this. */
    private final Scheduler scheduler;
    /**
     * A headless ADM is mandatory (a factory without one aborts on a server). One AudioSendGate per
     * ADM wraps SLD/SRD, track changes and pushes (shared notes §2).
     */
    private final AudioDeviceModuleBase audioDeviceModule;
    private final AudioSendGate audioGate;
    private final PeerConnectionFactory factory;
    private final String audioNotice;
    private final Set<PeerSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile List<RtcConfig.IceServer> serverIceServers = List.of();
    private final Object lifecycle = new Object();
    private boolean closed;

    private RtcRuntime(RtcConfig config, Scheduler scheduler, AudioDeviceModuleBase adm, boolean devices,
                       PeerConnectionFactory factory, String audioNotice) {
        this.config = config;
        this.scheduler = scheduler;
        this.audioDeviceModule = adm;
        this.audioGate = devices ? AudioSendGate.devices() : AudioSendGate.headless(adm);
        this.factory = factory;
        this.audioNotice = audioNotice;
    }

    /**
     * Load the native library and build a factory.
     *
     * @throws IllegalStateException if the native library or factory cannot be created (e.g. a
     *     missing system library such as libpulse0)
     */
    public static RtcRuntime create(RtcConfig config) {
        return create(config, AudioSetup.headless());
    }

    /**
     * Like {@link #create(RtcConfig)}, with real audio devices if {@code audio} asks for them. If the
     * default audio module fails to start (it throws on some machines; it can abort on others, so
     * detect first), this falls back to headless and says why in {@link #audioNotice()}.
     */
    public static RtcRuntime create(RtcConfig config, AudioSetup audio) {
        return create(config, audio, Scheduler.system());
    }

    /**
     * Like {@link #create(RtcConfig, AudioSetup)}, with the sessions' timers on {@code scheduler}
     * (tests pass a {@code ManualScheduler}; {@link Scheduler#system()} otherwise).
     */
    public static RtcRuntime create(RtcConfig config, AudioSetup audio, Scheduler scheduler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(scheduler, "scheduler");
        String notice = null;
        if (audio.devices()) {
            AudioDeviceModule adm = null;
            try {
                adm = new AudioDeviceModule();
                String rec = select(adm.getRecordingDevices(), audio.recordingDevice(), "microphone");
                String play = select(adm.getPlayoutDevices(), audio.playoutDevice(), "speaker");
                if (rec == null && audio.recordingDevice() != null) {
                    throw new IllegalStateException("no microphone matching '" + audio.recordingDevice()
                            + "'; have " + names(adm.getRecordingDevices()));
                }
                if (play == null && audio.playoutDevice() != null) {
                    throw new IllegalStateException("no speaker matching '" + audio.playoutDevice()
                            + "'; have " + names(adm.getPlayoutDevices()));
                }
                if (rec != null) {
                    adm.setRecordingDevice(find(adm.getRecordingDevices(), rec));
                }
                if (play != null) {
                    adm.setPlayoutDevice(find(adm.getPlayoutDevices(), play));
                }
                return new RtcRuntime(config, scheduler, adm, true, new PeerConnectionFactory(adm), null);
            } catch (Throwable t) {
                if (adm != null) {
                    try {
                        adm.dispose();
                    } catch (Throwable ignored) {
                        // falling back anyway
                    }
                }
                notice = "audio devices unavailable (" + t.getMessage() + "); using headless audio";
                log.warn(notice);
            }
        }
        AudioDeviceModuleBase adm = null;
        try {
            adm = new HeadlessAudioDeviceModule();
            return new RtcRuntime(config, scheduler, adm, false, new PeerConnectionFactory(adm), notice);
        } catch (Throwable t) {
            if (adm != null) {
                try {
                    adm.dispose();
                } catch (Throwable ignored) {
                    // nothing more to release
                }
            }
            throw new IllegalStateException("could not start WebRTC (is libpulse0 installed?): " + t, t);
        }
    }

    public RtcConfig config() {
        return config;
    }

    /** The scheduler every session's timers use. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** True if this runtime uses a real microphone and speaker; false if headless (PCM in, sinks out). */
    public boolean audioDevices() {
        return !audioGate.headless();
    }

    /** Why real devices were asked for but not used, if so. */
    public java.util.Optional<String> audioNotice() {
        return java.util.Optional.ofNullable(audioNotice);
    }

    /** Names of the microphones the audio module sees (empty when headless). */
    public List<String> recordingDevices() {
        return audioDevices() ? names(audioDeviceModule.getRecordingDevices()) : List.of();
    }

    /** Names of the speakers the audio module sees (empty when headless). */
    public List<String> playoutDevices() {
        return audioDevices() ? names(audioDeviceModule.getPlayoutDevices()) : List.of();
    }

    private static List<String> names(List<AudioDevice> devices) {
        return devices == null ? List.of() : devices.stream().map(AudioDevice::getName).toList();
    }

    private static String select(List<AudioDevice> devices, String wanted, String what) {
        if (wanted == null || devices == null) {
            return null;
        }
        for (AudioDevice d : devices) {
            if (d.getName() != null && d.getName().contains(wanted)) {
                log.info("using {} '{}'", what, d.getName());
                return d.getName();
            }
        }
        return null;
    }

    private static AudioDevice find(List<AudioDevice> devices, String name) {
        return devices.stream().filter(d -> name.equals(d.getName())).findFirst().orElseThrow();
    }

    /**
     * A new session with {@code remotePeerId}. It does nothing until {@link PeerSession#dial()} or a
     * remote offer via {@link PeerSession#onRemoteDescription}.
     *
     * @throws IllegalStateException if this runtime is closed
     */
    public PeerSession newSession(String localPeerId, String remotePeerId, SignalingChannel signaling,
                                  DescriptionVerifier verifier, PeerSessionListener listener) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("RtcRuntime is closed");
            }
            RtcConfig effective = serverIceServers.isEmpty() ? config : config.withMoreIceServers(serverIceServers);
            PeerSession s = new PeerSession(factory, audioGate, scheduler, toNative(effective), effective, localPeerId,
                    remotePeerId, signaling, verifier, listener, sessions::remove);
            sessions.add(s);
            return s;
        }
    }

    /**
     * ICE servers handed out by the signaling server (e.g. TURN with short-lived credentials), used in
     * addition to the configured ones by sessions created from now on.
     */
    public void setServerIceServers(List<RtcConfig.IceServer> servers) {
        serverIceServers = List.copyOf(servers);
    }

    /** Sessions not yet closed. */
    public int openSessionCount() {
        return sessions.size();
    }

    /** Close all sessions, then the factory, then the audio module. Idempotent; blocks up to ~10 s. */
    @Override
    public void close() {
        List<PeerSession> toClose;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(sessions);
        }
        boolean allClosed = true;
        CloseReason reason = new CloseReason(CloseReason.Kind.RUNTIME_CLOSED, "runtime closed");
        for (PeerSession s : toClose) {
            allClosed &= s.closeAndAwait(reason, SESSION_CLOSE_TIMEOUT);
        }
        if (!allClosed) {
            // Disposing a factory with a live connection crashes the JVM a moment later; leaking it
            // is the lesser evil.
            log.error("a peer session did not close in {}; leaking the WebRTC factory", SESSION_CLOSE_TIMEOUT);
            return;
        }
        try {
            audioDeviceModule.stopRecording();
            audioDeviceModule.stopPlayout();
        } catch (Throwable t) {
            log.debug("stopping the audio module", t);
        }
        try {
            factory.dispose();
        } catch (Throwable t) {
            log.warn("disposing the WebRTC factory failed", t);
        }
        try {
            audioDeviceModule.dispose();
        } catch (Throwable t) {
            log.warn("disposing the audio device module failed", t);
        }
    }

    static RTCConfiguration toNative(RtcConfig config) {
        RTCConfiguration c = new RTCConfiguration();
        List<RTCIceServer> servers = new ArrayList<>();
        for (RtcConfig.IceServer s : config.iceServers()) {
            RTCIceServer n = new RTCIceServer();
            n.urls = new ArrayList<>(s.urls());
            n.username = s.username();
            n.password = s.password();
            servers.add(n);
        }
        c.iceServers = servers;
        c.iceTransportPolicy = config.iceTransportPolicy() == RtcConfig.IceTransportPolicy.RELAY
                ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
        // One transport for everything (RFC 8843 BUNDLE, RFC 8035 rtcp-mux).
        c.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        c.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
        if (config.portRange() != null) {
            PortAllocatorConfig ports = new PortAllocatorConfig();
            ports.minPort = config.portRange().min();
            ports.maxPort = config.portRange().max();
            c.portAllocatorConfig = ports;
        }
        return c;
    }
}
