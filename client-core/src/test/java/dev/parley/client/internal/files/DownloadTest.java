package dev.parley.client.internal.files;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The download loop's bookkeeping, with sources that record what they were asked (the engines' tests run it over real peers). */
class DownloadTest {
    static final long MS = 1_000_000L;

    static final class Recorded implements Download.Source {
        final int pipeline;
        final List<Download.Range> asked = new ArrayList<>();

        Recorded(int pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public int room() {
            return pipeline - asked.size();
        }

        @Override
        public void ask(Download.Range range) {
            asked.add(range);
        }
    }

    @Test
    void oneStreamIsAskedOnceForTheRestFromWhatIsHeld() {
        Download<String> d = new Download<>(1000, 0, Duration.ofMillis(250), Duration.ofSeconds(1), 0);
        d.resumeAt(400, 0);
        Recorded sender = new Recorded(1);
        d.schedule(sender, d.rest());
        d.schedule(sender, d.rest()); // no room left: not asked twice
        assertThat(sender.asked).containsExactly(new Download.Range(400, 1000));
        d.delivered("bob", 600, 10 * MS);
        assertThat(d.whole()).isTrue();
        assertThat(d.sources()).isEqualTo(Map.of("bob", 600L));
        Recorded again = new Recorded(1);
        d.schedule(again, d.rest());
        assertThat(again.asked).as("nothing is left to ask for").isEmpty();
    }

    @Test
    void piecesFillEachSourcesRoomAndDeliveriesAreCountedPerSource() {
        Download<String> d = new Download<>(400, 0, Duration.ofMillis(250), Duration.ofSeconds(1), 0);
        int[] next = {0};
        Download.Picker<Recorded> pieces = s -> next[0] < 4 ? new Download.Range(next[0] * 100L, ++next[0] * 100L) : null;
        Recorded a = new Recorded(3), b = new Recorded(3);
        d.schedule(a, pieces);
        d.schedule(b, pieces);
        assertThat(a.asked).hasSize(3);
        assertThat(b.asked).containsExactly(new Download.Range(300, 400)); // the picker had only one piece left for it
        d.delivered("a", 300, 100 * MS);
        d.delivered("b", 100, 2_500 * MS);
        assertThat(d.sources()).isEqualTo(Map.of("a", 300L, "b", 100L));
        assertThat(d.progress(2_500 * MS)).isEqualTo(d.progress(2_500 * MS)); // pure once told
        assertThat(d.progress(2_500 * MS).serving()).as("a delivered more than 2 s ago").isEqualTo(1);
        assertThatThrownBy(() -> d.delivered("a", 1, 2_600 * MS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void progressAndCheckpointsComeAtTheirIntervalsAndTheRateRestartsOnResume() {
        Download<String> d = new Download<>(10_000, 0, Duration.ofMillis(250), Duration.ofSeconds(1), 0);
        assertThat(d.progressDue(0)).as("the first at once").isTrue();
        d.progress(0);
        d.delivered("bob", 1000, 100 * MS);
        assertThat(d.progressDue(100 * MS)).isFalse();
        assertThat(d.progressDue(250 * MS)).isTrue();
        d.delivered("bob", 1000, 1_100 * MS);
        Download.Progress p = d.progress(1_100 * MS);
        assertThat(p.bytes()).isEqualTo(2000);
        assertThat(p.bytesPerSecond()).isPositive();
        assertThat(p.eta()).isNotNull();
        assertThat(d.checkpointDue(900 * MS)).isFalse();
        assertThat(d.checkpointDue(1_000 * MS)).isTrue();
        d.checkpointed(1_000 * MS);
        assertThat(d.checkpointDue(1_500 * MS)).isFalse();

        d.resumeAt(5000, 2_000 * MS); // a restart's part file: bytes nobody delivered in this run
        assertThat(d.progress(2_000 * MS)).satisfies(q -> {
            assertThat(q.bytes()).isEqualTo(5000);
            assertThat(q.bytesPerSecond()).isZero();
            assertThat(q.eta()).isNull();
        });
        assertThat(d.sources()).isEqualTo(Map.of("bob", 2000L));
        assertThatThrownBy(() -> d.resumeAt(10_001, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Download.Range(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
