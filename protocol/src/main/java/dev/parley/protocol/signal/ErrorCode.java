package dev.parley.protocol.signal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Every error the server reports, with the WebSocket close code that follows when it is fatal (0: not fatal). */
public enum ErrorCode {
    /** Relay target is not connected (or in its reconnect grace period). Nothing is stored. */
    PEER_OFFLINE(0),
    /**
     * The relay target's inbound budget (from this sender, or from all senders it does not watch) is spent,
     * or its outbound queue is full; the message was dropped. Retry later; repeated refusals cost the
     * sender's own rate. The target stays connected.
     */
    RECIPIENT_BUSY(0),
    /**
     * Clustered servers: the relay target is on another node and the message could not be handed to it
     * (the cluster's directory is unreachable, or the route went stale twice). Nothing was delivered;
     * retry. Never sent by a single server.
     */
    RELAY_FAILED(0),
    /** Malformed but harmless request (bad field values); the connection stays. */
    BAD_REQUEST(0),
    /** Anything but {@code auth} before login, or a second {@code auth}. */
    NOT_AUTHENTICATED(CloseCodes.POLICY_VIOLATION),
    /** Signature does not verify, wrong key form, or nonce not the one issued on this connection. */
    AUTH_FAILED(CloseCodes.POLICY_VIOLATION),
    /** No valid {@code auth} within the challenge deadline. */
    AUTH_TIMEOUT(CloseCodes.POLICY_VIOLATION),
    /** The client set {@code from}; only the server may. */
    SPOOFED_FROM(CloseCodes.POLICY_VIOLATION),
    /** Unparseable JSON, unknown type or field, duplicate key, or a document over the structural limits. */
    MALFORMED(CloseCodes.POLICY_VIOLATION),
    /** A message or frame over the size limit. */
    TOO_LARGE(CloseCodes.MESSAGE_TOO_BIG),
    /** Over the per-connection message rate. */
    RATE_LIMITED(CloseCodes.POLICY_VIOLATION),
    /** Outbound queue full: the client reads too slowly. */
    SLOW_CONSUMER(CloseCodes.POLICY_VIOLATION),
    /** No traffic (not even a ping) within the idle timeout. */
    IDLE_TIMEOUT(CloseCodes.GOING_AWAY),
    /** The same identity logged in on a newer connection; this one is closed. */
    REPLACED(CloseCodes.REPLACED),
    /** Too many connections or handshakes from one address, or the server is full. */
    OVERLOADED(CloseCodes.TRY_AGAIN_LATER),
    /**
     * Clustered servers: the login cannot be fenced against other nodes right now (the cluster's directory
     * is unreachable). The message says when to retry; another node may take it.
     */
    UNAVAILABLE(CloseCodes.TRY_AGAIN_LATER),
    /** Shutting down; see {@link GoingAway}. */
    SHUTTING_DOWN(CloseCodes.GOING_AWAY),
    INTERNAL(CloseCodes.INTERNAL_ERROR);

    private final int closeCode;

    ErrorCode(int closeCode) {
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }

    public boolean fatal() {
        return closeCode != 0;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ErrorCode fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
