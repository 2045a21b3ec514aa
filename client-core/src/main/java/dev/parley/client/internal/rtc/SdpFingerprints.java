package dev.parley.client.internal.rtc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads DTLS certificate fingerprints ({@code a=fingerprint}, RFC 8122 §5 / RFC 8842 §5) from SDP
 * text, so the signing layer can bind them to an identity key. Pure functions, any thread.
 */
public final class SdpFingerprints {

    private static final String PREFIX = "a=fingerprint:";
    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private SdpFingerprints() {
    }

    /**
     * Every {@code a=fingerprint} line, session- and media-level, in order of appearance.
     *
     * @throws IllegalArgumentException if a fingerprint line is malformed
     */
    public static List<Fingerprint> parse(String sdp) {
        Objects.requireNonNull(sdp, "sdp");
        List<Fingerprint> out = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (!line.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                continue;
            }
            // RFC 8122 §5: fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
            String value = line.substring(PREFIX.length()).trim();
            int sp = value.indexOf(' ');
            if (sp <= 0) {
                throw new IllegalArgumentException("malformed fingerprint line: " + line);
            }
            String algorithm = value.substring(0, sp).toLowerCase(Locale.ROOT);
            String hex = value.substring(sp + 1).trim();
            try {
                out.add(new Fingerprint(algorithm, COLON_HEX.parseHex(hex)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed fingerprint line: " + line, e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The single fingerprint of an SDP, if all its fingerprint lines agree (as they do with BUNDLE
     * and one certificate); empty if there is none.
     *
     * @throws IllegalArgumentException if the lines disagree or are malformed
     */
    public static Optional<Fingerprint> single(String sdp) {
        List<Fingerprint> all = parse(sdp);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Fingerprint first = all.get(0);
        for (Fingerprint f : all) {
            if (!f.equals(first)) {
                throw new IllegalArgumentException("SDP carries different fingerprints: " + all);
            }
        }
        return Optional.of(first);
    }

    /** The session's own DTLS certificate fingerprint, read from its current local description. */
    public static Optional<Fingerprint> local(PeerSession session) {
        return session.localFingerprint();
    }

    /**
     * One fingerprint: hash function name (lower case, e.g. {@code sha-256}) and digest bytes.
     * Compared by value.
     */
    public record Fingerprint(String algorithm, byte[] value) {
        public Fingerprint {
            Objects.requireNonNull(algorithm, "algorithm");
            value = Objects.requireNonNull(value, "value").clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The SDP form, e.g. {@code sha-256 AB:CD:...}. */
        public String toSdpValue() {
            return algorithm + " " + COLON_HEX.formatHex(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint f && algorithm.equals(f.algorithm) && Arrays.equals(value, f.value);
        }

        @Override
        public int hashCode() {
            return 31 * algorithm.hashCode() + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return toSdpValue();
        }
    }
}
