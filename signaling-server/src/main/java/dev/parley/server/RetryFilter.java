package dev.parley.server;

import dev.parley.protocol.PeerId;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Makes a retried relay harmless (docs/protocol.md § Retrying a relay, docs/server.md § Retried relays): the
 * node that delivers to a recipient remembers, per recipient binding ({@link Session}), which (sender,
 * {@code id}) pairs it delivered in the last {@link #WINDOW_MS}, and drops a relay whose pair is among them.
 * A {@code relay_failed} after a Redis timeout can hide a delivery (the command ran once Redis went on):
 * the client's retry with the same {@code id} then lands here and goes no further. Relays without an
 * {@code id} are never dropped.
 *
 * <p>Memory is bounded: a recipient remembers at most {@link #PER_RECIPIENT} pairs (the oldest are forgotten
 * first), and all recipients of the node together at most {@link #TOTAL} beyond {@link #MIN_PER_RECIPIENT}
 * each (past it a recipient's store stops growing and forgets its oldest sooner). A pair is kept as a 64-bit
 * SipHash-2-4 of sender and id under a key drawn at start, so an entry costs 32 bytes and a false match is a
 * 2^-64 chance per stored pair that nobody outside the node can aim at. Stores that have been quiet for the
 * window are released by {@link #prune}.
 */
final class RetryFilter {
    /** How long a delivery is remembered. */
    static final long WINDOW_MS = 60_000;
    /** Pairs one recipient remembers at most, and at least (when the node-wide budget is spent). */
    static final int PER_RECIPIENT = 4096, MIN_PER_RECIPIENT = 16;
    /** Entries all recipients of this node may hold beyond their minimum (32 bytes each: 16 MiB). */
    static final int TOTAL = 1 << 19;
    /** {@link #once}: the relay was a retry of one delivered already, and was dropped. */
    static final int DROPPED = -2;

    private final long k0, k1;
    private final int perRecipient, total;
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final Set<Recent> active = ConcurrentHashMap.newKeySet();

    RetryFilter() {
        this(PER_RECIPIENT, TOTAL);
    }

    /** With other bounds ({@code perRecipient} a power of two, at least {@link #MIN_PER_RECIPIENT}). */
    RetryFilter(int perRecipient, int total) {
        if (Integer.bitCount(perRecipient) != 1 || perRecipient < MIN_PER_RECIPIENT) throw new IllegalArgumentException("perRecipient");
        this.perRecipient = perRecipient;
        this.total = total;
        SecureRandom r = new SecureRandom();
        k0 = r.nextLong();
        k1 = r.nextLong();
    }

    /**
     * Delivers a relay with {@code id} to {@code to} once: {@link #DROPPED} if (from, id) was delivered to this
     * binding within the window; otherwise what {@code deliver} answers (0: delivered, which is then
     * remembered). Check, delivery and record happen under the recipient's store lock, so two copies racing
     * in from two threads (a same-node retry of a cross-node original) are still one delivery.
     */
    int once(Session to, PeerId from, String id, long now, IntSupplier deliver) {
        Recent r = to.recent(this);
        long key = key(from, id);
        synchronized (r) {
            if (!r.active) {
                r.active = true;
                active.add(r);
            }
            r.expire(now);
            if (r.contains(key)) {
                return DROPPED;
            }
            int verdict = deliver.getAsInt();
            if (verdict == 0) r.add(key, now);
            return verdict;
        }
    }

    /** Forgets what is older than the window; releases the stores left empty (the sweep, now and then). */
    void prune(long now) {
        for (Recent r : active) {
            synchronized (r) {
                r.expire(now);
                if (r.size == 0) {
                    r.release();
                    r.active = false;
                    active.remove(r);
                }
            }
        }
    }

    /** A recipient's empty store (its arrays come with its first delivery). */
    Recent store() {
        return new Recent();
    }

    /** Pairs remembered now, over all recipients. */
    long entries() {
        return held.get();
    }

    long key(PeerId from, String id) {
        long h = sipHash(k0, k1, from.value(), id);
        return h == 0 ? 1 : h; // 0 marks a free slot
    }

    /**
     * SipHash-2-4 (Aumasson and Bernstein, 2012) of the bytes of {@code a}, one 0 byte, then {@code b}; both
     * are ASCII here (a peer id, a printable-ASCII id), one byte per char.
     */
    static long sipHash(long k0, long k1, String a, String b) {
        long v0 = k0 ^ 0x736f6d6570736575L, v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L, v3 = k1 ^ 0x7465646279746573L;
        int len = b == null ? a.length() : a.length() + 1 + b.length();
        int full = len & ~7;
        for (int i = 0; i < full; i += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) m = (m << 8) | byteAt(a, b, i + j);
            v3 ^= m;
            for (int round = 0; round < 2; round++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long m = ((long) len & 0xff) << 56;
        for (int j = len - full - 1; j >= 0; j--) m |= (long) byteAt(a, b, full + j) << (8 * j);
        v3 ^= m;
        for (int round = 0; round < 2; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m;
        v2 ^= 0xff;
        for (int round = 0; round < 4; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static int byteAt(String a, String b, int i) {
        if (i < a.length()) return a.charAt(i) & 0xff;
        return i == a.length() ? 0 : b.charAt(i - a.length() - 1) & 0xff;
    }

    /**
     * One recipient's remembered deliveries: a ring in delivery order (so the oldest go first) and an
     * open-addressing set over it (linear probing, backward-shift deletion) for O(1) lookups. Guarded by its
     * own monitor; capacity a power of two from {@link #MIN_PER_RECIPIENT} to {@link #PER_RECIPIENT}.
     */
    final class Recent {
        private Recent() {}

        private long[] keys;
        private long[] at;
        private long[] table;
        private int head, size;
        boolean active;

        boolean contains(long key) {
            if (size == 0) return false;
            int mask = table.length - 1;
            for (int i = (int) key & mask; table[i] != 0; i = (i + 1) & mask) {
                if (table[i] == key) return true;
            }
            return false;
        }

        void add(long key, long now) {
            if (keys == null) {
                allocate(MIN_PER_RECIPIENT);
            } else if (size == keys.length && !grow()) {
                evictOldest();
            }
            keys[(head + size) & (keys.length - 1)] = key;
            at[(head + size) & (keys.length - 1)] = now;
            size++;
            held.incrementAndGet();
            insert(key);
        }

        void expire(long now) {
            while (size > 0 && now - at[head] >= WINDOW_MS) evictOldest();
        }

        void release() {
            if (keys != null && keys.length > MIN_PER_RECIPIENT) granted.addAndGet(-(keys.length - MIN_PER_RECIPIENT));
            held.addAndGet(-size);
            keys = null;
            at = null;
            table = null;
            head = 0;
            size = 0;
        }

        private boolean grow() {
            int cap = keys.length;
            if (cap >= perRecipient) return false;
            int more = cap; // doubles
            if (granted.addAndGet(more) > total) {
                granted.addAndGet(-more);
                return false;
            }
            long[] oldKeys = keys, oldAt = at;
            int oldHead = head, n = size;
            allocate(cap * 2);
            for (int i = 0; i < n; i++) {
                int j = (oldHead + i) & (cap - 1);
                keys[i] = oldKeys[j];
                at[i] = oldAt[j];
                insert(oldKeys[j]);
            }
            size = n;
            return true;
        }

        private void allocate(int cap) {
            keys = new long[cap];
            at = new long[cap];
            table = new long[cap * 2];
            head = 0;
            size = 0;
        }

        private void evictOldest() {
            remove(keys[head]);
            head = (head + 1) & (keys.length - 1);
            size--;
            held.decrementAndGet();
        }

        private void insert(long key) {
            int mask = table.length - 1;
            int i = (int) key & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            table[i] = key;
        }

        private void remove(long key) {
            int mask = table.length - 1;
            int i = (int) key & mask;
            while (table[i] != key) {
                if (table[i] == 0) return;
                i = (i + 1) & mask;
            }
            table[i] = 0;
            // Backward shift: move up every later entry of the run that would not be found past the hole.
            for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
                int home = (int) table[j] & mask;
                boolean reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
                if (!reachable) {
                    table[i] = table[j];
                    table[j] = 0;
                    i = j;
                }
            }
        }
    }
}
