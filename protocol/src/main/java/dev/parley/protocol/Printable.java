package dev.parley.protocol;

/** Makes untrusted text safe to put in an error message or a log line. */
public final class Printable {
    private Printable() {}

    /** At most 40 characters, control characters replaced, so hostile input cannot forge log lines. */
    public static String clip(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 40; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        if (s.length() > 40) b.append('…');
        return '"' + b.toString() + '"';
    }
}
