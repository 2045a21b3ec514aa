package dev.parley.protocol.signal;

/** The answer to {@link Ping}, echoing its id. */
public record Pong(String id) implements ServerMessage {
}
