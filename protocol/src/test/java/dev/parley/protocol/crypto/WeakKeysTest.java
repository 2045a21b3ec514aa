package dev.parley.protocol.crypto;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
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
