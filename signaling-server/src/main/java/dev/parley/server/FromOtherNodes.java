package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.ErrorCode;

import java.util.List;
import java.util.Set;

/**
 * What other nodes of a cluster hand to this one ({@link Directory.Node}): relays for peers bound here
 * (checked against the binding's fencing epoch, under the same budgets as local relays), kicks of
 * bindings a newer login elsewhere replaced, presence of peers elsewhere, and errors for relays this
 * node sent. Runs on the directory's threads; nothing here blocks.
 */
final class FromOtherNodes implements Directory.Node {
    private final Relay relay;
    private final Delivery delivery;
    private final Registry registry;
    private final Directory directory;
    private final Metrics metrics;

    FromOtherNodes(Relay relay, Delivery delivery, Registry registry, Directory directory, Metrics metrics) {
        this.relay = relay;
        this.delivery = delivery;
        this.registry = registry;
        this.directory = directory;
        this.metrics = metrics;
    }

    @Override
    public void deliver(PeerId to, long epoch, PeerId from, String ref, String replyNode, String text, int hops, String mark) {
        Session ts = registry.get(to);
        if (ts == null || ts.epoch != epoch) {
            // The route was stale (the peer moved or left meanwhile): look it up again, once; never
            // deliver to a binding the sender did not address.
            metrics.cluster("stale_route");
            if (hops < 1) { // once: the re-routed message comes back with hops 1 or 2
                directory.relay(from, to, ref, text, hops + 1, replyNode, (code, message) -> remoteError(replyNode, from, ref, code, message));
            } else if (ts == null) {
                remoteError(replyNode, from, ref, ErrorCode.PEER_OFFLINE, "peer is offline");
            } else {
                remoteError(replyNode, from, ref, ErrorCode.RELAY_FAILED, "the peer moved while the message was relayed; retry");
            }
            return;
        }
        String marked = mark == null ? text : Relay.stamp(text, "\"mark\":\"" + mark + "\",");
        int verdict = delivery.offer(ts, ts.conn, from, ref, marked, text.length(), Delivery.CROSS_NODE);
        if (verdict == Delivery.DELIVERED) {
            metrics.cluster("relay_in");
        } else if (verdict == Delivery.OFFLINE) {
            remoteError(replyNode, from, ref, ErrorCode.PEER_OFFLINE, "peer is offline");
        } else if (verdict > 0) {
            metrics.recipientBusy(verdict - 1);
            remoteError(replyNode, from, ref, ErrorCode.RECIPIENT_BUSY, "the recipient is receiving too much; retry later");
        } // DROPPED: a retry of a relay delivered to this binding already; its sender needs no answer
    }

    /**
     * A login that took over a parked binding (its node died): the relays that waited for it follow the
     * welcome, oldest first, each once (the claim took them out of Redis, and a retry of one delivered
     * before is dropped, {@link RetryFilter}); then its watch set is applied
     * as a fresh watch, so its mutual watchers, who heard it go offline, hear it come back, and it gets
     * the picture. On the connection's own thread.
     */
    void unpark(Connection c, Session s, Directory.Claim claim) {
        for (Directory.Parked p : claim.parked()) {
            int verdict = delivery.parked(s, c, p.from(), p.ref(), p.text());
            if (verdict == Delivery.DELIVERED) {
                metrics.cluster("relay_in");
            } else if (verdict == Delivery.OFFLINE) {
                remoteError(p.replyNode(), p.from(), p.ref(), ErrorCode.PEER_OFFLINE, "peer is offline");
            }
        }
        relay.watch(c, s, Set.copyOf(claim.watch()));
    }

    /** Parked relays whose login went away before it was bound: their senders hear peer_offline. */
    void undeliverable(List<Directory.Parked> parked) {
        for (Directory.Parked p : parked) remoteError(p.replyNode(), p.from(), p.ref(), ErrorCode.PEER_OFFLINE, "peer is offline");
    }

    private void remoteError(String replyNode, PeerId to, String ref, ErrorCode code, String message) {
        if (directory instanceof RedisDirectory rd) rd.replyError(replyNode, to, ref == null ? "" : ref, code, message);
    }

    @Override
    public void kick(PeerId id, long epoch) {
        Connection old = registry.kick(id, epoch);
        if (old != null) {
            metrics.cluster("kicked");
            relay.fail(old, ErrorCode.REPLACED, "this identity logged in on a newer connection", null);
        }
    }

    @Override
    public void presence(PeerId to, PeerId about, boolean online) {
        registry.remotePresence(to, about, online);
    }

    @Override
    public void relayError(PeerId to, String ref, ErrorCode code, String message) {
        Session s = registry.get(to);
        Connection c = s == null ? null : s.conn;
        if (c != null) relay.error(c, code, message, ref);
    }

    @Override
    public List<Directory.Binding> bindings() {
        return registry.bindings();
    }
}
