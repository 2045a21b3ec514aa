package dev.parley.daemon.http;

import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiToken;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every request passes before any route runs (docs/api.md § Security): the Host header must
 * name this daemon by one of its names and its port (no DNS rebinding: on loopback the loopback names;
 * on a TLS address that address and the names its certificate is for), an Origin header must be the
 * daemon's own origin (no cross-site requests from web pages), and the bearer token must match. Over
 * the profile's UNIX socket, which no browser can reach, any Host is accepted ({@link #forLocalSocket}).
 */
public final class Guard {
    private final ApiToken token;
    private final Set<String> hosts; // null: any (the UNIX socket)
    private final Set<String> origins;
    private final int port;
    private final String base;
    private final WebSessions web;

    /** How a request proved it may use the API. */
    public enum Auth { NONE, BEARER, COOKIE }

    /** Loopback over plain HTTP: 127.0.0.1, localhost and [::1] on {@code port}. */
    public Guard(ApiToken token, int port, WebSessions web) {
        this(token, port, web, "http", List.of("127.0.0.1", "localhost", "::1"));
    }

    /**
     * {@code names} (host names or IP literals, the first one the daemon's own) on {@code port}, reached as
     * {@code scheme} ({@code http} or {@code https}).
     */
    public Guard(ApiToken token, int port, WebSessions web, String scheme, List<String> names) {
        this.token = token;
        this.port = port;
        this.web = web;
        Set<String> h = new LinkedHashSet<>();
        Set<String> o = new LinkedHashSet<>();
        for (String n : names) {
            String host = (n.contains(":") ? "[" + n + "]" : n).toLowerCase(Locale.ROOT) + ":" + port;
            h.add(host);
            o.add(scheme + "://" + host);
        }
        this.hosts = Set.copyOf(h);
        this.origins = Set.copyOf(o);
        this.base = o.iterator().next();
    }

    private Guard(Guard g) {
        this.token = g.token;
        this.port = g.port;
        this.web = g.web;
        this.hosts = null;
        this.origins = g.origins;
        this.base = g.base;
    }

    /** The same checks for a connection over the profile's UNIX socket, but with any Host accepted. */
    public Guard forLocalSocket() {
        return new Guard(this);
    }

    /** {@code http://127.0.0.1:PORT} or {@code https://NAME:PORT}: the daemon's own origin. */
    public String base() {
        return base;
    }

    public void checkHost(String host) {
        if (hosts == null) return;
        if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(421, "forbidden_host", "Host '" + host + "' is not this daemon: use " + base
                    + " (requests naming another host are refused, against DNS rebinding)");
        }
    }

    public void checkOrigin(String origin) {
        if (origin != null && !origins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(403, "forbidden_origin", "Origin '" + origin + "' may not use this API (only " + base + ")");
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
