package dev.parley.client.internal.files;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One download at the downloader, 1:1 or group (docs/storage-notes.md § File transfers, step 5): the
 * loop both engines run. It knows how many bytes of the file are held, who is giving them (its
 * {@link Source}s: a group file's holders, a 1:1 transfer's one sender), what to ask each source next
 * (a {@link Picker}: the swarm's rarest-first pieces; for one stream, {@link #rest()}: "the rest, in
 * order"), what each source delivered, and when to tell progress (bytes, rate, ETA, sources serving)
 * and to checkpoint. The bytes go to the {@link PartFile} under its trust rule ({@link DurablePrefix},
 * {@link VerifiedPieces}); the end is {@link Completion}.
 *
 * <p>A 1:1 transfer is the one-source case: its sender is a source whose one ask is "from my offset to
 * the end" (a {@code file-accept}), asked again on each new link; a group file asks each holder for
 * pieces, up to its pipeline. Nothing here knows the wire.
 *
 * <p>Confinement: one thread, the owner's (the swarm worker; a 1:1 receiver's control thread).
 *
 * @param <K> how a source is named (a peer id)
 */
public final class Download<K> {
    /** Someone bytes can be asked of. */
    public interface Source {
        /** How many more asks it takes now (its pipeline's room; 0 while it cannot be asked: no link, resting, dropped). */
        int room();

        /** Asks it for {@code range} (a piece, or the rest of a stream). */
        void ask(Range range);
    }

    /** What to ask a source for next. */
    public interface Picker<S extends Source> {
        /** The next range to ask {@code source} for, or null: it has nothing more that is wanted. */
        Range next(S source);
    }

    /** Bytes {@code [from, to)} of the file. */
    public record Range(long from, long to) {
        public Range {
            if (from < 0 || to < from) throw new IllegalArgumentException("bad range [" + from + ", " + to + ")");
        }
    }

    /** What the app is told while bytes arrive. {@code eta} null while the rate is 0. */
    public record Progress(long bytes, long size, double bytesPerSecond, Duration eta, int serving) {}

    /** A source that delivered within this long counts as serving. */
    public static final Duration SERVING_WINDOW = Duration.ofSeconds(2);

    private final long size;
    private final long progressEveryNanos;
    private final long checkpointEveryNanos;
    private RateMeter meter = new RateMeter();
    /** Verified bytes per source in this run (kept when a source leaves). */
    private final Map<K, Long> delivered = new HashMap<>();
    private final Map<K, Long> lastDelivery = new HashMap<>();
    private long held;
    private double rate;
    private long lastProgress;
    private long lastCheckpoint;

    /**
     * {@code held}: the bytes already held (0, or what a resumed part file still holds); progress at
     * most every {@code progressEvery}, a checkpoint due every {@code checkpointEvery} while bytes arrive.
     */
    public Download(long size, long held, Duration progressEvery, Duration checkpointEvery, long nowNanos) {
        if (size < 0 || held < 0 || held > size) throw new IllegalArgumentException("held " + held + " of " + size);
        this.size = size;
        this.held = held;
        this.progressEveryNanos = progressEvery.toNanos();
        this.checkpointEveryNanos = checkpointEvery.toNanos();
        this.lastCheckpoint = nowNanos;
        this.lastProgress = nowNanos - progressEveryNanos; // the first progress is due at once
        meter.update(nowNanos, held);
    }

    /** The one-stream picker: everything not held yet, from the first byte not held. */
    public <S extends Source> Picker<S> rest() {
        return s -> held < size ? new Range(held, size) : null;
    }

    /** Fills {@code source}'s room with what {@code picker} chooses for it. */
    public <S extends Source> void schedule(S source, Picker<S> picker) {
        for (int room = source.room(); room > 0; room = source.room()) {
            Range r = picker.next(source);
            if (r == null) return;
            source.ask(r);
        }
    }

    /**
     * The held bytes are now {@code held} (what the part file holds when a source starts again): nobody
     * delivered them in this run, so the rate starts afresh from here.
     */
    public void resumeAt(long held, long nowNanos) {
        if (held < 0 || held > size) throw new IllegalArgumentException("held " + held + " of " + size);
        this.held = held;
        meter = new RateMeter();
        meter.update(nowNanos, held);
        rate = 0;
    }

    /** {@code bytes} more of the file are held, verified and written, from {@code from}. */
    public void delivered(K from, long bytes, long nowNanos) {
        if (bytes <= 0) return;
        if (held + bytes > size) throw new IllegalStateException("more than the file: " + (held + bytes) + " of " + size);
        held += bytes;
        delivered.merge(Objects.requireNonNull(from), bytes, Long::sum);
        lastDelivery.put(from, nowNanos);
        rate = meter.update(nowNanos, held);
    }

    public long held() {
        return held;
    }

    public boolean whole() {
        return held == size;
    }

    /** Verified bytes per source in this run. */
    public Map<K, Long> sources() {
        return Map.copyOf(delivered);
    }

    /** Whether progress is due (its interval passed, or the file is whole); if so, {@link #progress} marks it told. */
    public boolean progressDue(long nowNanos) {
        return whole() || nowNanos - lastProgress >= progressEveryNanos;
    }

    /** Progress now (and marks it told). */
    public Progress progress(long nowNanos) {
        lastProgress = nowNanos;
        int serving = 0;
        for (long at : lastDelivery.values()) if (nowNanos - at < SERVING_WINDOW.toNanos()) serving++;
        return new Progress(held, size, rate, RateMeter.eta(size - held, rate), serving);
    }

    /** Whether a checkpoint is due; the caller checkpoints and then says {@link #checkpointed}. */
    public boolean checkpointDue(long nowNanos) {
        return nowNanos - lastCheckpoint >= checkpointEveryNanos;
    }

    public void checkpointed(long nowNanos) {
        lastCheckpoint = nowNanos;
    }
}
