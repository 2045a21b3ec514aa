package dev.parley.daemon.http;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web interface's logins (docs/web.md § Security): one-time login tokens (what {@code parley web}
 * prints in its URL, valid for {@link #LOGIN_TTL}, consumed by the first visit) and the session cookies
 * they turn into. Both are 32 random bytes, base64url; they live in memory, for this daemon run.
 * The cookie is named after the port ({@code parley_PORT}): browsers do not separate cookies by port,
 * so two daemons on one machine would otherwise overwrite each other's session.
 */
public final class WebSessions {
    public static final Duration LOGIN_TTL = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 64;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> logins = new ConcurrentHashMap<>(); // token -> expiry (nanoTime)
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final String cookie;
    private final boolean secure;

    public WebSessions(int port) {
        this(port, false);
    }

    /** {@code secure}: the daemon serves HTTPS, so the cookie is marked {@code Secure}. */
    public WebSessions(int port, boolean secure) {
        this.cookie = "parley_" + port;
        this.secure = secure;
    }

    public String cookieName() {
        return cookie;
    }

    /** A new one-time login token. */
    public String newLogin() {
        long now = System.nanoTime();
        logins.values().removeIf(exp -> exp - now < 0);
        if (logins.size() >= MAX_PENDING) throw new IllegalStateException("too many unused login links; use one of them or restart the daemon");
        String t = randomToken();
        logins.put(t, now + LOGIN_TTL.toNanos());
        return t;
    }

    /** Consumes a login token: a new session id if it was valid and unused, null otherwise. */
    public String redeem(String token) {
        if (token == null) return null;
        Long exp = logins.remove(token);
        if (exp == null || exp - System.nanoTime() < 0) return null;
        String s = randomToken();
        sessions.add(s);
        return s;
    }

    /** Whether a {@code Cookie} header carries a session of this run. */
    public boolean hasSession(String cookieHeader) {
        String s = sessionIn(cookieHeader);
        if (s == null) return false;
        byte[] presented = s.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String known : sessions) found |= MessageDigest.isEqual(known.getBytes(StandardCharsets.US_ASCII), presented);
        return found;
    }

    /** Ends the session the cookie names (logout). */
    public void end(String cookieHeader) {
        String s = sessionIn(cookieHeader);
        if (s != null) sessions.remove(s);
    }

    /** The {@code Set-Cookie} value for a session. */
    public String setCookie(String session) {
        return cookie + "=" + session + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private String sessionIn(String header) {
        if (header == null) return null;
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(cookie + "=")) return p.substring(cookie.length() + 1);
        }
        return null;
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
