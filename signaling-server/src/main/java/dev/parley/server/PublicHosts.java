package dev.parley.server;

import dev.parley.protocol.crypto.AuthPayload;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The authorities a client may sign at login ({@code AuthPayload} host): the server's own name, never
 * the request's Host header (a rogue server that received a user's login could otherwise replay it here
 * by sending the same Host). In order of precedence:
 * <ol>
 *   <li>{@code --public-host}, as given (lowercased);</li>
 *   <li>on a loopback bind, the loopback names with the bound port: {@code 127.0.0.1:p}, {@code localhost:p},
 *       {@code [::1]:p} and the bind address itself;</li>
 *   <li>with TLS, every non-wildcard DNS name in the leaf certificate's subjectAltName, with the bound
 *       port unless it is 443;</li>
 *   <li>otherwise the server refuses to start.</li>
 * </ol>
 */
final class PublicHosts {
    private PublicHosts() {}

    /** True if the bind address is a loopback address ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}). */
    static boolean loopback(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The authorities to accept; throws IllegalArgumentException if there is no way to know them. */
    static List<String> resolve(ServerConfig cfg, int boundPort) throws IOException {
        if (!cfg.publicHosts().isEmpty()) {
            return cfg.publicHosts().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).distinct().toList();
        }
        boolean secure = cfg.tls();
        if (loopback(cfg.bindAddress())) {
            Set<String> out = new LinkedHashSet<>();
            for (String h : List.of("127.0.0.1", "localhost", "::1", cfg.bindAddress())) {
                out.add(AuthPayload.authority(h, boundPort, secure));
            }
            return List.copyOf(out);
        }
        if (secure) {
            List<String> names = certificateNames(cfg);
            if (!names.isEmpty()) {
                return names.stream().map(n -> AuthPayload.authority(n, boundPort, true)).toList();
            }
            throw new IllegalArgumentException("the TLS certificate names no DNS host without a wildcard; "
                    + "set --public-host to the authority clients dial (e.g. chat.example.com)");
        }
        throw new IllegalArgumentException("binding " + cfg.bindAddress() + " (not loopback) needs --public-host: "
                + "the authority clients dial (e.g. chat.example.com, or chat.example.com:8080), which logins are bound to");
    }

    /** Non-wildcard DNS subjectAltNames of the leaf certificate. */
    static List<String> certificateNames(ServerConfig cfg) throws IOException {
        try {
            X509Certificate leaf = leaf(cfg);
            List<String> out = new ArrayList<>();
            Collection<List<?>> sans = leaf == null ? null : leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns
                            && !dns.contains("*")) {
                        out.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the TLS certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate leaf(ServerConfig cfg) throws IOException, GeneralSecurityException {
        if (cfg.tlsCert() != null) {
            try (InputStream in = Files.newInputStream(cfg.tlsCert())) {
                Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
                return c instanceof X509Certificate x ? x : null;
            }
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(cfg.tlsPkcs12())) {
            ks.load(in, cfg.tlsPassword() == null ? new char[0] : cfg.tlsPassword().toCharArray());
        }
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
            String alias = e.nextElement();
            if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate x) return x;
        }
        return null;
    }
}
