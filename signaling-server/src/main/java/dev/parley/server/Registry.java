package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.Presence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Who is logged in, whom they watch, and the presence events that follow from it. Presence is mutual:
 * C hears about X only while C watches X and X watches C. Logins, drops, watch changes and grace expiry
 * take one lock, so events come out in a consistent order and a login's welcome is queued before any
 * event about it; the relay path only reads {@link #get} (a concurrent map, no lock).
 */
final class Registry {
    /** What a login did: the session, whether it took over a held binding, and the connection it replaced. */
    record Login(Session session, boolean resumed, Connection replaced) {}

    private final Object lock = new Object();
    private final ConcurrentHashMap<PeerId, Session> sessions = new ConcurrentHashMap<>();
    private final Set<Session> inGrace = ConcurrentHashMap.newKeySet();
    private final AtomicInteger live = new AtomicInteger();
    private final Codec codec;

    Registry(Codec codec) {
        this.codec = codec;
    }

    Session get(PeerId id) {
        return sessions.get(id);
    }

    int liveCount() {
        return live.get();
    }

    int graceCount() {
        return inGrace.size();
    }

    /**
     * Binds {@code conn} to {@code id}. A binding still held (live or in grace) is taken over with its
     * watch set, and nobody sees an offline/online flap. {@code welcome} is queued on {@code conn} under the
     * lock, so it precedes every presence event for this session.
     */
    Login login(PeerId id, Connection conn, Function<Boolean, String> welcome) {
        synchronized (lock) {
            Session s = sessions.get(id);
            boolean resumed = s != null;
            Connection old = null;
            if (s == null) {
                s = new Session(id);
                sessions.put(id, s);
            } else {
                old = s.conn;
                if (old != null) {
                    old.replaced = true; // before clearing session: readers check in the other order
                    old.session = null;
                }
                if (inGrace.remove(s)) s.graceUntilMs = 0;
            }
            if (old == null) live.incrementAndGet();
            s.conn = conn;
            conn.session = s;
            conn.deliver(welcome.apply(resumed));
            return new Login(s, resumed, old);
        }
    }

    /** The socket of a logged-in connection is gone: hold its binding for the grace, or end it now. */
    void dropped(Connection conn, long now, long graceMs) {
        synchronized (lock) {
            Session s = conn.session;
            if (s == null || s.conn != conn) return; // replaced: the newer connection owns the session
            s.conn = null;
            live.decrementAndGet();
            if (graceMs > 0) {
                s.graceUntilMs = now + graceMs;
                inGrace.add(s);
            } else {
                end(s);
            }
        }
    }

    /**
     * A clean logout: the binding ends now, without grace, and mutual watchers see it offline at once.
     * False if {@code conn} no longer speaks for its session (replaced meanwhile).
     */
    boolean logout(Connection conn) {
        synchronized (lock) {
            Session s = conn.session;
            if (s == null || s.conn != conn) return false;
            s.conn = null;
            conn.session = null;
            live.decrementAndGet();
            end(s);
            return true;
        }
    }

    /** Ends every held binding whose grace has run out; its mutual watchers see it go offline. */
    void expire(long now) {
        if (inGrace.isEmpty()) return;
        synchronized (lock) {
            for (Session s : inGrace) {
                if (s.graceUntilMs <= now) {
                    inGrace.remove(s);
                    end(s);
                }
            }
        }
    }

    private void end(Session s) {
        sessions.remove(s.id, s);
        String offline = event(s.id, false);
        for (PeerId x : s.watch) {
            Session xs = sessions.get(x);
            Connection xc = xs == null ? null : xs.conn;
            if (xc != null && xs.watch.contains(s.id)) xc.deliver(offline);
        }
    }

    /**
     * Replaces the watch set of {@code s} and answers with the full picture for it; peers whose mutual
     * relation with {@code s} starts or stops now are told {@code s} came or went.
     */
    void watch(Session s, Set<PeerId> next) {
        synchronized (lock) {
            Connection c = s.conn;
            if (c == null) return;
            Set<PeerId> before = s.watch;
            s.watch = next;
            List<Presence.Entry> picture = new ArrayList<>(next.size());
            String online = null;
            String offline = null;
            for (PeerId x : next) {
                Session xs = sessions.get(x);
                boolean mutual = xs != null && xs.watch.contains(s.id);
                picture.add(new Presence.Entry(x, mutual));
                if (mutual && !before.contains(x) && xs.conn != null) {
                    if (online == null) online = event(s.id, true);
                    xs.conn.deliver(online);
                }
            }
            c.deliver(codec.write(new Presence(picture)));
            Set<PeerId> gone = new HashSet<>(before);
            gone.removeAll(next);
            for (PeerId x : gone) {
                Session xs = sessions.get(x);
                if (xs != null && xs.conn != null && xs.watch.contains(s.id)) {
                    if (offline == null) offline = event(s.id, false);
                    xs.conn.deliver(offline);
                }
            }
        }
    }

    private String event(PeerId who, boolean online) {
        return codec.write(new Presence(List.of(new Presence.Entry(who, online))));
    }
}
