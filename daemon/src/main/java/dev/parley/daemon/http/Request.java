package dev.parley.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;

/** One API request as a route sees it: method, path parameters, query parameters and the JSON body. */
public final class Request {
    private final HttpMethod method;
    private final String path;
    private final Map<String, List<String>> query;
    private final String body;
    private final Map<String, String> params;
    private JsonNode parsed;

    Request(HttpMethod method, String path, Map<String, List<String>> query, String body, Map<String, String> params) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.body = body;
        this.params = params;
    }

    public HttpMethod method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** A {@code {name}} segment of the route's path. */
    public String param(String name) {
        return params.get(name);
    }

    /** A query parameter given once, or null; 400 if it is given twice. */
    public String query(String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) return null;
        if (v.size() > 1) throw ApiError.badRequest("query parameter '" + name + "' given more than once");
        return v.get(0);
    }

    public int intQuery(String name, int otherwise, int min, int max) {
        String s = query(name);
        if (s == null) return otherwise;
        try {
            int n = Integer.parseInt(s);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("query parameter '" + name + "' must be an integer " + min + ".." + max + ", was '" + s + "'");
        }
    }

    /** The body as a JSON object; an empty body is {@code {}}; 400 bad_request if it is not a JSON object. */
    public JsonNode body() {
        if (parsed == null) {
            if (body == null || body.isBlank()) parsed = ApiJson.object();
            else {
                JsonNode n = ApiJson.parse(body);
                if (!n.isObject()) throw ApiError.badRequest("the body must be a JSON object");
                parsed = n;
            }
        }
        return parsed;
    }
}
