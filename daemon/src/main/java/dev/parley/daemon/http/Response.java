package dev.parley.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A route's answer: status and JSON body (a route returning a bare {@link JsonNode} means 200). */
public record Response(int status, JsonNode body) {
    public static Response ok(JsonNode body) {
        return new Response(200, body);
    }

    public static Response created(JsonNode body) {
        return new Response(201, body);
    }

    public static Response accepted(JsonNode body) {
        return new Response(202, body);
    }
}
