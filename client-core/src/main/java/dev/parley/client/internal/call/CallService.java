package dev.parley.client.internal.call;

import dev.parley.client.internal.Ids;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallStats;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.WavSource;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.CallStore;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls as the app sees them: dial-and-ring (wait for the contact's link, then ring it), the call's
 * audio files (a WAV or tone as the microphone, a WAV recording of the peer, closed when the call ends),
 * the call record stored when a call ends, and every {@link CallEvent} published as an app event.
 * The lifecycle itself is {@link CallEngine}'s.
 *
 * <p>Threads: public methods from any thread; call events arrive on the engine thread and are
 * stored and published there.
 */
@Slf4j
public final class CallService implements AutoCloseable {
    /** How long a call waits for the contact's session before it gives up. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

    /** The session layer's promise of a link (see {@code SessionManager#awaitLink}). */
    @FunctionalInterface
    public interface Links {
        CompletionStage<PeerLink> awaitLink(PeerId peer, Duration timeout);
    }

    private final Links links;
    private final CallStore store;
    private final EventSink events;
    private final CallEngine engine;
    /** Recorders of live calls, closed when their call ends. */
    private final Map<CallId, WavRecorder> recorders = new ConcurrentHashMap<>();
    private final Set<CallId> ended = ConcurrentHashMap.newKeySet();

    public CallService(Links links, CallStore store, EventSink events, CallConfig config, Clock clock, Scheduler scheduler) {
        this.links = links;
        this.store = store;
        this.events = events;
        this.engine = new CallEngine(this::onCallEvent, config, clock, scheduler);
    }

    /** The engine as a session feature (it learns of links and control messages). */
    public PeerFeature feature() {
        return engine;
    }

    /**
     * Connects first if needed (up to 20 s), then rings {@code to}. Completes with the call's id once
     * it rings there, or fails saying why (not reachable, already in a call).
     *
     * @throws IllegalArgumentException if the call's audio files cannot be used
     */
    public CompletionStage<CallId> call(PeerId to, CallMedia media) {
        CallAudio audio = audio(media);
        CompletableFuture<CallId> result = new CompletableFuture<>();
        links.awaitLink(to, CONNECT_TIMEOUT)
                .thenCompose(link -> engine.dial(to, audio))
                .whenComplete((id, failure) -> {
                    if (failure != null) {
                        closeQuietly(audio);
                        result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure);
                    } else {
                        adoptRecorder(id, audio);
                        result.complete(id);
                    }
                });
        return result;
    }

    public void answer(CallId id, CallMedia media) {
        CallAudio audio = audio(media);
        adoptRecorder(id, audio);
        engine.accept(id, audio);
    }

    public void decline(CallId id) {
        engine.decline(id);
    }

    public void hangUp(CallId id) {
        engine.hangUp(id);
    }

    public void setMuted(CallId id, boolean muted) {
        engine.setMuted(id, muted);
    }

    /** Whether a 1:1 call is dialing, ringing or active. Any thread, no wait. */
    public boolean inCall() {
        return engine.inCall();
    }

    /** Another kind of call (group calls) that makes this member busy: 1:1 invites are then answered busy. */
    public void setOtherCall(java.util.function.BooleanSupplier other) {
        engine.setOtherCall(other);
    }

    public Optional<CallStats> latestStats() {
        return engine.latestStats();
    }

    @Override
    public void close() {
        engine.close();
        for (CallId id : Set.copyOf(recorders.keySet())) closeRecorder(id);
    }

    // ------------------------------------------------------------------ engine thread

    private void onCallEvent(CallEvent e) {
        if (e instanceof CallEvent.Dialing d) {
            events.publish(new ParleyEvent.CallDialing(d.callId(), Ids.app(d.peer())));
        } else if (e instanceof CallEvent.Ringing r) {
            events.publish(new ParleyEvent.CallRinging(r.callId(), Ids.app(r.peer())));
        } else if (e instanceof CallEvent.Answered a) {
            events.publish(new ParleyEvent.CallAnswered(a.callId(), Ids.app(a.peer())));
        } else if (e instanceof CallEvent.MuteChanged m) {
            events.publish(new ParleyEvent.CallMuted(m.callId(), m.muted()));
        } else if (e instanceof CallEvent.Stats st) {
            events.publish(new ParleyEvent.CallStatsUpdated(st.stats()));
        } else if (e instanceof CallEvent.Ended end) {
            ended.add(end.callId());
            closeRecorder(end.callId());
            boolean stored = false;
            try {
                stored = store.record(end.record()); // its stored event tells the app
            } catch (RuntimeException ex) {
                log.warn("could not store the call record", ex);
            }
            if (!stored) events.publish(new ParleyEvent.CallEnded(0, end.record()));
        } // Superseded: both dialled at once; the surviving call's events follow
    }

    // ------------------------------------------------------------------ audio files

    private static CallAudio audio(CallMedia media) {
        PcmSource source = null;
        WavRecorder recorder = null;
        try {
            if (media.playFile() != null) source = new WavSource(media.playFile());
            else if (media.toneHz() > 0) source = new ToneSource(media.toneHz(), 0.5, media.toneDuration());
            if (media.recordFile() != null) recorder = new WavRecorder(media.recordFile());
            return new CallAudio(source, recorder);
        } catch (IOException | RuntimeException e) {
            if (source != null) source.close();
            throw new IllegalArgumentException("cannot use the call's audio files: " + e.getMessage(), e);
        }
    }

    /** The recorder belongs to the call from now on; a call that already ended closes it at once. */
    private void adoptRecorder(CallId id, CallAudio audio) {
        if (audio.sink() instanceof WavRecorder r) {
            recorders.put(id, r);
            if (ended.contains(id)) closeRecorder(id);
        }
    }

    private void closeRecorder(CallId id) {
        WavRecorder r = recorders.remove(id);
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                log.warn("could not finish the call recording {}", r.path(), e);
            }
        }
    }

    private static void closeQuietly(CallAudio audio) {
        if (audio.source() != null) audio.source().close();
        if (audio.sink() instanceof WavRecorder r) {
            try {
                r.close();
            } catch (IOException ignored) {
                // nothing recorded
            }
        }
    }
}
