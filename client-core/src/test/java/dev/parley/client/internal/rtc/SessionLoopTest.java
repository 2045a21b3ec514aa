package dev.parley.client.internal.rtc;

import dev.parley.client.internal.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The session thread's timers, on a {@link ManualScheduler}: no WebRTC, no waiting for time. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionLoopTest {

    private final ManualScheduler time = new ManualScheduler();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final List<String> fired = new CopyOnWriteArrayList<>();
    private final SessionLoop loop = new SessionLoop("bob", time, new PeerSessionListener() { });
    private SessionLoop.Timer timer;

    SessionLoopTest() {
        loop.bind(null, closes::add);
    }

    @AfterEach
    void tearDown() {
        loop.shutdown();
    }

    /** Runs on the loop and waits, so everything posted before has run. */
    private void onLoop(Runnable r) throws Exception {
        loop.call(() -> {
            r.run();
            return null;
        });
    }

    @Test
    void aTimerFiresOnTheLoopOnceItIsDue() throws Exception {
        onLoop(() -> {
            timer = loop.timer("t");
            timer.start(Duration.ofSeconds(3), () -> fired.add(Thread.currentThread().getName()));
        });
        time.advance(Duration.ofMillis(2999));
        onLoop(() -> { });
        assertThat(fired).isEmpty();
        time.advance(Duration.ofMillis(1));
        onLoop(() -> assertThat(timer.pending()).isFalse());
        assertThat(fired).containsExactly("parley-rtc-bob");
        assertThat(closes).isEmpty();
    }

    @Test
    void cancellingAfterTheHandOffStillPreventsTheTask() throws Exception {
        onLoop(() -> {
            timer = loop.timer("t");
            timer.start(Duration.ofSeconds(1), () -> fired.add("first"));
        });
        CountDownLatch release = new CountDownLatch(1);
        loop.post("blocker", () -> {
            release.await();
            timer.cancel(); // runs before the task the scheduler has queued behind us
        });
        time.advance(Duration.ofSeconds(1)); // the due task is handed to the (busy) loop now
        assertThat(time.pendingCount()).isZero();
        release.countDown();
        onLoop(() -> { });
        assertThat(fired).isEmpty();
    }

    @Test
    void restartingAfterTheHandOffDropsTheOldTaskAndKeepsTheNewOne() throws Exception {
        onLoop(() -> {
            timer = loop.timer("t");
            timer.start(Duration.ofSeconds(1), () -> fired.add("old"));
        });
        CountDownLatch release = new CountDownLatch(1);
        loop.post("blocker", () -> {
            release.await();
            timer.start(Duration.ofSeconds(5), () -> fired.add("new"));
        });
        time.advance(Duration.ofSeconds(1));
        release.countDown();
        onLoop(() -> assertThat(timer.pending()).isTrue());
        assertThat(fired).isEmpty();
        time.advance(Duration.ofSeconds(5));
        onLoop(() -> { });
        assertThat(fired).containsExactly("new");
    }

    @Test
    void aTimerDueAfterCloseDoesNotRunAndAThrowingTaskClosesTheSession() throws Exception {
        onLoop(() -> {
            loop.timer("boom").start(Duration.ofSeconds(1), () -> {
                throw new IllegalStateException("bad timer");
            });
            loop.timer("late").start(Duration.ofSeconds(2), () -> fired.add("late"));
        });
        time.advance(Duration.ofSeconds(1));
        onLoop(() -> loop.markClosing()); // what the closer does first
        assertThat(closes).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(r.detail()).contains("boom failed").contains("bad timer");
        });
        time.advance(Duration.ofSeconds(1));
        onLoop(() -> { });
        assertThat(fired).isEmpty();
    }
}
