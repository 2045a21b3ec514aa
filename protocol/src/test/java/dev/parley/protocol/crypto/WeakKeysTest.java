package dev.parley.protocol.crypto;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.parley.protocol.crypto.Hashes.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rejected identity keys published in docs/protocol.md § Rejected identity keys: none parses,
 * neither raw nor from the wire, and the reason why one must not is real.
 */
class WeakKeysTest {
    static final Pattern ROW = Pattern.compile("^\\| `([0-9a-f]{64})` \\| `([A-Za-z0-9_-]{43})` \\| (.+) \\|$", Pattern.MULTILINE);

    /** hex, base64url and the stated reason of each row of the document's table. */
    static List<String[]> documented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        int start = doc.indexOf("#### Rejected identity keys");
        assertThat(start).as("docs/protocol.md has a Rejected identity keys section").isPositive();
        String section = doc.substring(start, doc.indexOf("\n#", start + 5));
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) rows.add(new String[] {m.group(1), m.group(2), m.group(3)});
        return rows;
    }

    @Test
    void everyDocumentedWeakKeyIsRefusedRawAndOnTheWire() throws Exception {
        List<String[]> rows = documented();
        assertThat(rows).as("8 small-order points and the non-canonical encodings").hasSizeGreaterThanOrEqualTo(13);
        for (String[] r : rows) {
            byte[] raw = unhex(r[0]);
            assertThat(Base64Url.encode(raw)).as("the row's two columns agree").isEqualTo(r[1]);
            String why = IdentityKey.weakness(raw);
            assertThat(why).as(r[0]).isNotNull();
            assertThat(r[2]).as("the document states the reason the parser gives").contains(why.startsWith("non-canonical") ? "non-canonical" : "small order");
            assertThatThrownBy(() -> IdentityKey.fromRaw(raw)).hasMessageContaining(why);
            assertThatThrownBy(() -> IdentityKey.fromBase64Url(r[1])).hasMessageContaining(why);
            String auth = "{\"type\":\"auth\",\"publicKey\":\"" + r[1] + "\",\"nonce\":\"" + Base64Url.encode(new byte[32])
                    + "\",\"signature\":\"" + Base64Url.encode(new byte[64]) + "\"}";
            assertThatThrownBy(() -> WireCodec.standard().decodeClient(auth))
                    .isInstanceOf(WireException.class).hasMessageContaining(why);
        }
    }

    @Test
    void realKeysAreNotRefused() {
        for (int i = 0; i < 200; i++) {
            IdentityKey k = IdentityKeyPair.generate().publicKey();
            assertThat(IdentityKey.weakness(k.raw())).isNull();
            assertThat(IdentityKey.fromRaw(k.raw())).isEqualTo(k);
        }
        assertThat(IdentityKey.fromBase64Url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").peerId().value())
                .isEqualTo(Vectors.ALICE_PEER_ID);
    }

    /** The byte-level check agrees with y = the integer, compared with p and the small-order y, at the edges and at random. */
    @Test
    void theByteCheckAgreesWithTheIntegerDefinition() {
        BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        List<byte[]> cases = new ArrayList<>();
        for (int d = -3; d <= 20; d++) cases.add(littleEndian(p.add(BigInteger.valueOf(d))));
        for (String[] r : documentedUnchecked()) cases.add(unhex(r[0]));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            if (i % 3 == 0) Arrays.fill(b, 1, 31, (byte) 0xff); // near p
            cases.add(b);
        }
        for (byte[] c : cases) {
            for (int sign = 0; sign < 2; sign++) {
                byte[] raw = c.clone();
                raw[31] = (byte) ((raw[31] & 0x7f) | (sign << 7));
                byte[] be = new byte[32];
                for (int i = 0; i < 32; i++) be[i] = raw[31 - i];
                be[0] &= 0x7f;
                BigInteger y = new BigInteger(1, be);
                boolean small = y.equals(BigInteger.ONE) || y.equals(BigInteger.ZERO)
                        || y.equals(p.subtract(BigInteger.ONE))
                        || Hashes.hex(littleEndian(y)).equals("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
                        || Hashes.hex(littleEndian(y)).equals("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
                String expected = y.compareTo(p) >= 0 ? "non-canonical encoding (y >= 2^255 - 19)" : small ? "a small-order point" : null;
                assertThat(IdentityKey.weakness(raw)).as(Hashes.hex(raw)).isEqualTo(expected);
            }
        }
    }

    static List<String[]> documentedUnchecked() {
        try {
            return documented();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** y (below 2^256) as 32 little-endian bytes. */
    static byte[] littleEndian(BigInteger y) {
        byte[] be = y.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) le[i] = be[be.length - 1 - i];
        return le;
    }

    /** Why the identity point must go: R = B, S = 1 is a valid signature of anything under it, and the JDK agrees. */
    @Test
    void underTheIdentityPointAnyoneSignsAnything() throws Exception {
        byte[] identity = unhex("0100000000000000000000000000000000000000000000000000000000000000");
        PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                unhex("302a300506032b6570032100" + Hashes.hex(identity))));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(k);
        v.update("PARLEY-AUTH-v1 any host, any nonce".getBytes());
        assertThat(v.verify(forgedSignature())).isTrue();
        assertThat(IdentityKey.weakness(identity)).isEqualTo("a small-order point");
    }

    /** R = the base point B (RFC 8032 §5.1), S = 1. */
    static byte[] forgedSignature() {
        byte[] sig = new byte[64];
        System.arraycopy(unhex("5866666666666666666666666666666666666666666666666666666666666666"), 0, sig, 0, 32);
        sig[32] = 1;
        return sig;
    }
}
