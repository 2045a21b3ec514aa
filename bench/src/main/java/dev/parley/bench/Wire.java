package dev.parley.bench;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SdpProofPayload;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.SdpProof;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The generator's view of the signaling protocol. Outgoing messages are built with the protocol
 * records and the shared {@link WireCodec} (so they are exactly what a real client sends), once per pair, as templates
 * whose {@code id} is patched in place per send. Incoming relayed messages are not parsed: at 20,000
 * msgs/s a full parse would steal CPU from the server on a 2-core machine, so {@link #stringField}
 * finds just the fields the generator needs.
 */
public final class Wire {
    /** The protocol's own codec; the bench has no JSON rules of its own. */
    public static final WireCodec CODEC = WireCodec.standard();

    /** id = 'b' + 9-digit sequence + 't' + 15-digit send time (ns since the bench's epoch). */
    public static final int ID_LENGTH = 26;
    private static final String ID_PLACEHOLDER = "b000000000t000000000000000";

    private Wire() {}

    public static byte[] clientJson(ClientMessage m) {
        return CODEC.encodeClient(m).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] auth(IdentityKeyPair key, String host, String nonceB64) {
        byte[] nonce = Base64Url.decode("nonce", nonceB64, AuthPayload.NONCE_LENGTH);
        byte[] sig = key.sign(AuthPayload.bytes(host, nonce, key.publicKey()));
        return clientJson(new Auth(key.publicKey(), nonceB64, Base64Url.encode(sig)));
    }

    public static byte[] ping(long n) {
        return clientJson(new Ping(Long.toString(n)));
    }

    /** A message body with a fixed-width id placeholder at {@code idPos}. */
    public record Template(byte[] json, int idPos) {
        public int length() {
            return json.length;
        }
    }

    public static void writeId(byte[] b, int pos, long seq, long sendNanos) {
        b[pos] = 'b';
        digits(b, pos + 1, 9, seq);
        b[pos + 10] = 't';
        digits(b, pos + 11, 15, sendNanos);
    }

    private static void digits(byte[] b, int pos, int width, long v) {
        for (int i = pos + width - 1; i >= pos; i--) {
            b[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
    }

    /** Reads back {@link #writeId}: returns {seq, sendNanos}, or null when it is not one of ours. */
    public static long[] readId(byte[] b, int pos, int len) {
        if (len != ID_LENGTH || b[pos] != 'b' || b[pos + 10] != 't') return null;
        long seq = 0, t = 0;
        for (int i = 1; i < 10; i++) {
            int d = b[pos + i] - '0';
            if (d < 0 || d > 9) return null;
            seq = seq * 10 + d;
        }
        for (int i = 11; i < 26; i++) {
            int d = b[pos + i] - '0';
            if (d < 0 || d > 9) return null;
            t = t * 10 + d;
        }
        return new long[]{seq, t};
    }

    private static Template template(ClientMessage m) {
        byte[] json = clientJson(m);
        int at = indexOf(json, 0, json.length, ("\"id\":\"" + ID_PLACEHOLDER + "\"").getBytes(StandardCharsets.US_ASCII));
        if (at < 0) throw new IllegalStateException("id placeholder not found in " + new String(json, StandardCharsets.UTF_8));
        return new Template(json, at + 6);
    }

    /**
     * An SDP offer of about {@code sdpBytes} bytes from {@code from} to {@code to}, with a real
     * {@link SdpProof} (the server relays it unread, but it should look like what clients send).
     */
    public static Template offer(IdentityKeyPair from, IdentityKeyPair to, int sdpBytes, Random rnd) {
        byte[] fp = new byte[32];
        rnd.nextBytes(fp);
        String sdp = fakeSdp(fp, sdpBytes, rnd);
        byte[] sessionId = new byte[SdpProofPayload.SESSION_ID_LENGTH];
        rnd.nextBytes(sessionId);
        long ts = System.currentTimeMillis();
        byte[] sig = from.sign(SdpProofPayload.bytes(SdpProofPayload.Kind.OFFER, sessionId, 1, from.publicKey(),
                to.publicKey(), fp, null, ts, sdp));
        SdpProof proof = new SdpProof(from.publicKey(), Base64Url.encode(sessionId), 1, ts, Base64Url.encode(sig));
        return template(new Offer(to.publicKey().peerId(), null, ID_PLACEHOLDER, sdp, proof));
    }

    /** A trickled server-reflexive candidate, about 250 bytes of JSON. */
    public static Template candidate(PeerId to, Random rnd) {
        byte[] sessionId = new byte[SdpProofPayload.SESSION_ID_LENGTH];
        rnd.nextBytes(sessionId);
        String cand = "candidate:" + (1_000_000_000L + rnd.nextInt(1_000_000_000)) + " 1 udp 1686052607 203.0.113."
                + (1 + rnd.nextInt(254)) + " " + (40000 + rnd.nextInt(20000)) + " typ srflx raddr 192.168.1."
                + (1 + rnd.nextInt(254)) + " rport " + (40000 + rnd.nextInt(20000)) + " generation 0 ufrag "
                + randomAlnum(rnd, 4) + " network-id 1";
        return template(new Candidate(to, null, ID_PLACEHOLDER, Base64Url.encode(sessionId), cand, "0", 0));
    }

    /** A plausible audio+video+data SDP, padded with ssrc lines to about {@code target} bytes. */
    static String fakeSdp(byte[] fingerprint, int target, Random rnd) {
        StringBuilder fp = new StringBuilder();
        String hex = Hashes.hex(fingerprint).toUpperCase(java.util.Locale.ROOT);
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) fp.append(':');
            fp.append(hex, i, i + 2);
        }
        String ufrag = randomAlnum(rnd, 4), pwd = randomAlnum(rnd, 24);
        StringBuilder s = new StringBuilder(target + 200);
        s.append("v=0\r\no=- ").append(Math.abs(rnd.nextLong())).append(" 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
                .append("a=group:BUNDLE 0 1 2\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS stream\r\n");
        String[][] media = {
                {"audio", "111 63 9 0 8 13 110 126", "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"},
                {"video", "96 97 98 99 100 101", "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"},
        };
        for (int i = 0; i < media.length; i++) {
            s.append("m=").append(media[i][0]).append(" 9 UDP/TLS/RTP/SAVPF ").append(media[i][1]).append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:").append(ufrag)
                    .append("\r\na=ice-pwd:").append(pwd).append("\r\na=ice-options:trickle\r\na=fingerprint:sha-256 ")
                    .append(fp).append("\r\na=setup:actpass\r\na=mid:").append(i).append("\r\na=sendrecv\r\na=rtcp-mux\r\n")
                    .append(media[i][2]);
        }
        s.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:").append(ufrag)
                .append("\r\na=ice-pwd:").append(pwd).append("\r\na=ice-options:trickle\r\na=fingerprint:sha-256 ")
                .append(fp).append("\r\na=setup:actpass\r\na=mid:2\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n");
        long ssrc = 1_000_000_000L + rnd.nextInt(1_000_000_000);
        String cname = randomAlnum(rnd, 16);
        while (s.length() + 40 < target) {
            s.append("a=ssrc:").append(ssrc++).append(" cname:").append(cname).append("\r\n");
        }
        return s.toString();
    }

    private static String randomAlnum(Random rnd, int n) {
        String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(abc.charAt(rnd.nextInt(abc.length())));
        return b.toString();
    }

    // ---- scanning incoming JSON without parsing it ----

    public static int indexOf(byte[] b, int from, int end, byte[] pat) {
        outer:
        for (int i = from, last = end - pat.length; i <= last; i++) {
            for (int j = 0; j < pat.length; j++) if (b[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }

    /**
     * Finds the string value of top-level-looking key {@code "name"} (given as the bytes of
     * {@code "name"} with its quotes) in {@code b[off, end)}; returns {start, endExclusive} of the raw
     * value (escapes left as they are), or null. Our own SDP and candidate texts never contain
     * {@code "id"}, {@code "type"} or {@code "from"} followed by a colon, so a plain scan is exact
     * for the messages this generator exchanges.
     */
    public static int[] stringField(byte[] b, int off, int end, byte[] quotedName) {
        int i = off;
        while (true) {
            int at = indexOf(b, i, end, quotedName);
            if (at < 0) return null;
            int p = at + quotedName.length;
            while (p < end && b[p] == ' ') p++;
            if (p < end && b[p] == ':') {
                p++;
                while (p < end && b[p] == ' ') p++;
                if (p < end && b[p] == '"') {
                    int s = ++p;
                    while (p < end && b[p] != '"') {
                        if (b[p] == '\\') p++;
                        p++;
                    }
                    return p < end ? new int[]{s, p} : null;
                }
                return null;
            }
            i = at + 1;
        }
    }

    public static final byte[] K_TYPE = "\"type\"".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] K_ID = "\"id\"".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] K_FROM = "\"from\"".getBytes(StandardCharsets.US_ASCII);

    public static boolean equalsAscii(byte[] b, int[] range, String s) {
        if (range == null || range[1] - range[0] != s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[range[0] + i] != s.charAt(i)) return false;
        return true;
    }

    public static String hexOf(byte[] b) {
        return Hashes.hex(b);
    }
}
