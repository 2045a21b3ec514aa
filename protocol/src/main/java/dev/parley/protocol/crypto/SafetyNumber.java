package dev.parley.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 60-digit number two users compare out of band to rule out a man in the middle (after Signal's
 * numeric fingerprint). Each side's 30 digits come from 5200 rounds of SHA-512 over its key; the two
 * halves are sorted so both users see the same number.
 */
public final class SafetyNumber {
    public static final int VERSION = 1;
    public static final int ITERATIONS = 5200;

    private SafetyNumber() {}

    /** 60 digits, no separators. */
    public static String of(IdentityKey a, IdentityKey b) {
        String x = half(a), y = half(b);
        return x.compareTo(y) <= 0 ? x + y : y + x;
    }

    /** The 60 digits in twelve groups of five, three lines of four groups, as shown to users. */
    public static String formatted(String digits) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < digits.length(); i += 5) groups.add(digits.substring(i, Math.min(digits.length(), i + 5)));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) s.append(i % 4 == 0 ? '\n' : ' ');
            s.append(groups.get(i));
        }
        return s.toString();
    }

    /** One party's 30 digits: h = SHA-512(version(2 bytes BE) ‖ IK ‖ peerId ASCII), then 5200 × h = SHA-512(h ‖ IK). */
    static String half(IdentityKey key) {
        byte[] ik = key.raw();
        byte[] h = Hashes.sha512(new byte[] {0, (byte) VERSION}, ik, key.peerId().value().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < ITERATIONS; i++) h = Hashes.sha512(h, ik);
        StringBuilder s = new StringBuilder(30);
        for (int c = 0; c < 6; c++) {
            long v = 0;
            for (int j = 0; j < 5; j++) v = (v << 8) | (h[c * 5 + j] & 0xff);
            s.append(String.format("%05d", v % 100000));
        }
        return s.toString();
    }
}
