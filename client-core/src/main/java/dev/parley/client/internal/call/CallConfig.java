package dev.parley.client.internal.call;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the call engine.
 *
 * @param ringTimeout   the caller gives up (NO_ANSWER) after this
 * @param ringGrace     the callee stops ringing on its own this long after {@code ringTimeout}, in case the caller's cancel is lost
 * @param statsInterval how often statistics are read while answered
 * @param mediaTimeout  answered, but no audio packet from the peer for this long: hang up (CONNECTION_LOST)
 * @param audioStart    how long starting audio (renegotiation) may take
 */
public record CallConfig(Duration ringTimeout, Duration ringGrace, Duration statsInterval, Duration mediaTimeout,
                         Duration audioStart) {
    public CallConfig {
        for (Duration d : new Duration[] {ringTimeout, ringGrace, statsInterval, mediaTimeout, audioStart}) {
            Objects.requireNonNull(d);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("call timings must be positive: " + d);
            }
        }
    }

    /** 45 s ring, 5 s grace, stats every second, 10 s without audio ends the call, 15 s to start audio. */
    public static CallConfig defaults() {
        return new CallConfig(Duration.ofSeconds(45), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(15));
    }

    public CallConfig withRingTimeout(Duration d) {
        return new CallConfig(d, ringGrace, statsInterval, mediaTimeout, audioStart);
    }

    public CallConfig withMediaTimeout(Duration d) {
        return new CallConfig(ringTimeout, ringGrace, statsInterval, d, audioStart);
    }

    public CallConfig withStatsInterval(Duration d) {
        return new CallConfig(ringTimeout, ringGrace, d, mediaTimeout, audioStart);
    }
}
