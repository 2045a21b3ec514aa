package dev.parley.client.internal.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ServerMessage;

/**
 * JSON for the client side of signaling. Lenient where docs/protocol.md asks clients to be (unknown
 * fields and unknown server message types are ignored), bounded like the server against a hostile one.
 */
final class SignalJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(1 << 20).maxDocumentLength(1 << 20).build());
    }

    private SignalJson() {}

    static String write(ClientMessage m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + m.getClass().getSimpleName(), e);
        }
    }

    /** The message, or null for a type this client does not know (to be ignored). */
    static ServerMessage read(String text) throws JsonProcessingException {
        return MAPPER.readValue(text, ServerMessage.class);
    }
}
