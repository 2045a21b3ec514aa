package dev.parley.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.CorrelationId;
import dev.parley.protocol.signal.ServerMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON codec of Parley's wire (docs/protocol.md § Conventions), shared by the server, the
 * clients and the tests. Thread-safe; build one per set of limits and keep it.
 *
 * <p>Every reader is strict about the form: one JSON object and nothing after it, no duplicate keys,
 * no coercion (a string is not a number), a closed set of types (the sealed hierarchies, nothing
 * else can be instantiated), nesting, name, number, string, document and token limits, and the
 * schema each record checks in its constructor (required fields, peer ids, id lengths). What differs
 * is what the document says a receiver must tolerate:
 * <ul>
 *   <li>{@link #decodeClient}: what a client sends the server. Unknown types and fields are refused,
 *       and so is a {@code from} anywhere at the root (the server stamps it).</li>
 *   <li>{@link #decodeServer} and {@link #decodePeer}: what a client receives. Unknown fields are
 *       ignored and an unknown type decodes to null (forward compatibility within version 1).
 *       {@link #decodeServerStrict} and {@link #decodePeerStrict} refuse them instead, for tests
 *       that pin what Parley itself sends.</li>
 * </ul>
 * Message size is the transport's business: the server cuts frames over its limit before they get
 * here, and {@link Limits#maxDocumentBytes()} is only the last line.
 */
public final class WireCodec {
    public static final int MAX_NESTING_DEPTH = 32;
    public static final int MAX_NUMBER_LENGTH = 32;
    public static final int MAX_NAME_LENGTH = 64;

    /** The size limits a reader holds a document to; the structural ones above are fixed. */
    public record Limits(int maxDocumentBytes, long maxTokens) {
        /** For clients and tests: room for any message a server within its documented limits sends. */
        public static final Limits DEFAULT = new Limits(1 << 20, 100_000);
    }

    private static final WireCodec STANDARD = new WireCodec(Limits.DEFAULT);

    private final JsonFactory factory;
    private final ObjectReader client;
    private final ObjectReader server;
    private final ObjectReader serverStrict;
    private final ObjectReader peer;
    private final ObjectReader peerStrict;
    private final ObjectWriter clientWriter;
    private final ObjectWriter serverWriter;
    private final ObjectWriter peerWriter;

    public WireCodec(Limits limits) {
        factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxDocumentLength(limits.maxDocumentBytes())
                        .maxStringLength(limits.maxDocumentBytes())
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxTokenCount(limits.maxTokens())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        client = mapper.readerFor(ClientMessage.class);
        serverStrict = mapper.readerFor(ServerMessage.class);
        server = tolerant(serverStrict);
        peerStrict = mapper.readerFor(PeerMessage.class);
        peer = tolerant(peerStrict);
        clientWriter = mapper.writerFor(ClientMessage.class);
        serverWriter = mapper.writerFor(ServerMessage.class);
        peerWriter = mapper.writerFor(PeerMessage.class);
    }

    private static ObjectReader tolerant(ObjectReader strict) {
        return strict.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .without(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE);
    }

    /** The codec with {@link Limits#DEFAULT}, for clients and tests. */
    public static WireCodec standard() {
        return STANDARD;
    }

    // ---- reading --------------------------------------------------------------------------------

    /** A message a client sent: strictly the documented schema, and no {@code from}. */
    public ClientMessage decodeClient(String text) throws WireException {
        ClientMessage m = read(client, text, true);
        if (m == null) throw new WireException(WireException.Kind.MALFORMED, "expected one JSON object", null, null);
        return m;
    }

    /** A message from the server, as a client reads it; null for a message type this version does not know. */
    public ServerMessage decodeServer(String text) throws WireException {
        return read(server, text, false);
    }

    /** A message from the server, refusing unknown types and fields (tests of what Parley's server sends). */
    public ServerMessage decodeServerStrict(String text) throws WireException {
        ServerMessage m = read(serverStrict, text, false);
        if (m == null) throw new WireException(WireException.Kind.MALFORMED, "expected one JSON object", null, null);
        return m;
    }

    /** A peer message from the chat channel (UTF-8); null for a type this version does not know. */
    public PeerMessage decodePeer(byte[] utf8) throws WireException {
        return read(peer, new String(utf8, StandardCharsets.UTF_8), false);
    }

    /** A peer message, refusing unknown types and fields (tests of what Parley sends). */
    public PeerMessage decodePeerStrict(String text) throws WireException {
        PeerMessage m = read(peerStrict, text, false);
        if (m == null) throw new WireException(WireException.Kind.MALFORMED, "expected one JSON object", null, null);
        return m;
    }

    private <T> T read(ObjectReader reader, String text, boolean refuseFrom) throws WireException {
        Watcher p = null;
        try {
            p = new Watcher(factory.createParser(text), refuseFrom);
            T m = reader.readValue(p);
            if (p.nextToken() != null) throw new WireException(WireException.Kind.MALFORMED, "expected one JSON object", p.type, p.id);
            return m;
        } catch (WireException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String id = p == null ? null : p.id;
            WireException w = classify(e, p == null ? null : p.type, id);
            if (w.kind() == WireException.Kind.BAD_VALUE && id == null) {
                // The bad value came before the id: the text is well-formed, so find the id for the ref.
                w = new WireException(w.kind(), w.getMessage(), w.type(), rootId(text));
            }
            throw w;
        }
    }

    /** The valid root-level string {@code id} of a well-formed object, or null. Only on the error path. */
    private String rootId(String text) {
        try (JsonParser p = factory.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("id".equals(name)) return v == JsonToken.VALUE_STRING && CorrelationId.isValid(p.getText()) ? p.getText() : null;
                p.skipChildren();
            }
        } catch (IOException | RuntimeException ignored) {
            // no ref then
        }
        return null;
    }

    private static WireException classify(Exception e, String type, String id) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FromFieldException) return new WireException(WireException.Kind.SPOOFED_FROM, t.getMessage(), type, id);
        }
        WireException.Kind malformed = WireException.Kind.MALFORMED;
        if (e instanceof StreamConstraintsException) {
            return new WireException(malformed, "over the structural limits: " + firstLine(e), type, id);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new WireException(malformed, "unknown field '" + clip(u.getPropertyName()) + "'", type, id);
        }
        if (e instanceof InvalidTypeIdException) {
            return new WireException(malformed, "unknown or missing message type", type, id);
        }
        if (e instanceof ValueInstantiationException || e instanceof InvalidFormatException) {
            // A field had a well-formed but unacceptable value (not a peer id, required but missing...).
            String why = e.getCause() != null && e.getCause().getMessage() != null
                    ? clip(e.getCause().getMessage()) : firstLine(e);
            return new WireException(WireException.Kind.BAD_VALUE, why, type, id);
        }
        return new WireException(malformed, "malformed message: " + firstLine(e), type, id);
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

    // ---- writing --------------------------------------------------------------------------------

    public String encodeClient(ClientMessage m) {
        return write(clientWriter, m);
    }

    public String encodeServer(ServerMessage m) {
        return write(serverWriter, m);
    }

    public String encodePeer(PeerMessage m) {
        return write(peerWriter, m);
    }

    private static String write(ObjectWriter w, Object m) {
        try {
            return w.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + m.getClass().getSimpleName(), e);
        }
    }

    // ---- the parser watch -------------------------------------------------------------------------

    /** Thrown from inside the parser the moment a root-level {@code from} appears. */
    private static final class FromFieldException extends JsonProcessingException {
        FromFieldException() {
            super("the client set 'from'; only the server may");
        }
    }

    /**
     * Watches the token stream as databind pulls it: refuses a root-level {@code from} the moment it
     * appears (before anything else is read), and remembers the declared {@code type} and {@code id}
     * so that errors can be specific and carry a {@code ref}.
     */
    private static final class Watcher extends JsonParserDelegate {
        private final boolean refuseFrom;
        String type;
        String id;
        private String pending;

        Watcher(JsonParser d, boolean refuseFrom) {
            super(d);
            this.refuseFrom = refuseFrom;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == JsonToken.FIELD_NAME) {
                JsonStreamContext parent = delegate.getParsingContext().getParent();
                pending = null;
                if (parent != null && parent.inRoot()) {
                    String name = delegate.currentName();
                    if (refuseFrom && "from".equals(name)) throw new FromFieldException();
                    if ("type".equals(name) || "id".equals(name)) pending = name;
                }
            } else if (pending != null) {
                if (t == JsonToken.VALUE_STRING) {
                    String v = delegate.getText();
                    if ("type".equals(pending) && type == null) type = v;
                    if ("id".equals(pending) && id == null && CorrelationId.isValid(v)) id = v;
                }
                pending = null;
            }
            return t;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }
    }
}
