package dev.parley.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.parley.testing.EventRecorder.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recorder must be strict: each of these is a way a lenient recorder let a bug through. */
class EventRecorderTest {
    sealed interface Ev permits Msg, Warn, Tick { }

    record Msg(String text) implements Ev { }

    record Warn(String why) implements Ev { }

    record Tick(int n) implements Ev { }

    final EventRecorder<Ev> rec = new EventRecorder<Ev>("test").timeout(Duration.ofMillis(200));

    @Test
    void nextTakesEventsInOrderAndNeverSkips() {
        rec.record(new Warn("stray"));
        rec.record(new Msg("hi"));
        assertThatThrownBy(() -> rec.next(Msg.class)).isInstanceOf(AssertionError.class).hasMessageContaining("Warn[why=stray]");
        // The failed expectation consumed the warning; it is not put back.
        assertThat(rec.next(Msg.class).text()).isEqualTo("hi");
        rec.assertExhausted();
    }

    @Test
    void expectNextFailsOnADuplicate() {
        rec.record(new Msg("hi"));
        rec.record(new Msg("hi"));
        rec.record(new Msg("second"));
        rec.expectNext(Msg.class, "hi", m -> m.text().equals("hi"));
        assertThatThrownBy(() -> rec.assertNothingElseUntil(Msg.class, "second", m -> m.text().equals("second")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("nothing else before the sentinel");
    }

    @Test
    void aLateEventInsideTheWindowFailsTheSentinelCheck() throws Exception {
        rec.record(new Msg("hi"));
        rec.expectNext("hi", e -> e.equals(new Msg("hi")));
        rec.assertExhausted(); // at this instant nothing else has arrived...
        Thread late = new Thread(() -> {
            rec.record(new Warn("late"));
            rec.record(new Msg("sentinel"));
        });
        late.start();
        late.join();
        // ...but the window is closed by the sentinel, and the late warning is inside it.
        assertThatThrownBy(() -> rec.assertNothingElseUntil("sentinel", e -> e.equals(new Msg("sentinel"))))
                .isInstanceOf(AssertionError.class).hasMessageContaining("late");
    }

    @Test
    void waitsAreBoundedAndFail() {
        assertThatThrownBy(rec::next).isInstanceOf(AssertionError.class).hasMessageContaining("none came");
        assertThatThrownBy(() -> rec.expectNext("x", e -> true, Duration.ofMillis(10))).isInstanceOf(AssertionError.class);
    }

    @Test
    void waitsForAnEventFromAnotherThread() {
        new Thread(() -> rec.record(new Msg("async"))).start();
        assertThat(rec.next(Msg.class, Duration.ofSeconds(5)).text()).isEqualTo("async");
    }

    @Test
    void assertExhaustedFailsOnAnyUnconsumedEvent() {
        rec.record(new Tick(1));
        assertThatThrownBy(rec::assertExhausted).isInstanceOf(AssertionError.class).hasMessageContaining("Tick[n=1]");
    }

    @Test
    void declaredNoiseIsDroppedAndCounted() {
        rec.ignoring(Tick.class);
        rec.record(new Tick(1));
        rec.record(new Msg("a"));
        rec.record(new Tick(2));
        assertThat(rec.next(Msg.class).text()).isEqualTo("a");
        rec.assertExhausted();
        assertThat(rec.ignoredCount()).isEqualTo(2);
        assertThat(rec.history()).containsExactly(new Msg("a"));
    }

    @Test
    void anyOrderMatchesEachExpectationOnceAndNothingElse() {
        rec.record(new Msg("b"));
        rec.record(new Msg("a"));
        assertThat(rec.expectInAnyOrder(event("a", e -> e.equals(new Msg("a"))), event("b", e -> e.equals(new Msg("b")))))
                .containsExactly(new Msg("b"), new Msg("a"));
        rec.record(new Msg("a"));
        rec.record(new Msg("a"));
        assertThatThrownBy(() -> rec.expectInAnyOrder(event("a", e -> e.equals(new Msg("a"))), event("b", e -> e.equals(new Msg("b")))))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected one of [b]");
    }

    @Test
    void takeAllAndNextIfAnyNeverWaitAndNeverSkip() {
        assertThat(rec.nextIfAny()).isEmpty();
        rec.record(new Msg("a"));
        rec.record(new Msg("b"));
        assertThat(rec.nextIfAny()).contains(new Msg("a"));
        assertThat(rec.takeAll()).containsExactly(new Msg("b"));
        rec.assertExhausted();
    }

    @Test
    void ignoredEventsStayInspectable() {
        rec.ignoring("ticks", e -> e instanceof Tick);
        rec.record(new Tick(1));
        rec.record(new Tick(2));
        assertThat(rec.ignoredHistory(Tick.class)).containsExactly(new Tick(1), new Tick(2));
        assertThatThrownBy(rec::next).hasMessageContaining("ignoring [ticks], 2 dropped");
    }
}
