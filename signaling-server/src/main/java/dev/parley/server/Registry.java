package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.Presence;

import java.util.ArrayList;
import java.util.Map;
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
    private final Directory directory;
    /** Clustered: per key, the highest epoch a newer login elsewhere has ended (a late bind of it is refused). */
    private final Map<PeerId, Long> fenced = new ConcurrentHashMap<>();

    Registry(Codec codec, Directory directory) {
        this.codec = codec;
        this.directory = directory;
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
    Login login(PeerId id, Connection conn, Directory.Claim claim, Function<Boolean, String> welcome) {
        synchronized (lock) {
            Session s = sessions.get(id);
            long epoch = claim.epoch();
            Long fence = fenced.get(id);
            // Clustered: a login whose epoch is already superseded (newer login here or elsewhere) is refused.
            if (epoch != 0 && ((fence != null && epoch <= fence) || (s != null && s.epoch > epoch))) return null;
            boolean resumed = s != null || claim.watch() != null;
            Connection old = null;
            if (s == null) {
                s = new Session(id);
                // Taken over from another node. From a park (its node died, its watchers heard offline) the set
                // is applied afterwards as a fresh watch, so they hear it come back (FromOtherNodes.unpark).
                if (claim.watch() != null && claim.parked() == null) s.watch = Set.copyOf(claim.watch());
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
            s.epoch = epoch;
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

    /**
     * A newer login of {@code id} elsewhere (epoch above {@code epoch}): the binding here ends without an
     * offline event (the peer is online there). Returns the connection to close with 4001, if any.
     */
    Connection kick(PeerId id, long epoch) {
        synchronized (lock) {
            fenced.merge(id, epoch, Math::max);
            Session s = sessions.get(id);
            if (s == null || s.epoch > epoch) return null;
            sessions.remove(id, s);
            inGrace.remove(s);
            Connection c = s.conn;
            if (c == null) return null;
            c.replaced = true;
            c.session = null;
            s.conn = null;
            live.decrementAndGet();
            return c;
        }
    }

    /** From another node: {@code about} came or went; {@code to}, if bound here and watching it, hears it. */
    void remotePresence(PeerId to, PeerId about, boolean online) {
        synchronized (lock) {
            Session ts = sessions.get(to);
            Connection tc = ts == null ? null : ts.conn;
            if (tc != null && ts.watch.contains(about)) tc.deliver(event(about, online));
        }
    }

    /** Every binding held here, for re-asserting them in the directory. */
    List<Directory.Binding> bindings() {
        synchronized (lock) {
            List<Directory.Binding> out = new ArrayList<>(sessions.size());
            for (Session s : sessions.values()) out.add(new Directory.Binding(s.id, s.epoch, s.watch));
            return out;
        }
    }

    /** Forgets fences older than any login still in flight could be (called from the sweep, rarely). */
    void pruneFences() {
        if (fenced.size() > 10_000) fenced.clear();
    }

    private void end(Session s) {
        sessions.remove(s.id, s);
        directory.ended(s.id, s.epoch);
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
        watch(s, next, Set.of());
    }

    /**
     * As above; {@code remoteMutual}: the peers bound on other nodes that watch {@code s} (from the
     * directory, which already holds the new set). Remote peers that start or stop being mutual are told
     * through the directory.
     */
    void watch(Session s, Set<PeerId> next, Set<PeerId> remoteMutual) {
        synchronized (lock) {
            Connection c = s.conn;
            if (c == null) return;
            Set<PeerId> before = s.watch;
            s.watch = next;
            List<Presence.Entry> picture = new ArrayList<>(next.size());
            String online = null;
            String offline = null;
            List<PeerId> remoteOnline = null;
            for (PeerId x : next) {
                Session xs = sessions.get(x);
                if (xs == null && remoteMutual.contains(x)) {
                    picture.add(new Presence.Entry(x, true));
                    if (!before.contains(x)) {
                        if (remoteOnline == null) remoteOnline = new ArrayList<>();
                        remoteOnline.add(x);
                    }
                    continue;
                }
                boolean mutual = xs != null && xs.watch.contains(s.id);
                picture.add(new Presence.Entry(x, mutual));
                if (mutual && !before.contains(x) && xs.conn != null) {
                    if (online == null) online = event(s.id, true);
                    xs.conn.deliver(online);
                }
            }
            c.deliver(codec.write(new Presence(picture)));
            if (remoteOnline != null) directory.presence(s.id, true, remoteOnline);
            Set<PeerId> gone = new HashSet<>(before);
            gone.removeAll(next);
            List<PeerId> remoteGone = null;
            for (PeerId x : gone) {
                Session xs = sessions.get(x);
                if (xs == null && directory.clustered()) {
                    if (remoteGone == null) remoteGone = new ArrayList<>();
                    remoteGone.add(x);
                    continue;
                }
                if (xs != null && xs.conn != null && xs.watch.contains(s.id)) {
                    if (offline == null) offline = event(s.id, false);
                    xs.conn.deliver(offline);
                }
            }
            if (remoteGone != null) directory.presence(s.id, false, remoteGone);
        }
    }

    private String event(PeerId who, boolean online) {
        return codec.write(new Presence(List.of(new Presence.Entry(who, online))));
    }
}
