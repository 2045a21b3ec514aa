package dev.parley.server;

import dev.parley.protocol.signal.CloseCodes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many users behind one address: the per-address caps apply to the real client a trusted proxy names
 * (PROXY protocol v1/v2 or X-Forwarded-For), and to the TCP peer otherwise; what an untrusted peer
 * claims is ignored.
 */
class ProxyTest extends ServerTestSupport {
    static final String PROXY = "127.0.0.2";

    void startBehindProxy() throws Exception {
        start(b -> b.trustedProxies(List.of(PROXY + "/32")).maxConnectionsPerIp(2));
    }

    RawWsClient via(String from, String preamble, String headers) throws Exception {
        return via(from, preamble.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), headers);
    }

    RawWsClient via(String from, byte[] preamble, String headers) throws Exception {
        RawWsClient r = RawWsClient.connect(InetAddress.getByName(from), ports.wsPort(), "127.0.0.1:" + ports.wsPort(),
                preamble, headers);
        cleanup.add(r);
        return r;
    }

    static void assertServed(RawWsClient r) throws Exception {
        assertThat(r.upgraded()).isTrue();
        assertThat(r.nextText()).contains("\"challenge\"");
    }

    static void assertOverloaded(RawWsClient r) throws Exception {
        assertThat(r.upgraded()).isTrue();
        assertThat(r.nextText()).contains("\"overloaded\"");
        assertThat(r.awaitClose()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    }

    static String v1(String client) {
        return (client.contains(":") ? "PROXY TCP6 " + client + " ::1 " : "PROXY TCP4 " + client + " 127.0.0.1 ")
                + "40000 8080\r\n";
    }

    static byte[] v2(byte[] client) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.write(0x21); // v2, PROXY
        b.write(0x11); // AF_INET, STREAM
        b.write(0);
        b.write(12);
        b.writeBytes(client);
        b.writeBytes(new byte[] {127, 0, 0, 1});
        b.writeBytes(new byte[] {(byte) 0x9c, 0x40, 0x1f, (byte) 0x90});
        return b.toByteArray();
    }

    @Test
    void proxyProtocolV1FromATrustedProxyCountsTheRealClient() throws Exception {
        startBehindProxy();
        assertServed(via(PROXY, v1("203.0.113.7"), ""));
        assertServed(via(PROXY, v1("203.0.113.7"), ""));
        assertOverloaded(via(PROXY, v1("203.0.113.7"), ""));
        // Another client behind the same proxy is not affected, and the proxy itself holds no slot.
        assertServed(via(PROXY, v1("203.0.113.8"), ""));
        assertServed(via(PROXY, v1("203.0.113.9"), ""));
        assertServed(via(PROXY, v1("203.0.113.9"), ""));
    }

    @Test
    void proxyProtocolV2FromATrustedProxyCountsTheRealClient() throws Exception {
        startBehindProxy();
        byte[] c = {(byte) 198, 51, 100, 9};
        assertServed(via(PROXY, v2(c), ""));
        assertServed(via(PROXY, v2(c), ""));
        assertOverloaded(via(PROXY, v2(c), ""));
        assertServed(via(PROXY, v2(new byte[] {(byte) 198, 51, 100, 10}), ""));
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() throws Exception {
        startBehindProxy();
        assertServed(via(PROXY, v1("2001:db8:0:1::1"), ""));
        assertServed(via(PROXY, v1("2001:db8:0:1::2"), ""));
        assertOverloaded(via(PROXY, v1("2001:db8:0:1:ffff::3"), "")); // same /64
        assertServed(via(PROXY, v1("2001:db8:0:2::1"), ""));
    }

    @Test
    void xForwardedForFromATrustedProxyCountsTheRealClient() throws Exception {
        startBehindProxy();
        // The rightmost entry not itself a trusted proxy is the client; what it claims left of that is ignored.
        assertServed(via(PROXY, "", "X-Forwarded-For: 192.0.2.50\r\n"));
        assertServed(via(PROXY, "", "X-Forwarded-For: 10.9.9.9, 192.0.2.50, " + PROXY + "\r\n"));
        assertOverloaded(via(PROXY, "", "X-Forwarded-For: 10.9.9.8, 192.0.2.50\r\n"));
        assertServed(via(PROXY, "", "X-Forwarded-For: 192.0.2.51\r\n"));
    }

    @Test
    void aForgedForwardedForOrProxyHeaderFromAnUntrustedAddressIsIgnored() throws Exception {
        startBehindProxy();
        String attacker = "127.0.0.3";
        assertServed(via(attacker, "", "X-Forwarded-For: 192.0.2.1\r\n"));
        assertServed(via(attacker, "", "X-Forwarded-For: 192.0.2.2\r\n"));
        // Counted as 127.0.0.3 whatever it claims: the cap of 2 applies.
        assertOverloaded(via(attacker, "", "X-Forwarded-For: 192.0.2.3\r\n"));
        RawWsClient proxied = via("127.0.0.4", v1("192.0.2.4"), "");
        assertThat(proxied.upgraded()).isFalse(); // a PROXY header from a non-proxy is just a bad request
        assertThat(metric("parley_rejects_total{reason=\"overloaded\"}")).isEqualTo(1);
    }

    @Test
    void aMalformedProxyHeaderFromATrustedProxyClosesTheSocket() throws Exception {
        startBehindProxy();
        RawWsClient r = via(PROXY, "PROXY TCP4 not-an-address 127.0.0.1 1 2\r\n", "");
        assertThat(r.upgraded()).isFalse();
        assertThat(metric("parley_rejects_total{reason=\"proxy_protocol\"}")).isEqualTo(1);
    }

    @Test
    void theShippedPerAddressDefaultsFitAnOfficeOrCarrierGradeNat() {
        ServerConfig d = ServerConfig.builder().build();
        assertThat(d.maxConnectionsPerIp()).isEqualTo(1000);
        assertThat(d.handshakeBurstPerIp()).isEqualTo(500);
        assertThat(d.handshakesPerSecondPerIp()).isEqualTo(50);
        assertThat(d.trustedProxies()).isEmpty();
    }
}
