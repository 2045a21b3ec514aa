package dev.parley.client.internal.store;

import java.text.Normalizer;

/**
 * Turns a user- or peer-supplied display name into a harmless label: NFC, no control or format
 * characters (bidi overrides, zero-width joiners, BOM), no line breaks, whitespace collapsed, at most
 * {@link #MAX_CODE_POINTS} code points. A name is never used to identify anyone.
 */
final class DisplayNames {
    public static final int MAX_CODE_POINTS = 64;

    private DisplayNames() {}

    /** The sanitized name, or null if nothing printable is left. */
    public static String sanitize(String raw) {
        if (raw == null) return null;
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder b = new StringBuilder();
        int count = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < s.length() && count < MAX_CODE_POINTS; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                pendingSpace = b.length() > 0;
                continue;
            }
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                continue;
            }
            if (pendingSpace) {
                if (count + 1 >= MAX_CODE_POINTS) break;
                b.append(' ');
                count++;
                pendingSpace = false;
            }
            b.appendCodePoint(cp);
            count++;
        }
        return b.length() == 0 ? null : b.toString();
    }
}
