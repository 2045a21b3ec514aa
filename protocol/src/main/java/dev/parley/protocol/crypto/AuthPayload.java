package dev.parley.protocol.crypto;

import java.util.Locale;

/**
 * What a client signs to log in: {@code "PARLEY-AUTH-v1" ‖ host ‖ nonce ‖ IK}, as {@link CanonicalBytes}.
 * {@code host} is the authority the client dialed (lowercase host, plus ":port" when the URL names a
 * port other than the scheme's default), so a signature made for one server is useless at another.
 */
public final class AuthPayload {
    public static final String DOMAIN = "PARLEY-AUTH-v1";
    public static final int NONCE_LENGTH = 32;

    private AuthPayload() {}

    public static byte[] bytes(String host, byte[] nonce, IdentityKey key) {
        if (nonce.length != NONCE_LENGTH) throw new IllegalArgumentException("nonce must be 32 bytes");
        return CanonicalBytes.domain(DOMAIN).text(normalizeHost(host)).bytes(nonce).bytes(key.raw()).toByteArray();
    }

    /**
     * The authority as signed: lowercase, default port (80 for ws, 443 for wss) removed.
     * {@code secure} says whether the connection is wss.
     */
    public static String authority(String host, int port, boolean secure) {
        int def = secure ? 443 : 80;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) h = "[" + h + "]"; // bare IPv6 literal
        return port < 0 || port == def ? h : h + ":" + port;
    }

    static String normalizeHost(String host) {
        return host.toLowerCase(Locale.ROOT);
    }
}
