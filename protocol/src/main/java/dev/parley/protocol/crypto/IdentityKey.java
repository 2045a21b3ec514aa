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

    /**
     * The y coordinates (little-endian, 255 bits) of the eight small-order points: 1 (the identity),
     * p − 1 (order 2), 0 (order 4) and the two of order 8. Each y stands for at most two points (±x),
     * all of them small-order. Compared byte by byte: a relay checks the proof key of every offer.
     */
    private static final byte[][] SMALL_ORDER_Y = {
            littleEndian(BigInteger.ONE), littleEndian(fieldPrime().subtract(BigInteger.ONE)), littleEndian(BigInteger.ZERO),
            yOf(Hashes.unhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")),
            yOf(Hashes.unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")),
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
        if (nonCanonical(raw)) return "non-canonical encoding (y >= 2^255 - 19)";
        for (byte[] small : SMALL_ORDER_Y) {
            if (sameY(raw, small)) return "a small-order point";
        }
        return null;
    }

    /**
     * y ≥ p = 2^255 − 19: little-endian p is {@code ed ff … ff 7f}, so y ≥ p exactly when bytes 1..31
     * (sign bit cleared) are all ones and byte 0 is at least 0xed.
     */
    private static boolean nonCanonical(byte[] raw) {
        if ((raw[LENGTH - 1] & 0x7f) != 0x7f) return false;
        for (int i = 1; i < LENGTH - 1; i++) {
            if (raw[i] != (byte) 0xff) return false;
        }
        return (raw[0] & 0xff) >= 0xed;
    }

    /** Whether the encoding's y (sign bit of x ignored) equals {@code y}. */
    private static boolean sameY(byte[] raw, byte[] y) {
        for (int i = 0; i < LENGTH - 1; i++) {
            if (raw[i] != y[i]) return false;
        }
        return (raw[LENGTH - 1] & 0x7f) == y[LENGTH - 1];
    }

    /** The field prime p = 2^255 − 19 (only to build the constants). */
    private static BigInteger fieldPrime() {
        return BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    }

    /** A y below 2^255 as 32 little-endian bytes. */
    private static byte[] littleEndian(BigInteger y) {
        byte[] be = y.toByteArray();
        byte[] le = new byte[LENGTH];
        for (int i = 0; i < be.length && i < LENGTH; i++) le[i] = be[be.length - 1 - i];
        return le;
    }

    /** The y of an encoded point: the encoding with the sign bit of x cleared. */
    private static byte[] yOf(byte[] raw) {
        byte[] y = raw.clone();
        y[LENGTH - 1] &= 0x7f;
        return y;
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
