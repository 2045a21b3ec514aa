package dev.parley.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** wss with key material made on the spot by the JDK's keytool and by openssl. */
class TlsTest extends ServerTestSupport {
    @TempDir
    Path dir;

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    private static SSLContext trusting(Certificate cert) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private void loginOverWss() throws Exception {
        uri = URI.create("wss://localhost:" + ports.wsPort() + "/");
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        assertPairStillRelays(a, b);
    }

    @Test
    void servesWssFromAPkcs12KeyStore() throws Exception {
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(dir, keytool, "-genkeypair", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        clientTls = trusting(ks.getCertificate("server"));
        start(b -> b.tlsPkcs12(p12).tlsPassword("changeit"));
        loginOverWss();
    }

    @Test
    void servesWssFromAPemCertificateAndKey() throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        clientTls = trusting(cert);
        start(b -> b.tlsCert(dir.resolve("cert.pem")).tlsKey(dir.resolve("key.pem")));
        loginOverWss();
        assertThat(server.config().tls()).isTrue();
        assertThat(List.of(ports.wsPort())).doesNotContain(0);
    }

    @Test
    void offLoopbackWithoutPublicHostTheCertificatesDnsNamesAreTheNameLoginsAreBoundTo() throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=ignored.example",
                "-addext", "subjectAltName=DNS:localhost,DNS:*.wild.example,IP:127.0.0.1");
        Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        clientTls = trusting(cert);
        start(b -> b.bindAddress("0.0.0.0").tlsCert(dir.resolve("cert.pem")).tlsKey(dir.resolve("key.pem")));
        loginOverWss();
        // The IP entry, the wildcard and the CN are not names the server can be dialed by for sure.
        uri = URI.create("wss://127.0.0.1:" + ports.wsPort() + "/");
        TestPeer byIp = connect();
        byIp.ws.send(byIp.authFor(byIp.ws.expect(dev.parley.protocol.signal.Challenge.class)));
        assertThat(byIp.ws.expect(dev.parley.protocol.signal.ErrorMessage.class).code())
                .isEqualTo(dev.parley.protocol.signal.ErrorCode.AUTH_FAILED);
    }
}
