package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.DeliveryMark;
import dev.parley.protocol.signal.ErrorCode;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where peers are, beyond this node. A single server uses {@link #LOCAL}: nobody is elsewhere, every login
 * is fenced locally, and none of the methods does anything, so the single-node paths are exactly as
 * before. {@link RedisDirectory} makes this node one of a cluster (docs/server.md § Running a cluster).
 *
 * <p>Nothing here blocks. {@link #claim} and {@link #watch} answer with a stage that completes on the
 * directory's threads (failed with {@link Unavailable} when the directory cannot answer, bounded by its
 * timeout); the caller continues on the connection's own thread ({@link DirectoryWait}). Everything else
 * reports failures through the callbacks it was given.
 */
interface Directory extends AutoCloseable {
    /** The directory cannot answer now (Redis unreachable or too slow): the caller refuses with a retry hint. */
    final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A login's fence: {@code epoch} orders the logins of one key across the cluster (0: single node, no
     * order needed); {@code watch} is the watch set of a binding this login takes over from another node
     * (null: none was held elsewhere); {@code parked}: the binding was parked after its node died, and
     * these relays (oldest first) waited for it (null: not parked).
     */
    record Claim(long epoch, Set<PeerId> watch, List<Parked> parked) {
        Claim(long epoch, Set<PeerId> watch) {
            this(epoch, watch, null);
        }
    }

    /** A relay that waited for a parked peer: its sender, {@code ref}, the sender's node, the stamped text. */
    record Parked(PeerId from, String ref, String replyNode, String text) {}

    /** A live binding, as re-asserted after the directory lost its data. */
    record Binding(PeerId id, long epoch, Set<PeerId> watch) {}

    /** The public URLs of the cluster's other live nodes, for {@code welcome.nodes} (none: empty). */
    default List<String> otherNodeUrls() {
        return List.of();
    }

    /** What other nodes ask of this one ({@link Relay} implements it). Called from the directory's threads. */
    interface Node {
        /**
         * A relay from another node for {@code to}'s binding {@code epoch}; {@code text} is stamped with the
         * sender already; {@code mark} is what to stamp on it as delivered ({@code "<node> <entry id>"}; null: it did not come through this node's inbox, no mark).
         */
        void deliver(PeerId to, long epoch, PeerId from, String ref, String replyNode, String text, int hops, String mark);

        /** A newer login of {@code id} elsewhere: bindings up to {@code epoch} end here (close 4001). */
        void kick(PeerId id, long epoch);

        /** {@code about} came or went on another node; {@code to} hears it if it watches {@code about}. */
        void presence(PeerId to, PeerId about, boolean online);

        /** A relay this node sent for {@code to} failed on the far side. */
        void relayError(PeerId to, String ref, ErrorCode code, String message);

        /** Every binding held here (live or in grace), for re-asserting. */
        List<Binding> bindings();
    }

    /** Failure sink for an asynchronous relay. */
    interface RelayFailure {
        void failed(ErrorCode code, String message);
    }

    boolean clustered();

    /** False while this node cannot reach the directory (/ready answers 503 then). */
    boolean ready();

    default String nodeId() {
        return "local";
    }

    void start(Node node, Metrics metrics);

    /**
     * Fences a login of {@code id} on this node: newest login wins across the cluster. {@code mark}: the last
     * delivery mark the client got on an earlier connection (null: none), so relays its dead node had read are
     * redelivered only after it. The stage fails with {@link Unavailable} if the directory cannot answer; it
     * is already complete when no round trip is needed.
     */
    CompletionStage<Claim> claim(PeerId id, DeliveryMark.Parsed mark);

    /**
     * Relays {@code text} (stamped with the sender) to {@code to}, which is not bound on this node;
     * {@code replyNode}: the sender's node (null: this one), where a later failure is reported.
     */
    void relay(PeerId from, PeerId to, String ref, String text, int hops, String replyNode, RelayFailure onFail);

    /**
     * Publishes {@code id}'s watch set and answers which of {@code remote} (peers not bound here) are
     * bound elsewhere and watch {@code id}; fails with {@link Unavailable} like {@link #claim}.
     */
    CompletionStage<Set<PeerId>> watch(PeerId id, long epoch, Set<PeerId> watch, Collection<PeerId> remote);

    /** Tells the nodes of {@code to} that {@code about} came or went (they check who watches it). */
    void presence(PeerId about, boolean online, Collection<PeerId> to);

    /** {@code id}'s binding {@code epoch} ended here: its route goes, and its watchers elsewhere hear offline. */
    void ended(PeerId id, long epoch);

    @Override
    void close();

    /** The single-node directory: nobody is elsewhere. */
    Directory LOCAL = new Directory() {
        @Override public boolean clustered() { return false; }
        @Override public boolean ready() { return true; }
        @Override public void start(Node node, Metrics metrics) {}
        @Override public CompletionStage<Claim> claim(PeerId id, DeliveryMark.Parsed mark) { return CompletableFuture.completedFuture(new Claim(0, null)); }
        @Override public void relay(PeerId from, PeerId to, String ref, String text, int hops, String replyNode, RelayFailure onFail) {
            onFail.failed(ErrorCode.PEER_OFFLINE, "peer is offline");
        }
        @Override public CompletionStage<Set<PeerId>> watch(PeerId id, long epoch, Set<PeerId> watch, Collection<PeerId> remote) {
            return CompletableFuture.completedFuture(Set.of());
        }
        @Override public void presence(PeerId about, boolean online, Collection<PeerId> to) {}
        @Override public void ended(PeerId id, long epoch) {}
        @Override public void close() {}
    };
}
