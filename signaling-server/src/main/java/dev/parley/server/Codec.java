package dev.parley.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ServerMessage;

import java.io.IOException;

/**
 * JSON in and out, strictly: a closed set of types, no unknown or duplicate fields, no trailing data,
 * small structural limits, and no client-set {@code from}. Thread-safe (Jackson readers and writers are).
 *
 * <p>Two readers: before login, the full protocol types; after login, the same except that
 * {@link IdentityKey} inside an SDP proof is only checked for form (32 bytes of base64url) and not
 * turned into a JDK key. Decoding a point on Ed25519 costs tens of microseconds, the server never uses
 * that key (the receiving peer verifies the proof), and after login the only message carrying a key
 * ({@code auth}) is refused anyway.
 */
final class Codec {
    /** A violation found while reading: the error to send and whether it ends the connection. */
    static final class Violation extends Exception {
        final ErrorCode code;

        Violation(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** Thrown from inside the parser the moment a root-level {@code from} appears. */
    private static final class FromFieldException extends JsonProcessingException {
        FromFieldException() {
            super("the client set 'from'; only the server may");
        }
    }

    private final ObjectReader preAuth;
    private final ObjectReader postAuth;
    private final ObjectWriter writer;
    private final JsonFactory factory;

    Codec(int maxMessageBytes, int maxWatch) {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxDocumentLength(maxMessageBytes)
                .maxStringLength(maxMessageBytes)
                .maxNumberLength(32)
                .maxNameLength(64)
                // a full watch list is ~maxWatch tokens; nothing legitimate needs many more
                .maxTokenCount(Math.max(1000, 2L * maxWatch + 200))
                .build();
        factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper full = mapper(factory);
        ObjectMapper light = mapper(factory).registerModule(new SimpleModule("parley-server")
                .addDeserializer(IdentityKey.class, new KeyFormOnly()));
        preAuth = full.readerFor(ClientMessage.class);
        postAuth = light.readerFor(ClientMessage.class);
        writer = full.writerFor(ServerMessage.class);
    }

    private static ObjectMapper mapper(JsonFactory f) {
        return JsonMapper.builder(f)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    ClientMessage readPreAuth(String text) throws Violation {
        return read(preAuth, text, false);
    }

    ClientMessage readPostAuth(String text) throws Violation {
        return read(postAuth, text, true);
    }

    private ClientMessage read(ObjectReader reader, String text, boolean loggedIn) throws Violation {
        Watcher p = null;
        try {
            p = new Watcher(factory.createParser(text));
            ClientMessage m = reader.readValue(p);
            if (m == null || p.nextToken() != null) throw new Violation(ErrorCode.MALFORMED, "expected one JSON object");
            return m;
        } catch (Violation v) {
            throw v;
        } catch (IOException | RuntimeException e) {
            throw classify(e, p == null ? null : p.type, loggedIn);
        }
    }

    private static Violation classify(Exception e, String type, boolean loggedIn) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FromFieldException) return new Violation(ErrorCode.SPOOFED_FROM, t.getMessage());
        }
        if (e instanceof StreamConstraintsException) {
            return new Violation(ErrorCode.MALFORMED, "over the structural limits: " + firstLine(e));
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new Violation(ErrorCode.MALFORMED, "unknown field '" + clip(u.getPropertyName()) + "'");
        }
        if (e instanceof InvalidTypeIdException) {
            return new Violation(ErrorCode.MALFORMED, "unknown or missing message type");
        }
        if (e instanceof ValueInstantiationException || e instanceof InvalidFormatException) {
            // A field had a well-formed but unacceptable value (not a peer id, not base64url...).
            String why = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getCause().getMessage() : firstLine(e);
            if (loggedIn) return new Violation(ErrorCode.BAD_REQUEST, "bad field value: " + why);
            return "auth".equals(type)
                    ? new Violation(ErrorCode.AUTH_FAILED, "bad auth: " + why)
                    : new Violation(ErrorCode.NOT_AUTHENTICATED, "log in first");
        }
        return new Violation(ErrorCode.MALFORMED, "malformed message: " + firstLine(e));
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return clip(nl < 0 ? m : m.substring(0, nl));
    }

    private static String clip(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    String write(ServerMessage m) {
        try {
            return writer.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + m.getClass().getSimpleName(), e);
        }
    }

    /**
     * Watches the token stream as databind pulls it: refuses a root-level {@code from} the moment it
     * appears, and remembers the declared {@code type} so errors before login can be specific.
     */
    private static final class Watcher extends JsonParserDelegate {
        String type;
        private boolean typeNext;

        Watcher(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == JsonToken.FIELD_NAME) {
                JsonStreamContext ctx = delegate.getParsingContext();
                JsonStreamContext parent = ctx.getParent();
                if (parent != null && parent.inRoot()) {
                    String name = delegate.currentName();
                    if ("from".equals(name)) throw new FromFieldException();
                    typeNext = "type".equals(name);
                }
            } else if (typeNext) {
                typeNext = false;
                if (t == JsonToken.VALUE_STRING && type == null) type = delegate.getText();
            }
            return t;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }
    }

    /** After login: an identity key is accepted if it has the right form; no JDK key is built. */
    private static final class KeyFormOnly extends JsonDeserializer<IdentityKey> {
        @Override
        public IdentityKey deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (IdentityKey) ctxt.handleUnexpectedToken(IdentityKey.class, p);
            }
            try {
                Base64Url.decode("publicKey", p.getText(), IdentityKey.LENGTH);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), p.getText(), IdentityKey.class);
            }
            return null;
        }
    }
}
