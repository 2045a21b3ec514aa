package dev.parley.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Builds a {@link ServerConfig} from three layers: command-line flags over {@code PARLEY_*} environment
 * variables over a properties file over the defaults. One table ({@link #KEYS}) names every setting once:
 * flag {@code --max-watch}, environment {@code PARLEY_MAX_WATCH}, file key {@code max-watch}.
 * Failures are IllegalArgumentException naming the setting and where it came from.
 */
public final class ConfigLoader {
    /** The environment variable (or flag {@code --config}) naming the properties file. */
    public static final String CONFIG_ENV = "PARLEY_CONFIG";

    /** One setting: its kebab-case name, a description for --help and docs, and how it lands in the builder. */
    public record Key(String name, String description, String defaultText,
                      BiConsumer<ServerConfig.ServerConfigBuilder, String> apply) {
        public String env() {
            return "PARLEY_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        public String flag() {
            return "--" + name;
        }
    }

    private static final ServerConfig D = ServerConfig.builder().build();

    public static final List<Key> KEYS = List.of(
            new Key("port", "WebSocket port (0: any free port)", "" + D.port(), (b, v) -> b.port(integer(v))),
            new Key("bind", "WebSocket bind address", D.bindAddress(), (b, v) -> b.bindAddress(v)),
            new Key("http-port", "ops HTTP port for /healthz and /metrics (0: any, negative: off)", "" + D.httpPort(),
                    (b, v) -> b.httpPort(integer(v))),
            new Key("http-bind", "ops HTTP bind address", D.httpBindAddress(), (b, v) -> b.httpBindAddress(v)),
            new Key("tls-cert", "PEM certificate chain for wss (with tls-key)", "", (b, v) -> b.tlsCert(Path.of(v))),
            new Key("tls-key", "PEM PKCS#8 private key for wss", "", (b, v) -> b.tlsKey(Path.of(v))),
            new Key("tls-pkcs12", "PKCS#12 key store for wss (instead of PEM)", "", (b, v) -> b.tlsPkcs12(Path.of(v))),
            new Key("tls-password", "PKCS#12 password", "", (b, v) -> b.tlsPassword(v)),
            new Key("public-host", "comma-separated authorities clients dial and sign at login (required off loopback without a TLS certificate)",
                    "(loopback names / TLS certificate)", (b, v) -> b.publicHosts(list(v))),
            new Key("allowed-origin", "comma-separated browser Origins allowed (empty: any)", "",
                    (b, v) -> b.allowedOrigins(list(v))),
            new Key("max-message-bytes", "largest message, across continuation frames", "" + D.maxMessageBytes(),
                    (b, v) -> b.maxMessageBytes(integer(v))),
            new Key("messages-per-second", "per-connection sustained message rate", "" + D.messagesPerSecond(),
                    (b, v) -> b.messagesPerSecond(integer(v))),
            new Key("burst", "per-connection message burst", "" + D.burst(), (b, v) -> b.burst(integer(v))),
            new Key("max-watch", "most peers one client may watch", "" + D.maxWatch(), (b, v) -> b.maxWatch(integer(v))),
            new Key("max-fragments", "most WebSocket frames one message may span", "" + D.maxFragments(),
                    (b, v) -> b.maxFragments(integer(v))),
            new Key("control-frames-per-second", "pings and pongs a client may send per second (burst 4 s worth)",
                    "" + D.controlFramesPerSecond(), (b, v) -> b.controlFramesPerSecond(integer(v))),
            new Key("bytes-per-second", "inbound bytes per second per connection over all frames (0: 4096 x messages-per-second)",
                    "0", (b, v) -> b.bytesPerSecond(Long.parseLong(v.trim()))),
            new Key("max-connections", "TCP connections in total", "" + D.maxConnections(),
                    (b, v) -> b.maxConnections(integer(v))),
            new Key("max-connections-per-ip", "TCP connections per client address", "" + D.maxConnectionsPerIp(),
                    (b, v) -> b.maxConnectionsPerIp(integer(v))),
            new Key("handshakes-per-second-per-ip", "new connections per second per address",
                    "" + D.handshakesPerSecondPerIp(), (b, v) -> b.handshakesPerSecondPerIp(integer(v))),
            new Key("handshake-burst-per-ip", "new-connection burst per address", "" + D.handshakeBurstPerIp(),
                    (b, v) -> b.handshakeBurstPerIp(integer(v))),
            new Key("trusted-proxy", "comma-separated address blocks (CIDR) of proxies whose PROXY header or X-Forwarded-For is believed",
                    "", (b, v) -> b.trustedProxies(list(v))),
            new Key("auth-deadline-ms", "time from TCP accept to a verified auth", ms(D.authDeadline()),
                    (b, v) -> b.authDeadline(millis(v))),
            new Key("idle-timeout-ms", "close after this long without any frame", ms(D.idleTimeout()),
                    (b, v) -> b.idleTimeout(millis(v))),
            new Key("heartbeat-ms", "WebSocket ping interval (also told to clients)", ms(D.heartbeat()),
                    (b, v) -> b.heartbeat(millis(v))),
            new Key("resume-grace-ms", "how long a dropped session is held for resumption", ms(D.resumeGrace()),
                    (b, v) -> b.resumeGrace(millis(v))),
            new Key("max-queued-messages", "outbound queue bound per connection (messages)", "" + D.maxQueuedMessages(),
                    (b, v) -> b.maxQueuedMessages(integer(v))),
            new Key("max-queued-bytes", "outbound queue bound per connection (bytes)", "" + D.maxQueuedBytes(),
                    (b, v) -> b.maxQueuedBytes(Long.parseLong(v.trim()))),
            new Key("slow-consumer-ms", "cut a connection whose outbound queue stayed full this long (it stopped reading)",
                    ms(D.slowConsumerTimeout()), (b, v) -> b.slowConsumerTimeout(millis(v))),
            new Key("recipient-messages-per-second", "messages/s one sender may relay to one recipient (0: messages-per-second)",
                    "0", (b, v) -> b.recipientMessagesPerSecond(integer(v))),
            new Key("recipient-bytes-per-second", "bytes/s one sender may relay to one recipient (0: 2048 x its message rate)",
                    "0", (b, v) -> b.recipientBytesPerSecond(Long.parseLong(v.trim()))),
            new Key("stun-urls", "comma-separated STUN URLs handed to clients", "", (b, v) -> b.stunUrls(list(v))),
            new Key("turn-urls", "comma-separated TURN URLs (need turn-secret)", "", (b, v) -> b.turnUrls(list(v))),
            new Key("turn-secret", "coturn static-auth-secret for REST-API credentials", "", (b, v) -> b.turnSecret(v)),
            new Key("turn-ttl-seconds", "lifetime of TURN credentials", "" + D.turnTtl().toSeconds(),
                    (b, v) -> b.turnTtl(Duration.ofSeconds(Long.parseLong(v.trim())))),
            new Key("reconnect-after-ms", "delay suggested to clients in going-away", ms(D.reconnectAfter()),
                    (b, v) -> b.reconnectAfter(millis(v))),
            new Key("drain-delay-ms", "on shutdown, how long /healthz says 503 before clients are told to go",
                    ms(D.drainDelay()), (b, v) -> b.drainDelay(millis(v))),
            new Key("shutdown-timeout-ms", "on shutdown, how long to wait for clients to close",
                    ms(D.shutdownTimeout()), (b, v) -> b.shutdownTimeout(millis(v))),
            new Key("transport", "WebSocket transport: netty (the only one)", D.transport(),
                    (b, v) -> b.transport(v.trim().toLowerCase(Locale.ROOT))),
            new Key("worker-threads", "event loops; 0: one per four CPUs, at least one", "" + D.workerThreads(),
                    (b, v) -> b.workerThreads(integer(v))),
            new Key("redis", "run as one node of a cluster coordinated through this Redis (redis://HOST:PORT[/DB]); unset: a single server", "",
                    (b, v) -> b.redis(v.trim().isEmpty() ? null : v.trim())),
            new Key("node-id", "this node's name in the cluster (letters, digits, - _ .); default: random", "",
                    (b, v) -> b.nodeId(v.trim())),
            new Key("public-url", "clustered: the ws:// or wss:// URL clients reach this node at, advertised by the other nodes in welcome; unset: not advertised", "",
                    (b, v) -> b.publicUrl(v.trim().isEmpty() ? null : v.trim())));

    private ConfigLoader() {}

    /**
     * Merges the layers. {@code flags} and {@code fileValues} are keyed by setting name ({@code max-watch});
     * {@code env} is the process environment. Unknown file keys and flags are errors, so a typo never silently
     * leaves a default in place; other PARLEY_* variables are ignored (the client reads some too).
     */
    public static ServerConfig load(Map<String, String> flags, Map<String, String> env, Map<String, String> fileValues) {
        Map<String, Key> byName = new LinkedHashMap<>();
        for (Key k : KEYS) byName.put(k.name(), k);
        for (String n : fileValues.keySet()) {
            if (!byName.containsKey(n)) throw new IllegalArgumentException("unknown setting '" + n + "' in config file");
        }
        for (String n : flags.keySet()) {
            if (!byName.containsKey(n)) throw new IllegalArgumentException("unknown setting --" + n);
        }
        ServerConfig.ServerConfigBuilder b = ServerConfig.builder();
        for (Key k : KEYS) {
            String where;
            String v;
            if (flags.containsKey(k.name())) {
                v = flags.get(k.name());
                where = k.flag();
            } else if (env.containsKey(k.env())) {
                v = env.get(k.env());
                where = k.env();
            } else if (fileValues.containsKey(k.name())) {
                v = fileValues.get(k.name());
                where = k.name() + " in config file";
            } else {
                continue;
            }
            try {
                k.apply().accept(b, v);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + ": cannot use '" + v + "': " + e.getMessage(), e);
            }
        }
        return b.build().validate();
    }

    /** Reads a properties file (UTF-8) into setting name → value. */
    public static Map<String, String> readFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : p.stringPropertyNames()) out.put(n.trim(), p.getProperty(n).trim());
        return out;
    }

    private static int integer(String v) {
        return Integer.parseInt(v.trim());
    }

    private static Duration millis(String v) {
        return Duration.ofMillis(Long.parseLong(v.trim()));
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }

    private static List<String> list(String v) {
        List<String> out = new ArrayList<>();
        for (String s : Arrays.asList(v.split(","))) {
            if (!s.isBlank()) out.add(s.trim());
        }
        return List.copyOf(out);
    }
}
