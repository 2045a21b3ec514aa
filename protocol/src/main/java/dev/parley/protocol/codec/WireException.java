package dev.parley.protocol.codec;

/**
 * A message that the {@link WireCodec} refused, with what kind of rule it broke and, where they could
 * be seen before the failure, its declared {@code type} and root-level {@code id} (for an error's
 * {@code ref}). The message text is safe to log and to send back: hostile input in it is clipped.
 */
public final class WireException extends Exception {
    /** Which rule of docs/protocol.md § Conventions the text broke. */
    public enum Kind {
        /** Not one JSON object, an unknown type or field, a duplicate key, a wrong token type, over the limits. */
        MALFORMED,
        /** A client message set {@code from}, which only the server may. */
        SPOOFED_FROM,
        /** Well-formed, but a field's value breaks the schema (not a peer id, a required field missing...). */
        BAD_VALUE
    }

    private final Kind kind;
    private final String type;
    private final String id;

    WireException(Kind kind, String message, String type, String id) {
        super(message, null, false, false);
        this.kind = kind;
        this.type = type;
        this.id = id;
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code type} the text declared, if it was seen before the failure; else null. */
    public String type() {
        return type;
    }

    /** The root-level string {@code id}, if it was seen before the failure and is a valid id; else null. */
    public String id() {
        return id;
    }
}
