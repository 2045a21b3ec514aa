package dev.parley.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-address connection counts and new-connection token buckets. Thread-safe: accept runs on the
 * selector thread, release on whichever thread closes the socket, prune on the scheduler.
 */
final class IpLimiter {
    enum Verdict { OK, OVERLOADED, DROP }

    private static final class State {
        int open;
        double tokens;
        long refillMs;
    }

    private final ConcurrentHashMap<InetAddress, State> table = new ConcurrentHashMap<>();
    private final int maxPerIp;
    private final double ratePerMs;
    private final int burst;

    IpLimiter(int maxPerIp, int perSecond, int burst) {
        this.maxPerIp = maxPerIp;
        this.ratePerMs = perSecond / 1000.0;
        this.burst = burst;
    }

    /**
     * Counts a new connection. OVERLOADED: accept it far enough to say so (error + 1013);
     * DROP: so far over that the socket is closed without a word.
     */
    Verdict accept(InetAddress ip, long now) {
        Verdict[] out = new Verdict[1];
        table.compute(ip, (k, s) -> {
            if (s == null) {
                s = new State();
                s.tokens = burst;
                s.refillMs = now;
            }
            refill(s, now);
            if (s.open >= 2 * maxPerIp) {
                out[0] = Verdict.DROP;
                return s;
            }
            boolean rateOk = s.tokens >= 1;
            if (rateOk) s.tokens -= 1;
            s.open++;
            out[0] = rateOk && s.open <= maxPerIp ? Verdict.OK : Verdict.OVERLOADED;
            return s;
        });
        return out[0];
    }

    void release(InetAddress ip) {
        table.computeIfPresent(ip, (k, s) -> {
            s.open--;
            return s;
        });
    }

    /** Forgets addresses with no connections whose bucket has refilled: nothing left to remember. */
    void prune(long now) {
        for (InetAddress ip : table.keySet()) {
            table.computeIfPresent(ip, (k, s) -> {
                refill(s, now);
                return s.open <= 0 && s.tokens >= burst ? null : s;
            });
        }
    }

    int size() {
        return table.size();
    }

    private void refill(State s, long now) {
        if (now > s.refillMs) {
            s.tokens = Math.min(burst, s.tokens + (now - s.refillMs) * ratePerMs);
            s.refillMs = now;
        }
    }
}
