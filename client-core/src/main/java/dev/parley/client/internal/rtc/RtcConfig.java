package dev.parley.client.internal.rtc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings shared by every {@link PeerSession} of one {@link RtcRuntime}: ICE servers, ICE transport
 * policy, an optional UDP port range, and the resilience budget. Immutable.
 *
 * <p>The defaults use <b>no</b> ICE servers (host candidates only): Parley never contacts a public
 * STUN/TURN server unless one is configured explicitly.
 *
 * @param iceServers         STUN/TURN servers (RTCConfiguration.iceServers, W3C webrtc-pc §4.2.1)
 * @param iceTransportPolicy ALL or RELAY (W3C webrtc-pc §4.2.5)
 * @param portRange          UDP port range for host candidates, or {@code null} for any port
 * @param disconnectedGrace  how long ICE may stay "disconnected" before we restart it
 * @param iceRestartTimeout  how long one ICE restart may take to reconnect before the next attempt
 * @param maxIceRestarts     restarts tried before the session gives up and closes
 * @param connectTimeout     how long a fresh session may take to reach "connected"
 */
public record RtcConfig(
        List<IceServer> iceServers,
        IceTransportPolicy iceTransportPolicy,
        PortRange portRange,
        Duration disconnectedGrace,
        Duration iceRestartTimeout,
        int maxIceRestarts,
        Duration connectTimeout) {

    public RtcConfig {
        iceServers = List.copyOf(Objects.requireNonNull(iceServers, "iceServers"));
        Objects.requireNonNull(iceTransportPolicy, "iceTransportPolicy");
        requirePositive(disconnectedGrace, "disconnectedGrace");
        requirePositive(iceRestartTimeout, "iceRestartTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        if (maxIceRestarts < 0) {
            throw new IllegalArgumentException("maxIceRestarts must be >= 0, was " + maxIceRestarts);
        }
    }

    /** This configuration with {@code more} ICE servers after the configured ones. */
    public RtcConfig withMoreIceServers(List<IceServer> more) {
        List<IceServer> all = new java.util.ArrayList<>(iceServers);
        all.addAll(more);
        return new RtcConfig(all, iceTransportPolicy, portRange, disconnectedGrace, iceRestartTimeout, maxIceRestarts, connectTimeout);
    }

    /** Host candidates only, no servers, default timings. */
    public static RtcConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** One STUN or TURN server (W3C webrtc-pc §4.2.4 RTCIceServer). Credentials may be null for STUN. */
    public record IceServer(List<String> urls, String username, String password) {
        public IceServer {
            urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("an ICE server needs at least one url");
            }
        }

        @Override
        public String toString() { // never log the credential
            return "IceServer" + urls + (username == null ? "" : " user=" + username);
        }
    }

    /** W3C webrtc-pc §4.2.5 RTCIceTransportPolicy. */
    public enum IceTransportPolicy { ALL, RELAY }

    /** Inclusive UDP port range for locally gathered candidates. */
    public record PortRange(int min, int max) {
        public PortRange {
            if (min < 1 || max > 65535 || min > max) {
                throw new IllegalArgumentException("bad port range " + min + ".." + max);
            }
        }
    }

    /** Builder with safe defaults (no servers, policy ALL, 3 s grace, 3 restarts). */
    public static final class Builder {
        private final List<IceServer> iceServers = new ArrayList<>();
        private IceTransportPolicy iceTransportPolicy = IceTransportPolicy.ALL;
        private PortRange portRange;
        private Duration disconnectedGrace = Duration.ofSeconds(3);
        private Duration iceRestartTimeout = Duration.ofSeconds(10);
        private int maxIceRestarts = 3;
        private Duration connectTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder iceServer(IceServer server) {
            iceServers.add(Objects.requireNonNull(server));
            return this;
        }

        public Builder iceTransportPolicy(IceTransportPolicy policy) {
            this.iceTransportPolicy = policy;
            return this;
        }

        public Builder portRange(int min, int max) {
            this.portRange = new PortRange(min, max);
            return this;
        }

        public Builder disconnectedGrace(Duration d) {
            this.disconnectedGrace = d;
            return this;
        }

        public Builder iceRestartTimeout(Duration d) {
            this.iceRestartTimeout = d;
            return this;
        }

        public Builder maxIceRestarts(int n) {
            this.maxIceRestarts = n;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public RtcConfig build() {
            return new RtcConfig(iceServers, iceTransportPolicy, portRange, disconnectedGrace,
                    iceRestartTimeout, maxIceRestarts, connectTimeout);
        }
    }
}
