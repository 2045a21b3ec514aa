package dev.parley.server;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ServerMessage;

/**
 * The server's side of the shared {@link WireCodec}: the protocol's strict rules with this server's
 * limits (document size = {@code maxMessageBytes}, which the transport also enforces per frame; token
 * count sized for a full watch list), and each refusal turned into the error docs/protocol.md names.
 * Thread-safe.
 */
final class Codec {
    /** A violation found while reading: the error to send, whether it ends the connection, and its ref. */
    static final class Violation extends Exception {
        final ErrorCode code;
        final String ref;

        Violation(ErrorCode code, String message, String ref) {
            super(message, null, false, false);
            this.code = code;
            this.ref = ref;
        }
    }

    private final WireCodec wire;

    Codec(int maxMessageBytes, int maxWatch) {
        // a full watch list is ~maxWatch tokens; nothing legitimate needs many more
        wire = new WireCodec(new WireCodec.Limits(maxMessageBytes, Math.max(1000, 2L * maxWatch + 200)));
    }

    /** Before login: anything that is not a well-formed {@code auth} ends the connection. */
    ClientMessage readPreAuth(String text) throws Violation {
        return read(text, false);
    }

    /** After login: a bad field value is a non-fatal {@code bad_request}; broken form still ends it. */
    ClientMessage readPostAuth(String text) throws Violation {
        return read(text, true);
    }

    private ClientMessage read(String text, boolean loggedIn) throws Violation {
        try {
            return wire.decodeClient(text);
        } catch (WireException e) {
            switch (e.kind()) {
                case SPOOFED_FROM:
                    throw new Violation(ErrorCode.SPOOFED_FROM, e.getMessage(), e.id());
                case BAD_VALUE:
                    if (loggedIn) throw new Violation(ErrorCode.BAD_REQUEST, "bad field value: " + e.getMessage(), e.id());
                    if ("auth".equals(e.type())) throw new Violation(ErrorCode.AUTH_FAILED, "bad auth: " + e.getMessage(), null);
                    throw new Violation(ErrorCode.NOT_AUTHENTICATED, "log in first", null);
                default:
                    throw new Violation(ErrorCode.MALFORMED, e.getMessage(), null);
            }
        }
    }

    String write(ServerMessage m) {
        return wire.encodeServer(m);
    }
}
