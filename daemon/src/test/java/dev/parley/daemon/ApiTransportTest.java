package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.DaemonTrust;
import dev.parley.daemon.client.RemoteParley;
import dev.parley.testing.LocalMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API's other two ways in, against a real daemon: the UNIX socket in the profile (owner-only, token
 * still required, gone when the daemon stops) and HTTPS on a non-loopback address (the certificate from
 * daemon.json trusted, Host checked against the certificate's names, plain HTTP and bad TLS files refused).
 */
class ApiTransportTest {
    @TempDir
    Path dir;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void theUnixSocketServesTheSameApiOwnerOnlyWithTheTokenAndGoesAwayWithTheDaemon() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        Path socket = f.profile("daemon").resolve(Daemon.SOCKET);
        assertThat(f.daemon.socket()).hasValue(socket);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        String ok = unixRequest(socket, "GET /v1/check HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + f.token.value()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200 ");
        JsonNode check = ApiJson.parse(ok.substring(ok.indexOf("\r\n\r\n") + 4));
        assertThat(check.get("peerId").asText()).isEqualTo(f.daemon.client().peerId().value());

        String none = unixRequest(socket, "GET /v1/contacts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(none).startsWith("HTTP/1.1 401 ").contains("\"code\":\"unauthorized\"");
        String foreign = unixRequest(socket, "GET /v1/contacts HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.example\r\nAuthorization: Bearer "
                + f.token.value() + "\r\nConnection: close\r\n\r\n");
        assertThat(foreign).startsWith("HTTP/1.1 403 ").contains("\"code\":\"forbidden_origin\"");
        // The TCP side still checks Host: the socket's leniency is its own.
        Api.Reply tcp = f.api.get("/v1/check");
        assertThat(tcp.status()).isEqualTo(200);

        f.daemon.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void aStaleSocketFileFromADeadDaemonIsReplaced() throws Exception {
        f = new DaemonFixture(dir);
        Path socket = f.profile("daemon").resolve(Daemon.SOCKET);
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "left behind");
        f.startDaemon();
        assertThat(unixRequest(socket, "GET /v1/check HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + f.token.value()
                + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aNonLoopbackAddressIsServedOverHttpsOnlyWithTheCertificatesNames() throws Exception {
        f = new DaemonFixture(dir);
        InetAddress own = LocalMachine.ownIpv4();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        LocalMachine.selfSignedCertificate(cert, key, "IP:" + own.getHostAddress() + ",DNS:parley.test");
        f.startDaemon(DaemonConfig.loopback(0).withBind(own.getHostAddress(), true).withTls(cert, key), EventLog.DEFAULT_CAPACITY);
        URI url = f.daemon.url();
        assertThat(url.toString()).isEqualTo("https://" + own.getHostAddress() + ":" + f.daemon.port());
        assertThat(f.daemon.tlsCertificate()).hasValue(cert.toAbsolutePath());

        HttpClient trusting = HttpClient.newBuilder().sslContext(DaemonTrust.trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> ok = trusting.send(HttpRequest.newBuilder(url.resolve("/v1/check")).header("Authorization", "Bearer " + f.token.value())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<String> none = trusting.send(HttpRequest.newBuilder(url.resolve("/v1/contacts")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);

        // Without the daemon's certificate the system's CAs do not vouch for it.
        HttpClient system = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> system.send(HttpRequest.newBuilder(url.resolve("/v1/check")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

        // Host: the address and the certificate's DNS name pass; anything else is a rebinding attempt.
        assertThat(tlsRequest(cert, own, f.daemon.port(), f.token.value(), "parley.test:" + f.daemon.port())).startsWith("HTTP/1.1 200 ");
        assertThat(tlsRequest(cert, own, f.daemon.port(), f.token.value(), own.getHostAddress() + ":" + f.daemon.port())).startsWith("HTTP/1.1 200 ");
        assertThat(tlsRequest(cert, own, f.daemon.port(), f.token.value(), "evil.example:" + f.daemon.port()))
                .startsWith("HTTP/1.1 421 ").contains("\"code\":\"forbidden_host\"");

        // Plain HTTP to the TLS port gets no answer of the API.
        try (Socket plain = new Socket(own, f.daemon.port())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(("GET /v1/check HTTP/1.1\r\nHost: " + own.getHostAddress() + "\r\nAuthorization: Bearer "
                    + f.token.value() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                answer = new String(plain.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                answer = "";
            }
            assertThat(answer).doesNotStartWith("HTTP/1.1 200");
        }

        // The library's remote client, trusting the certificate daemon.json names.
        try (RemoteParley remote = RemoteParley.connect(new DaemonEndpoint(ProcessHandle.current().pid(), url, f.token.value(), null, cert),
                new dev.parley.client.ParleyListener() { })) {
            assertThat(remote.peerId()).isEqualTo(f.daemon.client().peerId());
            assertThat(remote.contacts()).isEmpty();
        }
    }

    @Test
    void unusableTlsFilesAreRefusedSayingWhichAndWhatIsExpected() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        LocalMachine.selfSignedCertificate(cert, key, "DNS:localhost");
        Path otherCert = dir.resolve("other-cert.pem");
        Path otherKey = dir.resolve("other-key.pem");
        LocalMachine.selfSignedCertificate(otherCert, otherKey, "DNS:localhost");
        DaemonConfig c = DaemonConfig.loopback(0).withUnixSocket(false);
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c.withTls(dir.resolve("missing.pem"), key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read the TLS certificate").hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c.withTls(key, key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN CERTIFICATE");
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c.withTls(cert, otherKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matching the certificate");
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c.withTls(cert, cert)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN PRIVATE KEY");
    }

    private static String unixRequest(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
            InputStream in = Channels.newInputStream(ch);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String tlsRequest(Path cert, InetAddress address, int port, String token, String host) throws IOException {
        try (SSLSocket s = (SSLSocket) DaemonTrust.trusting(cert).getSocketFactory().createSocket(address, port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /v1/check HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
