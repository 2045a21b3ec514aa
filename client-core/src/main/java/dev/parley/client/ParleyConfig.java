package dev.parley.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ParleyClient} runs: its profile directory (identity, database, downloads), the
 * signaling server, and ICE settings. No public STUN/TURN server is ever used unless configured here
 * or handed out by the signaling server.
 */
public record ParleyConfig(Path profileDir, URI server, List<IceServer> iceServers, boolean relayOnly,
                           Duration connectTimeout, Path downloadDir, boolean audioDevices, String microphone,
                           String speaker, Clock clock, boolean manualAck, List<URI> moreServers) {
    public ParleyConfig {
        moreServers = moreServers == null ? List.of() : List.copyOf(moreServers);
        for (URI u : moreServers) {
            if (!("ws".equals(u.getScheme()) || "wss".equals(u.getScheme()))) {
                throw new IllegalArgumentException("server must be a ws:// or wss:// URL, was " + u);
            }
        }
        Objects.requireNonNull(profileDir, "profileDir");
        iceServers = List.copyOf(iceServers);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(clock, "clock");
        if (downloadDir == null) downloadDir = profileDir.resolve("downloads");
        if (server != null && !("ws".equals(server.getScheme()) || "wss".equals(server.getScheme()))) {
            throw new IllegalArgumentException("server must be a ws:// or wss:// URL, was " + server);
        }
    }

    /** {@link #server} then the other nodes of its cluster, in the order tried (empty without a server). */
    public List<URI> servers() {
        if (server == null) return List.of();
        List<URI> all = new ArrayList<>(1 + moreServers.size());
        all.add(server);
        all.addAll(moreServers);
        return List.copyOf(all);
    }

    /** A STUN or TURN server. */
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }

    public static Builder builder(Path profileDir) {
        return new Builder(profileDir);
    }

    public static final class Builder {
        private final Path profileDir;
        private URI server;
        private List<URI> moreServers = List.of();
        private boolean manualAck;
        private final List<IceServer> iceServers = new ArrayList<>();
        private boolean relayOnly;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private Path downloadDir;
        private boolean audioDevices;
        private String microphone;
        private String speaker;

        private Builder(Path profileDir) {
            this.profileDir = profileDir;
        }

        /** The signaling server, e.g. {@code ws://localhost:8080}; null to stay offline. */
        public Builder server(URI server) {
            this.server = server;
            this.moreServers = List.of();
            return this;
        }

        /**
         * Several URLs of one signaling service (the nodes of a cluster): the first is tried first, and
         * after a lost connection the next; empty to stay offline.
         */
        public Builder servers(List<URI> servers) {
            this.server = servers.isEmpty() ? null : servers.get(0);
            this.moreServers = servers.isEmpty() ? List.of() : List.copyOf(servers.subList(1, servers.size()));
            return this;
        }

        public Builder iceServer(IceServer server) {
            iceServers.add(server);
            return this;
        }

        /** Use only TURN relays (hides our addresses from peers; needs a TURN server). */
        public Builder relayOnly(boolean relayOnly) {
            this.relayOnly = relayOnly;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Where received files are saved (a folder Parley owns); default {@code <profile>/downloads}. */
        public Builder downloadDir(Path dir) {
            this.downloadDir = dir;
            return this;
        }

        /**
         * Use the real microphone and speaker (PulseAudio/ALSA) for calls. Parley checks for an audio
         * server first and falls back to headless audio with a notice ({@link ParleyClient#audioNotice()})
         * when there is none. {@code microphone}/{@code speaker} pick devices by name; null for the default.
         */
        public Builder audioDevices(String microphone, String speaker) {
            this.audioDevices = true;
            this.microphone = microphone;
            this.speaker = speaker;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Stored events are acknowledged only by {@link ParleyClient#ack(long)}, not by returning from
         * the listener: for an app that commits its own state first (docs/api-events.md).
         */
        public Builder manualAck(boolean manualAck) {
            this.manualAck = manualAck;
            return this;
        }

        public ParleyConfig build() {
            return new ParleyConfig(profileDir, server, iceServers, relayOnly, connectTimeout, downloadDir, audioDevices, microphone,
                    speaker, clock, manualAck, moreServers);
        }
    }
}
