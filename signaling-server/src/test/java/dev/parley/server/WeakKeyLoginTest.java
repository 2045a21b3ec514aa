package dev.parley.server;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key in docs/protocol.md § Rejected identity keys fails a real login, even with the signature
 * that verifies for any message under the identity point, while a real key still logs in.
 */
class WeakKeyLoginTest extends ServerTestSupport {
    static final Pattern ROW = Pattern.compile("^\\| `([0-9a-f]{64})` \\| `([A-Za-z0-9_-]{43})` \\| .+ \\|$", Pattern.MULTILINE);
    /** R = the base point B, S = 1: valid under the identity point for every message (see WeakKeysTest). */
    static final String FORGED = Base64Url.encode(Hashes.unhex(
            "5866666666666666666666666666666666666666666666666666666666666666"
                    + "0100000000000000000000000000000000000000000000000000000000000000"));

    static List<String> documentedKeys() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        int start = doc.indexOf("#### Rejected identity keys");
        assertThat(start).isPositive();
        Matcher m = ROW.matcher(doc.substring(start, doc.indexOf("\n#", start + 5)));
        List<String> keys = new ArrayList<>();
        while (m.find()) keys.add(m.group(2));
        return keys;
    }

    @Test
    void noDocumentedWeakKeyLogsIn() throws Exception {
        start();
        List<String> keys = documentedKeys();
        assertThat(keys).hasSizeGreaterThanOrEqualTo(13);
        for (String key : keys) {
            TestPeer p = connect();
            Challenge ch = p.ws.expect(Challenge.class);
            p.ws.send("{\"type\":\"auth\",\"publicKey\":\"" + key + "\",\"nonce\":\"" + ch.nonce()
                    + "\",\"signature\":\"" + FORGED + "\"}");
            ErrorMessage e = p.ws.expect(ErrorMessage.class);
            assertThat(e.code()).as(key).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(e.message()).as(key).contains(IdentityKey.weakness(Base64Url.decode("k", key, 32)));
            assertThat(p.ws.awaitClose().code()).isEqualTo(ErrorCode.AUTH_FAILED.closeCode());
            p.ws.assertExhausted();
        }
        assertThat(metric("parley_rejects_total{reason=\"auth_failed\"}")).isEqualTo(keys.size());
        assertThat(metric("parley_logins_total{result=\"new\"}")).isZero();
        // The same server still lets a real key in (login() fails the test without a welcome).
        TestPeer real = connect();
        assertThat(real.login().peerId()).isEqualTo(real.id());
    }
}
