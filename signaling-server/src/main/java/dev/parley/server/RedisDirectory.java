package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.DeliveryMark;
import dev.parley.protocol.signal.ErrorCode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import lombok.extern.slf4j.Slf4j;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * This node as one of a cluster coordinated through Redis (docs/server.md § Running a cluster). Each
 * operation is one Lua script, so one round trip and atomic ({@link ClusterScripts}). Three connections:
 * one for commands (asynchronous, pipelined), one for the blocking read of this node's inbox stream
 * ({@link InboxReader}: a read that failed is never retried on its connection, so a blip loses nothing),
 * one for the heartbeat and sweep.
 *
 * <p>Liveness is proven through Redis itself: a node is alive while its heartbeat key (written every
 * {@link #HEARTBEAT_MS}, expiring after {@link #ALIVE_MS}) exists. While the heartbeat fails the node is
 * not ready: logins are refused with a retry hint, cross-node relays fail with {@code relay_failed}, and
 * same-node traffic goes on. When the heartbeat finds its key gone (Redis restarted empty, or the node was
 * swept while cut off) the node re-asserts every binding it holds.
 */
@Slf4j
final class RedisDirectory implements Directory, InboxReader.Owner {
    static final long HEARTBEAT_MS = 500, ALIVE_MS = 2_000, SWEEP_LOCK_MS = 2_000;
    /** How long any command waits for Redis before giving up (ServerConfig.redisTimeout, 1 s by default). */
    private final Duration timeout;
    /** How long the peers of a dead node stay parked (this cluster's resume grace; the same on every node). */
    private final long graceMs;
    /** The consumer group each node reads its own inbox through (ClusterScripts' rescue reads its position). */
    static final String GROUP = "parley";

    private final String nodeId;
    /** This node's URL for clients, advertised by the other nodes (null: none). */
    private final String publicUrl;
    /** Other live nodes' public URLs, as the last heartbeat saw them; at most {@link #MAX_ADVERTISED}. */
    private volatile List<String> otherNodeUrls = List.of();
    static final int MAX_ADVERTISED = 16;
    private final RedisClient client;
    private final Map<String, String> shas = new HashMap<>();
    /** Bindings that ended while Redis was unreachable: their routes are removed when it is back. */
    private final java.util.concurrent.ConcurrentLinkedQueue<String[]> pendingEnds = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private StatefulRedisConnection<String, String> commands;
    private StatefulRedisConnection<String, String> beat;
    private RedisAsyncCommands<String, String> async;
    private ScheduledExecutorService scheduler;
    private Thread inboxThread;
    private volatile Node node;
    private volatile Metrics metrics;
    private volatile boolean ready;
    private volatile boolean everBeat;
    private volatile boolean closed;

    RedisDirectory(String redisUrl, String nodeId, Duration timeout, Duration resumeGrace, String publicUrl, Duration routeCache) {
        this.nodeId = nodeId;
        this.routeCacheNanos = routeCache.toNanos();
        this.publicUrl = publicUrl;
        this.timeout = timeout;
        this.graceMs = resumeGrace.toMillis();
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Disconnected: fail at once (an explicit error to the client), never queue blindly.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands().timeoutSource(new TimeoutOptions.TimeoutSource() {
                    // A blocking read waits in Redis for InboxReader.BLOCK_MS by design: it gets the timeout on top.
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        return timeout.toMillis() + (command.getType() == CommandType.XREADGROUP ? InboxReader.BLOCK_MS : 0);
                    }

                    @Override
                    public TimeUnit getTimeUnit() {
                        return TimeUnit.MILLISECONDS;
                    }
                }).build())
                .build());
        for (var e : scripts().entrySet()) shas.put(e.getKey(), sha1(e.getValue()));
    }

    private static Map<String, String> scripts() {
        return Map.of("claim", ClusterScripts.CLAIM, "relay", ClusterScripts.RELAY, "presence", ClusterScripts.PRESENCE,
                "watch", ClusterScripts.WATCH, "end", ClusterScripts.END, "assert", ClusterScripts.ASSERT,
                "heartbeat", ClusterScripts.HEARTBEAT, "sweep", ClusterScripts.SWEEP);
    }

    @Override public boolean clustered() { return true; }
    @Override public boolean ready() { return ready && !closed; }
    @Override public boolean closed() { return closed; }
    @Override public String nodeId() { return nodeId; }
    @Override public List<String> otherNodeUrls() { return ready() ? otherNodeUrls : List.of(); }

    @Override
    public void start(Node node, Metrics metrics) {
        this.node = node;
        this.metrics = metrics;
        metrics.clusterNode(nodeId);
        metrics.gauge("cluster_ready", () -> ready() ? 1 : 0);
        metrics.gauge("cluster_routes", () -> node.bindings().size());
        metrics.gauge("cluster_nodes", () -> aliveNodes.size());
        // Connecting may fail (Redis down at start): the node starts anyway, not ready, and keeps trying.
        commands = connectOrNull();
        beat = connectOrNull();
        async = commands == null ? null : commands.async();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-cluster-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
        heartbeat(); // the first one right away, so a node with Redis is ready when start() returns
        scheduler.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
        inboxThread = new Thread(new InboxReader(client, nodeId, this, metrics), "parley-inbox-" + nodeId);
        inboxThread.setDaemon(true);
        inboxThread.start();
    }

    private StatefulRedisConnection<String, String> connectOrNull() {
        try {
            return client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("cannot reach redis yet");
            return null;
        }
    }

    private synchronized boolean connected() {
        if (closed) return false;
        if (commands == null) {
            commands = connectOrNull();
            if (commands != null) async = commands.async();
        }
        if (beat == null) beat = connectOrNull();
        return commands != null && beat != null;
    }

    // ---- scripts ---------------------------------------------------------------------------------

    private CompletionStage<Object> eval(String name, ScriptOutputType type, String... args) {
        RedisAsyncCommands<String, String> a = async;
        if (a == null) return CompletableFuture.failedFuture(new IllegalStateException("not connected to redis"));
        metrics.cluster("redis_calls");
        String sha = shas.get(name);
        return a.<Object>evalsha(sha, type, new String[0], args).handle((v, e) -> {
            if (e == null) return CompletableFuture.completedFuture(v);
            Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) { // Redis restarted: load it again
                return a.<Object>eval(scripts().get(name), type, new String[0], args).toCompletableFuture();
            }
            return CompletableFuture.<Object>failedFuture(cause);
        }).thenCompose(f -> f).whenComplete((v, e) -> {
            if (e != null) metrics.cluster("redis_errors");
        });
    }

    /**
     * A script whose answer a connection waits for (claim, watch): fails at once with {@link Unavailable}
     * while the node is not ready, and with it after at most {@link #timeout} (Lettuce's command timeout).
     */
    private CompletionStage<Object> evalAwaited(String name, ScriptOutputType type, String... args) {
        if (!ready()) return CompletableFuture.failedFuture(new Unavailable("cluster directory unreachable"));
        return eval(name, type, args).handle((v, e) -> {
            if (e != null) throw new java.util.concurrent.CompletionException(new Unavailable("cluster directory did not answer"));
            return v;
        });
    }

    // ---- Directory -------------------------------------------------------------------------------

    @Override
    public CompletionStage<Claim> claim(PeerId id, DeliveryMark.Parsed mark) {
        return evalAwaited("claim", ScriptOutputType.MULTI, id.value(), nodeId, mark == null ? "" : mark.node(),
                mark == null ? "" : mark.streamId()).thenApply(v -> {
            List<?> r = (List<?>) v;
            long epoch = (Long) r.get(0);
            long moved = (Long) r.get(1);
            metrics.cluster("claims");
            if (mark != null) metrics.cluster("claims_marked");
            if (moved == 0) return new Claim(epoch, null);
            metrics.cluster(moved == 2 ? "unparked" : "taken_over");
            int n = ((Long) r.get(2)).intValue();
            Set<PeerId> watch = new HashSet<>();
            for (int i = 3; i < 3 + n; i++) watch.add(PeerId.of((String) r.get(i)));
            if (moved == 1) return new Claim(epoch, watch);
            List<Parked> parked = new ArrayList<>();
            for (int i = 3 + n; i + 3 < r.size(); i += 4) {
                String ref = (String) r.get(i + 1);
                parked.add(new Parked(PeerId.of((String) r.get(i)), ref.isEmpty() ? null : ref, (String) r.get(i + 2), (String) r.get(i + 3)));
            }
            return new Claim(epoch, watch, parked);
        });
    }

    private final long routeCacheNanos;

    /**
     * A route learned from a relay, reused for {@code route-cache} (2 s): the next relays are one XADD each.
     * Once it expires, one relay looks it up again ({@code refreshing} set) and the others keep using it
     * until the answer: without that, every relay sent while the lookup is in flight ran the script too,
     * so a slow Redis got more work exactly when it was slow (a bench run at 5,000 msgs/s that fell ~0.5 s
     * behind ran 615 scripts instead of ~24). The far node checks the epoch, so a stale route still never
     * delivers to an old binding.
     */
    private record CachedRoute(String node, long epoch, long until, java.util.concurrent.atomic.AtomicBoolean refreshing) {
        CachedRoute(String node, long epoch, long until) {
            this(node, epoch, until, new java.util.concurrent.atomic.AtomicBoolean());
        }
    }

    /** Inboxes are trimmed (approximately) to this many entries, like the scripts' posts. */
    private static final io.lettuce.core.XAddArgs INBOX_CAP = new io.lettuce.core.XAddArgs().maxlen(100_000).approximateTrimming();
    private final java.util.concurrent.ConcurrentHashMap<PeerId, CachedRoute> routes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Nodes whose heartbeat the last sweep saw (refreshed every heartbeat). */
    private volatile Set<String> aliveNodes = Set.of();

    @Override
    public void relay(PeerId from, PeerId to, String ref, String text, int hops, String replyNode, RelayFailure onFail) {
        String reply = replyNode == null ? nodeId : replyNode;
        if (!ready()) {
            metrics.cluster("relay_refused");
            onFail.failed(ErrorCode.RELAY_FAILED, "the cluster directory is unreachable; retry");
            return;
        }
        CachedRoute cached = hops == 0 ? routes.get(to) : null;
        boolean usable = cached != null && aliveNodes.contains(cached.node)
                && (cached.until > System.nanoTime() || !cached.refreshing.compareAndSet(false, true));
        if (usable) {
            // The far node checks the epoch: if the route went stale it looks it up again, or answers
            // with an error; a stale cache never delivers to an old binding.
            metrics.cluster("redis_calls");
            metrics.cluster("route_reused");
            Map<String, String> entry = Map.of("k", "r", "to", to.value(), "e", Long.toString(cached.epoch), "f", from.value(),
                    "ref", ref == null ? "" : ref, "rn", reply, "h", "0", "m", text);
            async.xadd("parley:inbox:" + cached.node, INBOX_CAP, entry).whenComplete((v, e) -> {
                if (e != null) {
                    metrics.cluster("redis_errors");
                    metrics.cluster("relay_refused");
                    routes.remove(to, cached);
                    onFail.failed(ErrorCode.RELAY_FAILED, "the cluster directory did not answer; retry");
                } else {
                    metrics.cluster("relay_out");
                }
            });
            return;
        }
        CachedRoute expired = cached; // this relay's lookup refreshes it; any other answer forgets it
        metrics.cluster("route_lookups");
        eval("relay", ScriptOutputType.MULTI, to.value(), nodeId, from.value(), ref == null ? "" : ref, text,
                Integer.toString(hops), reply).whenComplete((v, e) -> {
            if (expired != null && (e != null || (Long) ((List<?>) v).get(0) != 1)) routes.remove(to, expired);
            if (e != null) {
                metrics.cluster("relay_refused");
                onFail.failed(ErrorCode.RELAY_FAILED, "the cluster directory did not answer; retry");
                return;
            }
            List<?> r = (List<?>) v;
            long verdict = (Long) r.get(0);
            if (verdict == 1) {
                metrics.cluster("relay_out");
                routes.put(to, new CachedRoute((String) r.get(1), (Long) r.get(2),
                        System.nanoTime() + routeCacheNanos));
            } else if (verdict == 2 && hops < 2) {
                // The route is on this node (the peer moved here, or logged in again here): deliver to
                // that binding; deliver() refuses a second mismatch, so this cannot loop.
                node.deliver(to, (Long) r.get(1), from, ref, reply, text, hops + 1, null); // not from the inbox: no mark
            } else if (verdict == 2) {
                onFail.failed(ErrorCode.RELAY_FAILED, "the peer moved while the message was relayed; retry");
            } else if (verdict == 3) {
                metrics.cluster("parked"); // its node died; delivered when it logs in again within its grace
            } else if (verdict == 4) {
                metrics.cluster("relay_refused");
                onFail.failed(ErrorCode.RECIPIENT_BUSY, "the peer is away and too many messages wait for it; retry later");
            } else {
                routes.remove(to);
                onFail.failed(ErrorCode.PEER_OFFLINE, "peer is offline");
            }
        });
    }

    /** {@code to}'s route turned out stale on the far node: forget it here. */
    void forgetRoute(PeerId to) {
        routes.remove(to);
    }

    /** Tells {@code to} (a sender on {@code replyNode}) that its relay {@code ref} failed. */
    void replyError(String replyNode, PeerId to, String ref, ErrorCode code, String message) {
        if (replyNode.equals(nodeId)) {
            node.relayError(to, ref.isEmpty() ? null : ref, code, message);
            return;
        }
        RedisAsyncCommands<String, String> a = async;
        if (a == null || !ready()) return; // the sender's node cannot be told; its client sees no answer
        metrics.cluster("redis_calls");
        a.xadd("parley:inbox:" + replyNode, INBOX_CAP, Map.of("k", "e", "to", to.value(), "ref", ref, "c", code.wire(), "m", message));
    }

    @Override
    public CompletionStage<Set<PeerId>> watch(PeerId id, long epoch, Set<PeerId> watch, Collection<PeerId> remote) {
        List<String> args = new ArrayList<>(4 + watch.size() + remote.size());
        args.add(id.value());
        args.add(nodeId);
        args.add(Long.toString(epoch));
        args.add(Integer.toString(watch.size()));
        for (PeerId p : watch) args.add(p.value());
        for (PeerId p : remote) args.add(p.value());
        return evalAwaited("watch", ScriptOutputType.MULTI, args.toArray(String[]::new)).thenApply(v -> {
            Set<PeerId> out = new HashSet<>();
            for (Object o : (List<?>) v) out.add(PeerId.of((String) o));
            return out;
        });
    }

    @Override
    public void presence(PeerId about, boolean online, Collection<PeerId> to) {
        if (to.isEmpty() || !ready()) return;
        List<String> args = new ArrayList<>(3 + to.size());
        args.add(about.value());
        args.add(online ? "1" : "0");
        args.add(nodeId);
        for (PeerId p : to) args.add(p.value());
        eval("presence", ScriptOutputType.INTEGER, args.toArray(String[]::new));
    }

    @Override
    public void ended(PeerId id, long epoch) {
        String[] args = {id.value(), nodeId, Long.toString(epoch)};
        if (!ready()) {
            pendingEnds.add(args); // ended once the directory is back, before re-asserting the rest
            return;
        }
        eval("end", ScriptOutputType.INTEGER, args).whenComplete((v, e) -> {
            if (e != null) pendingEnds.add(args);
        });
    }

    // ---- heartbeat, sweep, re-assert -------------------------------------------------------------

    private void heartbeat() {
        if (closed) return;
        try {
            if (!connected()) throw new IllegalStateException("not connected");
            RedisCommands<String, String> b = beat.sync();
            metrics.cluster("redis_calls");
            List<Object> hb = b.eval(ClusterScripts.HEARTBEAT, ScriptOutputType.MULTI, new String[0], nodeId, Long.toString(ALIVE_MS),
                    publicUrl == null ? "" : publicUrl);
            long had = (Long) hb.get(0);
            List<String> urls = new ArrayList<>(hb.size() - 1);
            for (int i = 1; i < hb.size() && urls.size() < MAX_ADVERTISED; i++) urls.add((String) hb.get(i));
            urls.sort(null);
            otherNodeUrls = List.copyOf(urls);
            if (!everBeat) {
                // A fresh start: anything in an inbox of this node id is for an earlier run of it.
                b.del("parley:inbox:" + nodeId);
                for (var e : scripts().entrySet()) b.scriptLoad(e.getValue());
                everBeat = true;
            } else if (had == 0 || !ready) {
                reassert(b);
                log.atInfo().addKeyValue("node", nodeId).addKeyValue("had_heartbeat", had == 1).log("cluster directory back; bindings re-asserted");
            }
            ready = true;
            metrics.cluster("redis_calls");
            List<Object> sweep = b.eval(ClusterScripts.SWEEP, ScriptOutputType.MULTI, new String[0], nodeId,
                    Long.toString(SWEEP_LOCK_MS), Long.toString(graceMs));
            long swept = (Long) sweep.get(0), rescued = (Long) sweep.get(1);
            for (long i = 0; i < rescued; i++) metrics.cluster("rescued");
            metrics.cluster("redis_calls");
            Set<String> alive = new HashSet<>();
            for (String n : b.smembers("parley:nodes")) alive.add(n);
            aliveNodes = alive;
            if (routes.size() > 100_000) routes.clear();
            if (swept > 0 || rescued > 0) {
                for (long i = 0; i < swept; i++) metrics.cluster("nodes_swept");
                log.atInfo().addKeyValue("node", nodeId).addKeyValue("swept", swept).addKeyValue("rescued", rescued)
                        .log("swept dead nodes; their peers are parked for the resume grace");
            }
        } catch (RuntimeException e) {
            if (ready) log.atWarn().addKeyValue("node", nodeId).addKeyValue("error", e.toString()).log("cluster directory unreachable");
            ready = false;
            metrics.cluster("redis_errors");
        }
    }

    private void reassert(RedisCommands<String, String> b) {
        for (String[] e; (e = pendingEnds.poll()) != null; ) {
            metrics.cluster("redis_calls");
            b.eval(ClusterScripts.END, ScriptOutputType.INTEGER, new String[0], e);
        }
        List<Binding> all = node.bindings();
        metrics.cluster("reasserts");
        for (int from = 0; from < all.size(); from += 200) {
            List<String> args = new ArrayList<>();
            args.add(nodeId);
            for (Binding x : all.subList(from, Math.min(all.size(), from + 200))) {
                args.add(x.id().value());
                args.add(Long.toString(x.epoch()));
                args.add(Integer.toString(x.watch().size()));
                for (PeerId w : x.watch()) args.add(w.value());
            }
            metrics.cluster("redis_calls");
            List<Object> superseded = b.eval(ClusterScripts.ASSERT, ScriptOutputType.MULTI, new String[0], args.toArray(String[]::new));
            for (int i = 0; i + 1 < superseded.size(); i += 2) {
                node.kick(PeerId.of((String) superseded.get(i)), (Long) superseded.get(i + 1));
            }
        }
    }

    // ---- inbox ---------------------------------------------------------------------------------

    /** One entry of this node's inbox (read by {@link InboxReader}, once each, in order). */
    @Override
    public void handle(String entryId, Map<String, String> m) {
        try {
            PeerId to = PeerId.of(m.get("to"));
            switch (m.get("k")) {
                case "r" -> node.deliver(to, Long.parseLong(m.get("e")), PeerId.of(m.get("f")), m.get("ref"), m.get("rn"),
                        m.get("m"), Integer.parseInt(m.get("h")), nodeId + " " + entryId);
                case "k" -> node.kick(to, Long.parseLong(m.get("e")));
                case "p" -> {
                    PeerId about = PeerId.of(m.get("a"));
                    boolean online = "1".equals(m.get("o"));
                    // Offline (a logout, or the sweeper burying a dead node): a route cached for it would
                    // send the next relay to an inbox nobody reads, before this node's view of the live
                    // nodes catches up. Forget it, so the relay asks the directory and gets peer_offline.
                    if (!online) routes.remove(about);
                    node.presence(to, about, online);
                }
                case "e" -> node.relayError(to, m.get("ref").isEmpty() ? null : m.get("ref"), ErrorCode.fromWire(m.get("c")), m.get("m"));
                default -> log.atWarn().addKeyValue("kind", m.get("k")).log("unknown inbox entry");
            }
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("bad inbox entry");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (scheduler != null) scheduler.shutdownNow();
        if (inboxThread != null) inboxThread.interrupt();
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("error", e.toString()).log("redis client shutdown");
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
