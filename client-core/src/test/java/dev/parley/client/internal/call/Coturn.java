package dev.parley.client.internal.call;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A coturn TURN server (Debian package {@code coturn}) for one test: its own config in a temp dir,
 * {@code use-auth-secret} (TURN REST credentials), listening on this machine's own IPv4 address (webrtc
 * ignores loopback). Started as our child; {@link #close()} stops exactly that PID.
 */
public final class Coturn implements AutoCloseable {
    final String host;
    final int port;
    private final String secret;
    private final Process process;

    public Coturn(Path dir) throws Exception {
        host = ownIpv4().getHostAddress();
        port = freeUdpPort();
        byte[] s = new byte[16];
        new SecureRandom().nextBytes(s);
        secret = HexFormat.of().formatHex(s);
        int relayMin = 40_000 + ThreadLocalRandom.current().nextInt(0, 800) * 10;
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=" + host,
                "listening-port=" + port,
                "relay-ip=" + host,
                "min-port=" + relayMin,
                "max-port=" + (relayMin + 49),
                "use-auth-secret",
                "static-auth-secret=" + secret,
                "realm=parley.test",
                "fingerprint",
                "no-tls", "no-dtls", "no-cli", "no-tcp-relay",
                "pidfile=" + dir.resolve("turnserver.pid"),
                "userdb=" + dir.resolve("turndb"),
                "log-file=" + dir.resolve("turn.log"),
                "simple-log", ""));
        process = new ProcessBuilder("turnserver", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turn.out").toFile()).start();
        awaitStun(Duration.ofSeconds(10));
    }

    /** TURN REST credentials (draft-uberti-behave-turn-rest): user = expiry:name, password = HMAC-SHA1. */
    String[] credentials(String name) throws Exception {
        String user = (System.currentTimeMillis() / 1000 + 3600) + ":" + name;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return new String[] {user, Base64.getEncoder().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)))};
    }

    /** The coturn {@code static-auth-secret}, for a signaling server that hands out credentials itself. */
    public String secret() {
        return secret;
    }

    public String url() {
        return "turn:" + host + ":" + port + "?transport=udp";
    }

    /** Bounded readiness check: a STUN Binding request (RFC 8489) until it is answered. */
    private void awaitStun(Duration timeout) throws Exception {
        byte[] req = new byte[20];
        req[1] = 0x01; // Binding request, length 0
        req[4] = 0x21; req[5] = 0x12; req[6] = (byte) 0xA4; req[7] = 0x42; // magic cookie
        ThreadLocalRandom.current().nextBytes(new byte[0]);
        for (int i = 8; i < 20; i++) {
            req[i] = (byte) ThreadLocalRandom.current().nextInt();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("turnserver exited with " + process.exitValue());
                }
                s.send(new DatagramPacket(req, req.length, new InetSocketAddress(host, port)));
                try {
                    DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                    s.receive(reply);
                    return;
                } catch (SocketTimeoutException notYet) {
                    // retry until the deadline
                }
            }
        }
        throw new IllegalStateException("turnserver did not answer STUN within " + timeout);
    }

    static InetAddress ownIpv4() throws IOException {
        return dev.parley.testing.LocalMachine.ownIpv4();
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM to our own child only
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
