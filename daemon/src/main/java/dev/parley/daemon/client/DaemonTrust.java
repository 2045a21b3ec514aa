package dev.parley.daemon.client;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.security.GeneralSecurityException;

/** Trust for a daemon served over HTTPS (docs/api.md § Remote access): its own certificate, from daemon.json. */
public final class DaemonTrust {
    private DaemonTrust() {}

    /** An SSL context that trusts the certificates in the PEM file {@code certificate}. */
    public static SSLContext trusting(java.nio.file.Path certificate) {
        try (var in = java.nio.file.Files.newInputStream(certificate)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("daemon-" + i++, c);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the daemon's TLS certificate " + certificate + ": " + e.getMessage(), e);
        }
    }
}
