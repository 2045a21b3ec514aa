package dev.parley.daemon.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The certificate and key a daemon serves HTTPS with when it listens on a non-loopback address
 * (docs/api.md § Remote access): PEM files, the key in PKCS#8 ({@code BEGIN PRIVATE KEY}). The names the
 * certificate is for (its subject alternative names, DNS and IP) are the names a request's Host may use.
 */
public final class ServerTls {
    private final Path certificate;
    private final SslContext context;
    private final List<String> names;

    private ServerTls(Path certificate, SslContext context, List<String> names) {
        this.certificate = certificate;
        this.context = context;
        this.names = names;
    }

    /**
     * Reads and checks both files.
     *
     * @throws IllegalArgumentException saying which file is wrong and how to make a right one
     */
    public static ServerTls load(Path certificate, Path key) {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            Collection<? extends java.security.cert.Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (chain.isEmpty()) throw new CertificateException("no certificate in it");
            cert = (X509Certificate) chain.iterator().next();
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + certificate + ": " + e.getMessage()
                    + " (a PEM file, 'BEGIN CERTIFICATE', is expected)", e);
        }
        try {
            cert.checkValidity();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the TLS certificate " + certificate + " is not valid now (" + e.getMessage()
                    + "): valid " + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant(), e);
        }
        matchKey(cert, certificate, key);
        SslContext context;
        try {
            context = SslContextBuilder.forServer(certificate.toFile(), key.toFile()).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2").build();
        } catch (Exception e) { // Netty wraps a bad key or a key that is not the certificate's in SSLException/IllegalArgumentException
            throw new IllegalArgumentException("cannot use the TLS key " + key + " with " + certificate + ": " + e.getMessage()
                    + " (an unencrypted PKCS#8 PEM key, 'BEGIN PRIVATE KEY', matching the certificate, is expected; "
                    + "convert one with 'openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW')", e);
        }
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) names.add(String.valueOf(san.get(1))); // dNSName, iPAddress
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("cannot read the names of the TLS certificate " + certificate + ": " + e.getMessage(), e);
        }
        return new ServerTls(certificate.toAbsolutePath(), context, List.copyOf(names));
    }

    /**
     * Reads the PKCS#8 PEM key and proves it is the certificate's: a signature made with it must verify
     * with the certificate's public key (the TLS library would only fail at the first handshake).
     */
    private static void matchKey(X509Certificate cert, Path certificate, Path key) {
        String pem;
        try {
            pem = Files.readString(key, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the TLS key " + key + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the TLS key " + key + " is not an unencrypted PKCS#8 PEM key ('BEGIN PRIVATE KEY' expected; "
                    + "convert one with 'openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW')");
        }
        String algorithm = cert.getPublicKey().getAlgorithm(); // "EC", "RSA", "Ed25519"...
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            java.security.PrivateKey privateKey = java.security.KeyFactory.getInstance(algorithm)
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            String sigAlg = switch (algorithm) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> algorithm; // EdDSA: the key type is the signature algorithm
            };
            byte[] probe = "parley-tls-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature sign = java.security.Signature.getInstance(sigAlg);
            sign.initSign(privateKey);
            sign.update(probe);
            byte[] sig = sign.sign();
            java.security.Signature verify = java.security.Signature.getInstance(sigAlg);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            if (!verify.verify(sig)) throw new java.security.GeneralSecurityException("it is not the key of that certificate");
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS key " + key + " with " + certificate + ": " + e.getMessage()
                    + " (an unencrypted PKCS#8 PEM " + algorithm + " key matching the certificate is expected)", e);
        }
    }

    public SslContext context() {
        return context;
    }

    /** The certificate file, absolute (written to daemon.json so that local clients can trust it). */
    public Path certificate() {
        return certificate;
    }

    /** The DNS names and IP addresses the certificate is for. */
    public List<String> names() {
        return names;
    }
}
