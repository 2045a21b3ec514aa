package dev.parley.protocol.signal;

import dev.parley.protocol.Printable;

/**
 * Where a relay came from in a signaling cluster: {@code "<node> <stream-id>"}, the id of the node that
 * delivered it and the id of the entry in that node's inbox stream ({@code <ms>-<seq>}, as Redis makes
 * them). A server stamps it on relays it delivers from its inbox; a client never sets it on what it sends,
 * treats it as opaque, and returns the last one it received in {@code auth}. Printable ASCII, at most
 * {@value #MAX_LENGTH} characters. See docs/protocol.md § Delivery marks.
 */
public final class DeliveryMark {
    public static final int MAX_LENGTH = 128;

    private DeliveryMark() {}

    /** {@code mark} itself if absent or valid; otherwise IllegalArgumentException naming the rule. */
    static String check(String mark) {
        if (mark == null) return null;
        boolean ok = !mark.isEmpty() && mark.length() <= MAX_LENGTH;
        for (int i = 0; ok && i < mark.length(); i++) {
            char c = mark.charAt(i);
            ok = c >= 0x20 && c <= 0x7e;
        }
        if (!ok) throw new IllegalArgumentException("'mark' must be 1 to " + MAX_LENGTH + " printable ASCII characters: "
                + Printable.clip(mark));
        return mark;
    }

    /** The node and stream id of a mark the server stamped, or null if {@code mark} does not have that form. */
    public static Parsed parse(String mark) {
        if (mark == null) return null;
        int sp = mark.lastIndexOf(' ');
        if (sp <= 0 || sp == mark.length() - 1) return null;
        String id = mark.substring(sp + 1);
        int dash = id.indexOf('-');
        if (dash <= 0 || dash == id.length() - 1) return null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (i != dash && (c < '0' || c > '9')) return null;
        }
        if (id.length() > 41) return null; // two 64-bit numbers at most
        return new Parsed(mark.substring(0, sp), id);
    }

    /** A mark's parts: the node that delivered the relay and its inbox entry id. */
    public record Parsed(String node, String streamId) {}
}
