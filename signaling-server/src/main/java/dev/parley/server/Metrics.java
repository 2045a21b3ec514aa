package dev.parley.server;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's counters, rendered in the Prometheus text format (version 0.0.4). Every method is
 * thread-safe and lock-free on the recording side: they are called from the decoder threads on the hot path.
 */
final class Metrics {
    /** Every reason a connection can be cut off; pre-registered so dashboards see zeros, not gaps. */
    static final List<String> REJECT_REASONS = List.of(
            "not_authenticated", "auth_failed", "auth_timeout", "spoofed_from", "malformed", "too_large",
            "invalid_utf8", "protocol_error", "rate_limited", "slow_consumer", "idle_timeout", "overloaded",
            "origin", "handshake_timeout", "frame_flood", "control_flood", "too_many_fragments", "proxy_protocol");
    static final List<String> RELAYED_TYPES = List.of("offer", "answer", "candidate");
    /** Whose budget refused a relay with recipient_busy: this sender's, all strangers', the recipient's queue. */
    static final List<String> BUSY_BUDGETS = List.of("sender", "strangers", "queue");
    /** How a relay dropped as a retry came (index: {@link Delivery#SAME_NODE} etc.). */
    static final List<String> RETRY_PATHS = List.of("same_node", "cross_node", "parked");
    /** Relay latency bucket bounds in seconds (receive to enqueue is microseconds when healthy). */
    private static final double[] BOUNDS = {
            2e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3, 50e-3, 0.25, 1};

    private final Map<String, LongAdder> rejects = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> logins = new ConcurrentSkipListMap<>();
    private final Map<Integer, LongAdder> closes = new ConcurrentSkipListMap<>();
    private final LongAdder[] relayed = new LongAdder[RELAYED_TYPES.size()];
    private final long[] boundsNanos = new long[BOUNDS.length];
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder latencySumNanos = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder logouts = new LongAdder();
    private final Map<String, LongAdder> opsDropped = new ConcurrentSkipListMap<>();
    /** Clustered nodes only (empty otherwise, and not rendered): cross-node relays, Redis calls, conflicts. */
    private final Map<String, LongAdder> cluster = new ConcurrentSkipListMap<>();
    private volatile String nodeId;
    private final LongAdder[] busy = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] retriesDropped = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final ConcurrentHashMap<String, IntSupplier> gauges = new ConcurrentHashMap<>();
    private final long startMillis = System.currentTimeMillis();

    Metrics() {
        for (String r : REJECT_REASONS) rejects.put(r, new LongAdder());
        for (String r : List.of("new", "resumed", "replaced")) logins.put(r, new LongAdder());
        for (String r : List.of("timeout", "evicted")) opsDropped.put(r, new LongAdder());
        for (int i = 0; i < relayed.length; i++) relayed[i] = new LongAdder();
        for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        for (int i = 0; i < BOUNDS.length; i++) boundsNanos[i] = Math.round(BOUNDS[i] * 1e9);
    }

    void gauge(String name, IntSupplier value) {
        gauges.put(name, value);
    }

    void reject(String reason) {
        rejects.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    long rejects(String reason) {
        LongAdder a = rejects.get(reason);
        return a == null ? 0 : a.sum();
    }

    void error(String code) {
        errors.computeIfAbsent(code, r -> new LongAdder()).increment();
    }

    void login(String result) {
        logins.computeIfAbsent(result, r -> new LongAdder()).increment();
    }

    void recipientBusy(int budget) {
        busy[budget].increment();
    }

    long recipientBusy(String budget) {
        return busy[BUSY_BUDGETS.indexOf(budget)].sum();
    }

    /** A relay dropped as a retry of one its recipient got already ({@link RetryFilter}); {@code path}: {@link #RETRY_PATHS}. */
    void retryDropped(int path) {
        retriesDropped[path].increment();
    }

    long retriesDropped(String path) {
        return retriesDropped[RETRY_PATHS.indexOf(path)].sum();
    }

    /** An ops HTTP connection cut: no complete request by its deadline, or evicted for a newer one. */
    void opsDropped(String reason) {
        opsDropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** This server is node {@code id} of a cluster: /metrics shows its cluster counters, labelled with it. */
    void clusterNode(String id) {
        nodeId = id;
    }

    void cluster(String event) {
        cluster.computeIfAbsent(event, r -> new LongAdder()).increment();
    }

    long clusterCount(String event) {
        LongAdder a = cluster.get(event);
        return a == null ? 0 : a.sum();
    }

    void logout() {
        logouts.increment();
    }

    void closed(int code) {
        closes.computeIfAbsent(code, r -> new LongAdder()).increment();
    }

    void received() {
        received.increment();
    }

    /** {@code type}: index into {@link #RELAYED_TYPES}. */
    void relayed(int type, long nanos) {
        relayed[type].increment();
        latencySumNanos.add(nanos);
        int i = 0;
        while (i < boundsNanos.length && nanos > boundsNanos[i]) i++;
        buckets[i].increment();
    }

    String render() {
        StringBuilder b = new StringBuilder(4096);
        header(b, "parley_connections", "gauge", "open TCP connections, including handshakes in progress");
        b.append("parley_connections ").append(gaugeValue("connections")).append('\n');
        header(b, "parley_websocket_connections", "gauge", "connections past the WebSocket handshake");
        b.append("parley_websocket_connections ").append(gaugeValue("websocket")).append('\n');
        header(b, "parley_authenticated_peers", "gauge", "peers logged in on a live connection");
        b.append("parley_authenticated_peers ").append(gaugeValue("authenticated")).append('\n');
        header(b, "parley_sessions_in_grace", "gauge", "dropped sessions held for resumption");
        b.append("parley_sessions_in_grace ").append(gaugeValue("grace")).append('\n');
        header(b, "parley_draining", "gauge", "1 while shutting down");
        b.append("parley_draining ").append(gaugeValue("draining")).append('\n');
        header(b, "parley_messages_received_total", "counter", "data messages received from clients");
        b.append("parley_messages_received_total ").append(received.sum()).append('\n');
        header(b, "parley_relayed_messages_total", "counter", "messages relayed between peers");
        for (int i = 0; i < relayed.length; i++) {
            b.append("parley_relayed_messages_total{type=\"").append(RELAYED_TYPES.get(i)).append("\"} ")
                    .append(relayed[i].sum()).append('\n');
        }
        labelled(b, "parley_rejects_total", "connections cut off for a violation, by reason", "reason", rejects);
        labelled(b, "parley_errors_total", "non-fatal errors sent to clients, by code", "code", errors);
        labelled(b, "parley_logins_total", "successful logins by kind", "result", logins);
        header(b, "parley_recipient_busy_total", "counter", "relays refused with recipient_busy, by the budget spent");
        for (int i = 0; i < busy.length; i++) {
            b.append("parley_recipient_busy_total{budget=\"").append(BUSY_BUDGETS.get(i)).append("\"} ")
                    .append(busy[i].sum()).append('\n');
        }
        header(b, "parley_relay_retries_dropped_total", "counter",
                "relays dropped because their recipient got the same sender's relay with the same id within the retry window, by how they came");
        for (int i = 0; i < retriesDropped.length; i++) {
            b.append("parley_relay_retries_dropped_total{path=\"").append(RETRY_PATHS.get(i)).append("\"} ")
                    .append(retriesDropped[i].sum()).append('\n');
        }
        header(b, "parley_relay_retry_window_entries", "gauge", "(sender, id) pairs remembered to drop retries, over all recipients");
        b.append("parley_relay_retry_window_entries ").append(gaugeValue("retry_entries")).append('\n');
        labelled(b, "parley_ops_http_dropped_total", "ops HTTP connections cut (no request in time, or evicted)",
                "reason", opsDropped);
        header(b, "parley_logouts_total", "counter", "clean logouts (binding ended without resume grace)");
        b.append("parley_logouts_total ").append(logouts.sum()).append('\n');
        header(b, "parley_closes_total", "counter", "closed WebSocket connections by close code");
        closes.forEach((code, n) -> b.append("parley_closes_total{code=\"").append(code).append("\"} ")
                .append(n.sum()).append('\n'));
        header(b, "parley_relay_latency_seconds", "histogram", "time from receiving a relayed message to queueing it");
        long cumulative = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cumulative += buckets[i].sum();
            b.append("parley_relay_latency_seconds_bucket{le=\"").append(fmt(BOUNDS[i])).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += buckets[BOUNDS.length].sum();
        b.append("parley_relay_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        b.append("parley_relay_latency_seconds_sum ").append(fmt(latencySumNanos.sum() / 1e9)).append('\n');
        b.append("parley_relay_latency_seconds_count ").append(cumulative).append('\n');
        String node = nodeId;
        if (node != null) {
            header(b, "parley_cluster_ready", "gauge", "1 while this node reaches the cluster directory (Redis)");
            b.append("parley_cluster_ready{node=\"").append(node).append("\"} ").append(gaugeValue("cluster_ready")).append('\n');
            header(b, "parley_cluster_routes", "gauge", "bindings this node holds (and has asserted in Redis)");
            b.append("parley_cluster_routes{node=\"").append(node).append("\"} ").append(gaugeValue("cluster_routes")).append('\n');
            header(b, "parley_cluster_nodes", "gauge", "nodes whose heartbeat this node's last look saw, itself included");
            b.append("parley_cluster_nodes{node=\"").append(node).append("\"} ").append(gaugeValue("cluster_nodes")).append('\n');
            header(b, "parley_cluster_waiting", "gauge", "connections waiting for the directory now (a login's claim, a watch)");
            b.append("parley_cluster_waiting{node=\"").append(node).append("\"} ").append(gaugeValue("cluster_waiting")).append('\n');
            header(b, "parley_cluster_events_total", "counter", "cross-node relays, Redis calls and errors, epoch conflicts, sweeps");
            cluster.forEach((k, n) -> b.append("parley_cluster_events_total{node=\"").append(node).append("\",event=\"")
                    .append(k).append("\"} ").append(n.sum()).append('\n'));
        }
        jvm(b);
        return b.toString();
    }

    private long gaugeValue(String name) {
        IntSupplier s = gauges.get(name);
        return s == null ? 0 : s.getAsInt();
    }

    private static void labelled(StringBuilder b, String name, String help, String label, Map<String, LongAdder> m) {
        header(b, name, "counter", help);
        m.forEach((k, n) -> b.append(name).append('{').append(label).append("=\"").append(k).append("\"} ")
                .append(n.sum()).append('\n'));
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void jvm(StringBuilder b) {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        header(b, "jvm_memory_used_bytes", "gauge", "JVM memory in use");
        b.append("jvm_memory_used_bytes{area=\"heap\"} ").append(mem.getHeapMemoryUsage().getUsed()).append('\n');
        b.append("jvm_memory_used_bytes{area=\"nonheap\"} ").append(mem.getNonHeapMemoryUsage().getUsed()).append('\n');
        header(b, "jvm_memory_max_bytes", "gauge", "JVM heap limit");
        b.append("jvm_memory_max_bytes{area=\"heap\"} ").append(mem.getHeapMemoryUsage().getMax()).append('\n');
        header(b, "jvm_threads_current", "gauge", "live JVM threads");
        b.append("jvm_threads_current ").append(ManagementFactory.getThreadMXBean().getThreadCount()).append('\n');
        header(b, "jvm_gc_collection_seconds_total", "counter", "time spent in garbage collection");
        header(b, "jvm_gc_collections_total", "counter", "garbage collections");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String n = gc.getName().replace('"', '\'');
            b.append("jvm_gc_collection_seconds_total{gc=\"").append(n).append("\"} ")
                    .append(fmt(gc.getCollectionTime() / 1000.0)).append('\n');
            b.append("jvm_gc_collections_total{gc=\"").append(n).append("\"} ").append(gc.getCollectionCount()).append('\n');
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            header(b, "process_cpu_seconds_total", "counter", "CPU time used by the process");
            b.append("process_cpu_seconds_total ").append(fmt(sun.getProcessCpuTime() / 1e9)).append('\n');
        }
        if (os instanceof UnixOperatingSystemMXBean unix) {
            header(b, "process_open_fds", "gauge", "open file descriptors");
            b.append("process_open_fds ").append(unix.getOpenFileDescriptorCount()).append('\n');
            header(b, "process_max_fds", "gauge", "file descriptor limit");
            b.append("process_max_fds ").append(unix.getMaxFileDescriptorCount()).append('\n');
        }
        long rss = residentBytes();
        if (rss >= 0) {
            header(b, "process_resident_memory_bytes", "gauge", "resident set size");
            b.append("process_resident_memory_bytes ").append(rss).append('\n');
        }
        header(b, "process_start_time_seconds", "gauge", "start time since the Unix epoch");
        b.append("process_start_time_seconds ").append(fmt(startMillis / 1000.0)).append('\n');
    }

    /** RSS from /proc (Linux); -1 elsewhere. */
    private static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }
}
