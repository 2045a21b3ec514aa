package dev.parley.protocol.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.crypto.Base64Url;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A file shared into a group (docs/protocol.md § Swarm files, Offer): the body of a group message
 * ({@link #PREFIX} then one JSON object), so it is signed by the sharer and synced like every post;
 * the message's id is the file's id. {@code root} is the {@link SwarmMerkle} root (base64url, 32 B),
 * {@code sha256} the whole file's SHA-256 (64 lowercase hex).
 */
public record SwarmOffer(String name, long size, String mediaType, int pieceSize, String root, String sha256) {
    public static final String PREFIX = "parley-file-v1 ";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public SwarmOffer {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("'name' is required");
        if (mediaType == null) throw new IllegalArgumentException("'mediaType' is required");
        if (size < 1) throw new IllegalArgumentException("'size' must be at least 1");
        if (Integer.bitCount(pieceSize) != 1 || pieceSize < SwarmLimits.MIN_PIECE_SIZE || pieceSize > SwarmLimits.MAX_PIECE_SIZE) {
            throw new IllegalArgumentException("'pieceSize' must be a power of two from 64 KiB to 4 MiB");
        }
        if (SwarmMerkle.pieceCount(size, pieceSize) > SwarmLimits.MAX_PIECES) throw new IllegalArgumentException("more than 4096 pieces");
        Base64Url.decode("root", root, SwarmMerkle.HASH);
        if (sha256 == null || !HEX64.matcher(sha256).matches()) throw new IllegalArgumentException("'sha256' must be 64 lowercase hex digits");
    }

    public int pieces() {
        return SwarmMerkle.pieceCount(size, pieceSize);
    }

    public byte[] rootBytes() {
        return Base64Url.decode("root", root, SwarmMerkle.HASH);
    }

    /** Length of piece {@code i} (the last one may be short). */
    public int pieceLength(int i) {
        return (int) Math.min(pieceSize, size - (long) i * pieceSize);
    }

    public String toBody() {
        try {
            return PREFIX + JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offer a group message's body carries; empty for an ordinary post or a malformed offer. */
    public static Optional<SwarmOffer> parse(String body) {
        if (body == null || !body.startsWith(PREFIX)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(body.substring(PREFIX.length()), SwarmOffer.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
