package dev.parley.client.internal.transfer;

import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.TransferId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records every {@link TransferListener} event; tests wait a bounded time for the one they expect. */
final class TransferRecorder implements TransferListener {
    sealed interface Event permits Offered, Started, Progress, Completed, Failed, Cancelled, Declined { }

    record Offered(TransferOffer offer) implements Event { }

    record Started(TransferId id, Direction direction, long offset) implements Event { }

    record Progress(TransferProgress p) implements Event { }

    record Completed(TransferId id, Direction direction, Path file, String sha256) implements Event { }

    record Failed(TransferId id, Direction direction, String reason) implements Event { }

    record Cancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements Event { }

    record Declined(TransferId id, String reason) implements Event { }

    private final String name;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final List<Event> history = new CopyOnWriteArrayList<>();
    private final List<Event> pending = new ArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    TransferRecorder(String name) {
        this.name = name;
    }

    private void add(Event e) {
        threads.add(Thread.currentThread().getName());
        history.add(e);
        queue.add(e);
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

    <T extends Event> T await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        for (var it = pending.iterator(); it.hasNext(); ) {
            Event e = it.next();
            if (type.isInstance(e) && match.test(type.cast(e))) {
                it.remove();
                return type.cast(e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError(name + ": no matching " + type.getSimpleName() + " within " + timeout
                        + "; history " + terminalHistory());
            }
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
            if (!(e instanceof Progress)) {
                pending.add(e);
            }
        }
    }

    <T extends Event> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    List<Event> history() {
        return List.copyOf(history);
    }

    /** The history without progress events, for failure messages. */
    List<Event> terminalHistory() {
        return history.stream().filter(e -> !(e instanceof Progress)).toList();
    }

    long count(Class<? extends Event> type, TransferId id) {
        return history.stream().filter(type::isInstance).filter(e -> idOf(e).equals(id)).count();
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
