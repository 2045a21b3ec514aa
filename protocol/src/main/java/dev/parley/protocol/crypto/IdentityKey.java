package dev.parley.protocol.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.PeerId;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.math.BigInteger;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A public Ed25519 identity key (RFC 8032), 32 raw bytes, base64url on the wire. Its {@link #peerId()}
 * is the peer's address. Immutable and thread-safe.
 *
 * <p>Parsing refuses what cannot be a real identity (docs/protocol.md § Rejected identity keys): a
 * non-canonical encoding (y ≥ p, so two strings would name one point and two peer ids one key) and the
 * eight points of small order, for which signatures can be forged without any private key (under the
 * identity point, R = B, S = 1 verifies for every message). Parsing is cheap: the point is decoded
 * only when a signature is first verified, and an encoding off the curve fails every verification.
 */
public final class IdentityKey {
    public static final int LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    /** The field prime p = 2^255 − 19. */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /**
     * The y coordinates of the eight small-order points: 1 (the identity), p − 1 (order 2), 0 (order 4)
     * and the two of order 8. Each y stands for at most two points (±x), all of them small-order.
     */
    private static final BigInteger[] SMALL_ORDER_Y = {
            BigInteger.ONE, P.subtract(BigInteger.ONE), BigInteger.ZERO,
            littleEndianY(Hashes.unhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")),
            littleEndianY(Hashes.unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")),
    };

    private final byte[] raw;
    private volatile Ed25519.PublicPoint point; // decoded on first verify
    private volatile boolean offCurve;
    private volatile PeerId peerId; // derived on first use

    private IdentityKey(byte[] raw) {
        if (raw.length != LENGTH) throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        String weak = weakness(raw);
        if (weak != null) throw new IllegalArgumentException("not a usable identity key: " + weak);
        this.raw = raw.clone();
    }

    /** Why these 32 bytes cannot be an identity key, or null if they can (RFC 8032 §5.1.3 decoding). */
    public static String weakness(byte[] raw) {
        if (raw == null || raw.length != LENGTH) return "an Ed25519 public key is 32 bytes";
        BigInteger y = littleEndianY(raw);
        if (y.compareTo(P) >= 0) return "non-canonical encoding (y >= 2^255 - 19)";
        for (BigInteger small : SMALL_ORDER_Y) {
            if (small.equals(y)) return "a small-order point";
        }
        return null;
    }

    /** The 255-bit y of an encoded point (little-endian, sign bit of x cleared). */
    private static BigInteger littleEndianY(byte[] raw) {
        byte[] be = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) be[i] = raw[LENGTH - 1 - i];
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }

    public static IdentityKey fromRaw(byte[] raw) {
        return new IdentityKey(raw);
    }

    @JsonCreator
    public static IdentityKey fromBase64Url(String s) {
        return new IdentityKey(Base64Url.decode("publicKey", s, LENGTH));
    }

    static IdentityKey fromJdk(PublicKey k) {
        byte[] enc = k.getEncoded();
        return new IdentityKey(Arrays.copyOfRange(enc, enc.length - LENGTH, enc.length));
    }

    public byte[] raw() {
        return raw.clone();
    }

    public PeerId peerId() {
        PeerId id = peerId;
        if (id == null) peerId = id = new PeerId(Base32.encode(Arrays.copyOf(Hashes.sha256(raw), 20)));
        return id;
    }

    /**
     * True only for a valid 64-byte Ed25519 signature of {@code message} by this key (RFC 8032 §5.1.7:
     * canonical S and R, cofactorless check). Bouncy Castle's implementation, with the decoded point
     * kept for the next verification: a signaling server verifies one signature per login, a client
     * one per signed session description, and the JDK 17 provider costs about six times as much.
     */
    public boolean verify(byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != SIGNATURE_LENGTH) return false;
        Ed25519.PublicPoint point = publicPoint();
        return point != null && Ed25519.verify(signature, 0, point, message, 0, message.length);
    }

    /** The decoded point, or null when the encoding is not on the curve (then nothing verifies). */
    private Ed25519.PublicPoint publicPoint() {
        Ed25519.PublicPoint p = point;
        if (p == null && !offCurve) {
            p = Ed25519.validatePublicKeyPartialExport(raw, 0);
            if (p == null) offCurve = true;
            else point = p;
        }
        return p;
    }

    @JsonValue
    public String toBase64Url() {
        return Base64Url.encode(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityKey k && Arrays.equals(raw, k.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "IdentityKey[" + peerId().shortForm() + "]";
    }
}
