package dev.parley.protocol.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.PeerId;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A public Ed25519 identity key (RFC 8032), 32 raw bytes, base64url on the wire. Its {@link #peerId()}
 * is the peer's address. Immutable and thread-safe.
 */
public final class IdentityKey {
    /** The DER prefix that turns a raw Ed25519 key into X.509 SubjectPublicKeyInfo for the JDK. */
    private static final byte[] SPKI_PREFIX = Hashes.unhex("302a300506032b6570032100");
    public static final int LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private final byte[] raw;
    private final PublicKey jdkKey;
    private final PeerId peerId;

    private IdentityKey(byte[] raw) {
        if (raw.length != LENGTH) throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        this.raw = raw.clone();
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + LENGTH);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, LENGTH);
        try {
            this.jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key", e);
        }
        this.peerId = new PeerId(Base32.encode(Arrays.copyOf(Hashes.sha256(raw), 20)));
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
        return peerId;
    }

    /** True only for a valid 64-byte Ed25519 signature of {@code message} by this key. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) return false;
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(jdkKey);
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
        return "IdentityKey[" + peerId.shortForm() + "]";
    }
}
