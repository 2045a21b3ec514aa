package dev.parley.client.internal.transfer;

import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.TransferId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import dev.parley.testing.EventRecorder;

/** Every {@link TransferListener} callback into the shared strict {@link EventRecorder}: tests take them in order. */
final class TransferRecorder extends EventRecorder<TransferRecorder.Event> implements TransferListener {
    sealed interface Event permits Offered, Started, Progress, Completed, Failed, Cancelled, Declined { }

    record Offered(TransferOffer offer) implements Event { }

    record Started(TransferId id, Direction direction, long offset) implements Event { }

    record Progress(TransferProgress p) implements Event { }

    record Completed(TransferId id, Direction direction, Path file, String sha256) implements Event { }

    record Failed(TransferId id, Direction direction, String reason) implements Event { }

    record Cancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements Event { }

    record Declined(TransferId id, String reason) implements Event { }

    private final Object progressLock = new Object();
    private long maxBytes;

    TransferRecorder(String name) {
        super(name);
        timeout(Duration.ofSeconds(30));
    }

    /**
     * Declares progress noise: it comes per chunk, between any two events. The highest byte count seen
     * stays available to {@link #awaitBytes}, and every progress event to {@code ignoredHistory(Progress.class)}.
     */
    TransferRecorder ignoringProgress() {
        ignoring("progress", e -> {
            if (!(e instanceof Progress p)) return false;
            synchronized (progressLock) {
                maxBytes = Math.max(maxBytes, p.p().bytes());
                progressLock.notifyAll();
            }
            return true;
        });
        return this;
    }

    /** Waits (bounded, failing) until progress has reported at least {@code bytes}. */
    void awaitBytes(long bytes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progressLock) {
            while (maxBytes < bytes) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError(name() + ": progress stayed at " + maxBytes + " of the " + bytes + " awaited");
                TimeUnit.NANOSECONDS.timedWait(progressLock, left);
            }
        }
    }

    /** The next events must be this incoming transfer's offer, start at {@code offset} and completion. */
    Completed offeredStartedCompleted(TransferId id, long offset, Duration timeout) {
        expectNext(Offered.class, "offer of " + id, o -> o.offer().id().equals(id), timeout);
        return startedCompleted(id, Direction.INCOMING, offset, timeout);
    }

    /** The next events must be this transfer's start (in {@code direction}, at {@code offset}) and completion. */
    Completed startedCompleted(TransferId id, Direction direction, long offset, Duration timeout) {
        expectNext(Started.class, direction + " start of " + id + " at " + offset,
                x -> x.id().equals(id) && x.direction() == direction && x.offset() == offset, timeout);
        return expectNext(Completed.class, "completion of " + id, c -> c.id().equals(id) && c.direction() == direction, timeout);
    }

    private void add(Event e) {
        record(e);
    }

    @Override
    public void onOffered(TransferOffer offer) {
        add(new Offered(offer));
    }

    @Override
    public void onStarted(TransferId id, Direction direction, long offset) {
        add(new Started(id, direction, offset));
    }

    @Override
    public void onProgress(TransferProgress progress) {
        add(new Progress(progress));
    }

    @Override
    public void onCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        add(new Completed(id, direction, file, sha256Hex));
    }

    @Override
    public void onFailed(TransferId id, Direction direction, String reason) {
        add(new Failed(id, direction, reason));
    }

    @Override
    public void onCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        add(new Cancelled(id, direction, byPeer, reason));
    }

    @Override
    public void onDeclined(TransferId id, String reason) {
        add(new Declined(id, reason));
    }

    /** Recorded events of a type for one transfer so far. */
    long count(Class<? extends Event> type, TransferId id) {
        return history().stream().filter(type::isInstance).filter(e -> idOf(e).equals(id)).count();
    }

    static TransferId idOf(Event e) {
        if (e instanceof Offered o) return o.offer().id();
        if (e instanceof Started s) return s.id();
        if (e instanceof Progress p) return p.p().id();
        if (e instanceof Completed c) return c.id();
        if (e instanceof Failed f) return f.id();
        if (e instanceof Cancelled c) return c.id();
        return ((Declined) e).id();
    }
}
