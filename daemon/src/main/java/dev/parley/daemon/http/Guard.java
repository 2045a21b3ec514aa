package dev.parley.daemon.http;

import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiToken;

import java.util.Locale;
import java.util.Set;

/**
 * The checks every request passes before any route runs (docs/api.md § Security): the Host header must
 * name this daemon by a loopback name and its port (no DNS rebinding), an Origin header must be the
 * daemon's own origin (no cross-site requests from web pages), and the bearer token must match.
 */
public final class Guard {
    private final ApiToken token;
    private final Set<String> hosts;
    private final Set<String> origins;
    private final int port;
    private final WebSessions web;

    /** How a request proved it may use the API. */
    public enum Auth { NONE, BEARER, COOKIE }

    public Guard(ApiToken token, int port, WebSessions web) {
        this.token = token;
        this.port = port;
        this.web = web;
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port);
    }

    public void checkHost(String host) {
        if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(421, "forbidden_host", "Host '" + host + "' is not this daemon: use http://127.0.0.1:" + port
                    + " (requests naming another host are refused, against DNS rebinding)");
        }
    }

    public void checkOrigin(String origin) {
        if (origin != null && !origins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(403, "forbidden_origin", "Origin '" + origin + "' may not use this API (only http://127.0.0.1:" + port + ")");
        }
    }

    /** Whether an {@code Authorization} header carries the right bearer token (constant-time). */
    public boolean authorized(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return token.matches(authorization.substring(7).trim());
    }

    public void checkToken(String authorization) {
        if (!authorized(authorization)) throw unauthorized();
    }

    /** The bearer token first, else the web interface's session cookie. */
    public Auth auth(String authorization, String cookie) {
        if (authorized(authorization)) return Auth.BEARER;
        if (web.hasSession(cookie)) return Auth.COOKIE;
        return Auth.NONE;
    }

    /**
     * A request that only a cookie authenticates must be the daemon's own page's: besides SameSite=Strict,
     * a state-changing one (anything but GET/HEAD) and a WebSocket upgrade must carry an Origin header,
     * which {@link #checkOrigin} has already matched to the daemon's own origin (docs/security.md § Web interface).
     */
    public void checkCookieRequest(boolean stateChanging, String origin) {
        if (stateChanging && origin == null) {
            throw new ApiError(403, "forbidden_origin", "a request authenticated by the web session cookie must carry the daemon's Origin");
        }
    }

    public WebSessions web() {
        return web;
    }

    public int port() {
        return port;
    }

    /** The {@code bearer.<token>} entry of a {@code Sec-WebSocket-Protocol} header that matches, or null. */
    public String tokenProtocol(String protocols) {
        if (protocols == null) return null;
        for (String p : protocols.split(",")) {
            String s = p.trim();
            if (s.startsWith("bearer.") && token.matches(s.substring(7))) return s;
        }
        return null;
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "unauthorized", "missing or wrong token: send 'Authorization: Bearer <token>' with the token in <profile>/api-token");
    }
}
