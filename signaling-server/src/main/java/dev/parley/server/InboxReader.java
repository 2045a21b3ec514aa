package dev.parley.server;

import io.lettuce.core.Consumer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import lombok.extern.slf4j.Slf4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Reads one node's inbox stream ({@code parley:inbox:<node>}) through the consumer group
 * {@value RedisDirectory#GROUP} (NOACK: Redis records how far the node has read, which the sweep's rescue
 * uses when the node dies), on a thread of its own, and hands each entry to the directory once, in order.
 *
 * <p>A blocking read whose answer never came is the hazard: Redis may still run it later (it was held by
 * {@code CLIENT PAUSE}, or the answer was lost with the link) and hand it entries nobody will see. So a
 * read that fails or times out is never retried on its connection: the connection is dropped, the next one
 * kills the old one in Redis ({@code CLIENT KILL ID}, so it can take nothing more), then reads again, from
 * the stream itself, everything after the last entry handled here (whatever the lost read took is there),
 * and moves the group's position to it. Entries at or before the last one handled are skipped, so nothing
 * is handled twice. The loop retries with backoff and jitter; it ends only when the directory closes, and
 * an unexpected throwable is logged and retried, never the end of the thread.
 */
@Slf4j
final class InboxReader implements Runnable {
    /** How long one read blocks in Redis; the client waits this plus the command timeout for it. */
    static final long BLOCK_MS = 1_000;
    private static final int BATCH = 512;
    private static final long MIN_BACKOFF_MS = 50, MAX_BACKOFF_MS = 2_000;

    /** What the reader needs of its directory. */
    interface Owner {
        boolean ready();

        boolean closed();

        void handle(String id, Map<String, String> entry);
    }

    private final RedisClient client;
    private final String stream;
    private final Consumer<String> me;
    private final Owner owner;
    private final Metrics metrics;
    private StatefulRedisConnection<String, String> conn;
    /** Redis client ids of dropped connections that may still hold a read: killed before the next read. */
    private final List<Long> stale = new ArrayList<>();
    /** The id of the last entry handled (null: none yet). */
    private String last;
    private long backoffMs = MIN_BACKOFF_MS;

    InboxReader(RedisClient client, String nodeId, Owner owner, Metrics metrics) {
        this.client = client;
        this.stream = "parley:inbox:" + nodeId;
        this.me = Consumer.from(RedisDirectory.GROUP, nodeId);
        this.owner = owner;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        while (!owner.closed()) {
            try {
                if (!owner.ready()) {
                    pause(100);
                    continue;
                }
                if (conn == null) open();
                readOnce();
                backoffMs = MIN_BACKOFF_MS;
            } catch (RedisCommandExecutionException e) {
                if (owner.closed()) break;
                if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                    createGroup(); // the connection is fine: Redis answered
                } else {
                    failed(e);
                }
            } catch (RuntimeException | Error e) { // timeouts, lost links, anything: start over, never die
                if (owner.closed()) break;
                failed(e);
            }
        }
        // Closed: the directory's client shutdown closes the connection.
    }

    private void readOnce() {
        List<StreamMessage<String, String>> batch = conn.sync().xreadgroup(me,
                XReadArgs.Builder.block(InboxReader.BLOCK_MS).count(BATCH).noack(true), XReadArgs.StreamOffset.lastConsumed(stream));
        metrics.cluster("redis_calls");
        for (StreamMessage<String, String> m : batch) handle(m);
    }

    /**
     * A fresh connection; reads the dropped ones may still hold are killed first, then what they may have
     * taken is read again from the stream (on this connection, so after the kill) and the group moved past it.
     */
    private void open() {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
        try {
            RedisCommands<String, String> sync = c.sync();
            metrics.cluster("redis_calls");
            long id = sync.clientId();
            while (!stale.isEmpty()) {
                metrics.cluster("redis_calls");
                sync.clientKill(KillArgs.Builder.id(stale.get(0))); // 0 killed: it was gone already
                stale.remove(0);
            }
            catchUp(sync);
            conn = c;
            stale.add(id); // killed before the read after this connection is dropped (if it ever is)
        } catch (RuntimeException e) {
            // This connection has issued no read yet: nothing of it can take entries, so just close it.
            c.closeAsync();
            throw e;
        }
    }

    private void catchUp(RedisCommands<String, String> sync) {
        if (last == null) return;
        String before = last;
        while (true) {
            metrics.cluster("redis_calls");
            List<StreamMessage<String, String>> more = sync.xrange(stream,
                    Range.from(Range.Boundary.excluding(last), Range.Boundary.unbounded()), Limit.from(BATCH));
            for (StreamMessage<String, String> m : more) handle(m);
            if (more.size() < BATCH) break;
        }
        if (!last.equals(before)) {
            metrics.cluster("redis_calls");
            metrics.cluster("inbox_caught_up");
            try {
                sync.xgroupSetid(XReadArgs.StreamOffset.from(stream, last), RedisDirectory.GROUP);
            } catch (RedisCommandExecutionException e) {
                // NOGROUP: the next read makes the group; entries handled here are skipped then.
                log.atDebug().addKeyValue("error", e.toString()).log("inbox group not moved");
            }
        }
    }

    private void handle(StreamMessage<String, String> m) {
        if (last != null && compare(m.getId(), last) <= 0) {
            metrics.cluster("inbox_skipped");
            return;
        }
        last = m.getId();
        owner.handle(m.getId(), m.getBody());
    }

    /** Orders stream ids ({@code ms-seq}). */
    static int compare(String a, String b) {
        int da = a.indexOf('-'), db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    private void createGroup() {
        try {
            metrics.cluster("redis_calls");
            // From the start of whatever the stream holds now (Redis restarted empty, or this node was swept
            // while cut off); entries handled already are skipped.
            conn.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), RedisDirectory.GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")) return; // made meanwhile: fine
            failed(e);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(Throwable e) {
        metrics.cluster("redis_errors");
        metrics.cluster("inbox_reconnects");
        log.atDebug().addKeyValue("stream", stream).addKeyValue("error", e.toString()).log("inbox read failed; reconnecting");
        drop();
        pause(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    private void drop() {
        if (conn != null) {
            conn.closeAsync();
            conn = null;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() interrupts: the loop sees closed() next
        }
    }
}
