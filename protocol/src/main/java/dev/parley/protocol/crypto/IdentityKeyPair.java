package dev.parley.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;

/**
 * An Ed25519 identity: the 32-byte private seed and its public {@link IdentityKey}. Whoever holds
 * the seed is the peer; keep it in a 0600 file. Thread-safe.
 */
public final class IdentityKeyPair {
    private final byte[] seed;
    private final PrivateKey privateKey;
    private final IdentityKey publicKey;

    private IdentityKeyPair(byte[] seed) {
        if (seed.length != 32) throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        this.seed = seed.clone();
        try {
            this.privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, this.seed));
            // The JDK derives the public key only inside its generator, from random bytes: feed it the seed.
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SeedRandom(this.seed));
            KeyPair kp = g.generateKeyPair();
            this.publicKey = IdentityKey.fromJdk(kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 missing from the JDK (needs Java 15+)", e);
        }
    }

    public static IdentityKeyPair generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new IdentityKeyPair(seed);
    }

    public static IdentityKeyPair fromSeed(byte[] seed) {
        return new IdentityKeyPair(seed);
    }

    public byte[] seed() {
        return seed.clone();
    }

    public IdentityKey publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** A SecureRandom that hands out the seed once: the JDK's way to derive a key pair from a seed. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
