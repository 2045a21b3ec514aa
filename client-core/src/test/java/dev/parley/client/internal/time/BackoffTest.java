package dev.parley.client.internal.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    /** Always draws the lowest value: the delay is exactly half the base. */
    private static final RandomGenerator LOWEST = () -> 0L;

    /** Always draws the highest value the bound allows: the delay is one and a half times the base. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void baseDoublesUpToTheMaximumAndResetStartsOver() {
        Backoff low = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), LOWEST);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) delays.add(low.nextDelayMs());
        assertThat(delays).containsExactly(250L, 500L, 1_000L, 1_500L, 1_500L, 1_500L);

        low.reset();
        assertThat(low.nextDelayMs()).isEqualTo(250L);

        Backoff high = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), HIGHEST);
        List<Long> highs = new ArrayList<>();
        for (int i = 0; i < 5; i++) highs.add(high.nextDelayMs());
        assertThat(highs).containsExactly(750L, 1_500L, 3_000L, 4_500L, 4_500L);
    }

    @Test
    void jitterSpreadsRetriesOverHalfToOneAndAHalfTimesTheBase() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long d = Backoff.jitter(1_000, random);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isBetween(500L, 520L);
        assertThat(max).isBetween(1_480L, 1_500L);
        assertThat(Backoff.jitter(1_000)).isBetween(500L, 1_500L);
    }

    @Test
    void aMaximumBelowTheInitialDelayIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
