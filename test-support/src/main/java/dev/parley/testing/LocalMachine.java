package dev.parley.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What tests need of this machine: its own non-loopback address, and certificates made by openssl. */
public final class LocalMachine {
    private LocalMachine() {}

    /** The first IPv4 address of an interface that is up and not loopback (webrtc-java ignores loopback). */
    public static InetAddress ownIpv4() throws IOException {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (ni.isUp() && !ni.isLoopback()) {
                for (InetAddress a : ni.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) return a;
                }
            }
        }
        throw new IOException("no non-loopback IPv4 address on this machine");
    }

    /**
     * A self-signed P-256 certificate valid two days for {@code subjectAltName} (e.g.
     * {@code "IP:10.0.0.2,DNS:parley.test"}) and its key in unencrypted PKCS#8 PEM, by the openssl command.
     */
    public static void selfSignedCertificate(Path cert, Path key, String subjectAltName) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=parley-test", "-addext", "subjectAltName=" + subjectAltName,
                "-keyout", key.toString(), "-out", cert.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl did not finish within 60 s");
        }
        if (p.exitValue() != 0) throw new IOException("openssl failed (" + p.exitValue() + "): " + out);
    }
}
