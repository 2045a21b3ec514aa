package dev.parley.client.internal.call;

import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.testing.EventRecorder;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Every {@link CallEvent} into the shared strict {@link EventRecorder}: tests take them in order. */
final class CallRecorder extends EventRecorder<CallEvent> implements CallListener {
    /** The first stats event that saw audio arrive, kept aside when stats are declared noise. */
    final CompletableFuture<CallStats> statsWithAudio = new CompletableFuture<>();

    CallRecorder(String name) {
        super(name);
        timeout(Duration.ofSeconds(20));
    }

    /**
     * Declares stats noise: they come on a timer, between any two events. The first one with a received
     * bitrate is still available from {@link #statsWithAudio}.
     */
    CallRecorder ignoringStats() {
        ignoring("periodic stats", e -> {
            if (e instanceof CallEvent.Stats s && s.stats().recvBitrateBps() > 0) statsWithAudio.complete(s.stats());
            return e instanceof CallEvent.Stats;
        });
        return this;
    }

    @Override
    public void onCallEvent(CallEvent event) {
        record(event);
    }

    /** The next event, which must be the end of a call. */
    CallRecord ended(Duration timeout) {
        return next(CallEvent.Ended.class, timeout).record();
    }

    /** Nothing left unconsumed, and every event (stats included) came on the engine thread. */
    @Override
    public void assertExhausted() {
        super.assertExhausted();
        assertThat(threads()).as(name() + ": listener threads").allMatch(t -> t.equals("parley-call"));
    }
}
