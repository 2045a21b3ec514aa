package dev.parley.daemon.http;

import dev.parley.daemon.ApiError;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * Method + path patterns ({@code /v1/contacts/{peer}/messages}) to handlers. A path that matches a
 * pattern with another method is 405 {@code method_not_allowed}; no match is 404 {@code not_found}.
 */
public final class Router {
    /**
     * Handles one request on an API thread (it may block for database work): returns a {@link com.fasterxml.jackson.databind.JsonNode}
     * (200), a {@link Response}, or a {@link CompletionStage} of either for work that waits (dialing a call, hashing a file).
     */
    @FunctionalInterface
    public interface Handler {
        Object handle(Request r) throws Exception;
    }

    private record Route(HttpMethod method, String[] segments, Handler handler) { }

    /** The route a request matched, with its path parameters. */
    public record Match(Handler handler, Map<String, String> params) { }

    private final List<Route> routes = new ArrayList<>();

    public Router get(String pattern, Handler h) {
        return add(HttpMethod.GET, pattern, h);
    }

    public Router post(String pattern, Handler h) {
        return add(HttpMethod.POST, pattern, h);
    }

    public Router delete(String pattern, Handler h) {
        return add(HttpMethod.DELETE, pattern, h);
    }

    public Router add(HttpMethod method, String pattern, Handler h) {
        routes.add(new Route(method, split(pattern), h));
        return this;
    }

    /** The matching route; ApiError 404 or 405 otherwise. */
    public Match match(HttpMethod method, String path) {
        String[] segs = split(path);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments, segs);
            if (params == null) continue;
            if (r.method.equals(method)) return new Match(r.handler, params);
            allowed.add(r.method.name());
        }
        if (!allowed.isEmpty()) throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path + "; use " + String.join(" or ", allowed));
        throw ApiError.notFound("no such endpoint: " + method + " " + path + " (see docs/api.md)");
    }

    private static Map<String, String> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) return null;
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.split("/", -1);
    }
}
