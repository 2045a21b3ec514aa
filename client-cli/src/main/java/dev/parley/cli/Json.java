package dev.parley.cli;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The one-line JSON objects of {@code --json} output, written by Jackson with the CLI's one
 * {@link #MAPPER}. Values are strings, numbers, booleans, null, or nested {@code Json}/{@code Iterable}s;
 * anything else is written as its {@code toString()}. Field order is insertion order.
 *
 * <p>The bytes are part of the scripting contract (docs/cli.md, pinned by {@code JsonTest}): no spaces;
 * integers ({@code Integer}, {@code Long}) as such, every other number as a Java {@code double}
 * ({@code 1.0E-7}, {@code 2.0}) and null when not finite; in strings {@code \n \r \t \" \\} and every
 * other control character or U+2028/U+2029 as a lower-case {@code \}{@code u00xx} escape, so a
 * message text never breaks the one-event-per-line framing, even for JavaScript readers.
 */
public final class Json {
    /** Compact output; the escapes above instead of Jackson's defaults ({@code \b}, {@code \f}, upper-case hex, raw U+2028). */
    static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes()).build()).build();

    private final ObjectNode node = JsonNodeFactory.instance.objectNode();

    private Json() {}

    public static Json object() {
        return new Json();
    }

    public Json put(String key, Object value) {
        node.set(key, toNode(value));
        return this;
    }

    @Override
    public String toString() {
        return write(node);
    }

    public static String array(Iterable<?> items) {
        return write(toNode(items));
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always serializes
        }
    }

    private static JsonNode toNode(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) return f.nullNode();
        if (v instanceof Json j) return j.node;
        if (v instanceof Iterable<?> it) {
            ArrayNode a = f.arrayNode();
            for (Object o : it) a.add(toNode(o));
            return a;
        }
        if (v instanceof Boolean b) return f.booleanNode(b);
        if (v instanceof Integer i) return f.numberNode(i);
        if (v instanceof Long l) return f.numberNode(l);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? f.numberNode(d) : f.nullNode();
        }
        return f.textNode(v.toString());
    }

    /** Short escapes only for {@code \n \r \t}; {@code \}{@code u00xx} (lower case) for other controls and U+2028/U+2029. */
    private static final class LineSafeEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        LineSafeEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') ascii[c] = ESCAPE_CUSTOM;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
            return null;
        }
    }
}
