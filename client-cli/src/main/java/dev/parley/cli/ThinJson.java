package dev.parley.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The little JSON the thin {@code parley message} path reads from the daemon and prints: a strict
 * parser to maps, lists, strings, numbers ({@code Long} or {@code Double}), booleans and null, and the
 * string quoting of {@link Json} (the same bytes: {@code \n \r \t \" \\}, other controls and
 * U+2028/U+2029 as lower-case {@code \}{@code u00xx}). Jackson's databind costs a one-shot command
 * tens of milliseconds of class loading (docs/benchmarks.md, daemon); this is a few small classes.
 */
final class ThinJson {
    private final String s;
    private int i;

    private ThinJson(String s) {
        this.s = s;
    }

    /** The value {@code text} holds; {@link IllegalArgumentException} if it is not exactly one JSON value. */
    static Object parse(String text) {
        ThinJson p = new ThinJson(text);
        Object v = p.value();
        p.space();
        if (p.i != text.length()) throw p.bad("trailing characters");
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + ": expected a JSON object");
    }

    static String text(Map<String, Object> o, String field) {
        return o.get(field) instanceof String t ? t : null;
    }

    /** {@code "…"} with {@link Json}'s escapes, or {@code null}. */
    static String quote(String v) {
        if (v == null) return "null";
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (int k = 0; k < v.length(); k++) {
            char ch = v.charAt(k);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }

    private IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("bad JSON from the daemon at " + i + ": " + why);
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private char peek() {
        space();
        if (i >= s.length()) throw bad("unexpected end");
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) throw bad("expected '" + c + "'");
        i++;
    }

    private Object value() {
        char c = peek();
        switch (c) {
            case '{': {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                if (peek() == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    if (peek() != '"') throw bad("expected a field name");
                    String k = string();
                    expect(':');
                    m.put(k, value());
                    char n = peek();
                    i++;
                    if (n == '}') return m;
                    if (n != ',') throw bad("expected ',' or '}'");
                }
            }
            case '[': {
                i++;
                List<Object> l = new ArrayList<>();
                if (peek() == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    char n = peek();
                    i++;
                    if (n == ']') return l;
                    if (n != ',') throw bad("expected ',' or ']'");
                }
            }
            case '"':
                return string();
            default:
                if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
                if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
                if (s.startsWith("null", i)) { i += 4; return null; }
                return number();
        }
    }

    private String string() {
        i++; // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw bad("unterminated string");
            char ch = s.charAt(i++);
            if (ch == '"') return b.toString();
            if (ch != '\\') {
                b.append(ch);
                continue;
            }
            if (i >= s.length()) throw bad("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw bad("short \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw bad("bad \\u escape");
                    }
                    i += 4;
                }
                default -> throw bad("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
        String n = s.substring(start, i);
        if (n.isEmpty()) throw bad("unexpected character '" + s.charAt(start) + "'");
        try {
            return n.matches("-?[0-9]+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        } catch (NumberFormatException x) {
            throw bad("bad number " + n);
        }
    }
}
