package dev.parley.protocol.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.PeerId;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A public Ed25519 identity key (RFC 8032), 32 raw bytes, base64url on the wire. Its {@link #peerId()}
 * is the peer's address. Immutable and thread-safe.
 *
 * <p>Parsing refuses what cannot be a real identity (docs/protocol.md § Rejected identity keys): a
 * non-canonical encoding (y ≥ p, so two strings would name one point and two peer ids one key) and the
 * eight points of small order, for which signatures can be forged without any private key (under the
 * identity point, R = B, S = 1 verifies for every message). Parsing is cheap: the point is decoded
 * into a JDK key only when a signature is first verified, and an encoding off the curve fails every
 * verification.
 */
public final class IdentityKey {
    /** The DER prefix that turns a raw Ed25519 key into X.509 SubjectPublicKeyInfo for the JDK. */
    private static final byte[] SPKI_PREFIX = Hashes.unhex("302a300506032b6570032100");
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
    private volatile PublicKey jdkKey; // built on first verify
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

    private PublicKey jdkKey() throws GeneralSecurityException {
        PublicKey k = jdkKey;
        if (k == null) {
            byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + LENGTH);
            System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, LENGTH);
            jdkKey = k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        return k;
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

    /** True only for a valid 64-byte Ed25519 signature of {@code message} by this key. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) return false;
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(jdkKey());
            v.update(message);
            return v.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
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
