package dev.parley.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
    Verdict accept(InetAddress address, long now) {
        InetAddress ip = key(address);
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

    void release(InetAddress address) {
        table.computeIfPresent(key(address), (k, s) -> {
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

    /**
     * What is counted as one address: an IPv4 address, or an IPv6 /64 (one subscriber's prefix: a
     * single host can pick any of its 2^64 addresses, so per-address caps on IPv6 would mean nothing).
     */
    static InetAddress key(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 8; i < 16; i++) b[i] = 0;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return a;
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
