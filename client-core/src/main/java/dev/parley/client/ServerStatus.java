package dev.parley.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The link to the signaling server, as {@link ParleyListener#onServerState} reports it: logged in
 * ({@code online}, possibly having {@code resumed} the previous login), or offline with why and, when
 * the client retries by itself, in how long.
 */
public record ServerStatus(boolean online, boolean resumed, String reason, Optional<Duration> retryIn) {
    public ServerStatus {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(retryIn, "retryIn");
    }

    public static ServerStatus online(boolean resumed) {
        return new ServerStatus(true, resumed, resumed ? "resumed" : "online", Optional.empty());
    }

    /** Offline; {@code retryIn} empty when the client will not retry (closed, or replaced by a newer login). */
    public static ServerStatus offline(String reason, Optional<Duration> retryIn) {
        return new ServerStatus(false, false, reason, retryIn);
    }

    /** One line for people: {@code online}, {@code resumed}, or the reason and when we retry. */
    public String describe() {
        if (online) return reason;
        return retryIn.map(d -> reason + "; retrying in " + (d.toMillis() / 1000.0) + " s").orElse(reason);
    }
}
