package dev.parley.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** An address block, {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address; parsed without DNS. */
record Cidr(byte[] network, int prefix) {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        InetAddress a = literal(slash < 0 ? t : t.substring(0, slash));
        if (a == null) throw new IllegalArgumentException("not an address block: '" + text + "' (want e.g. 10.0.0.0/8)");
        int bits = a.getAddress().length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        return new Cidr(a.getAddress(), prefix);
    }

    /** An IP literal as an address, or null; never a DNS lookup (hostnames are refused). */
    static InetAddress literal(String s) {
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (t.isEmpty() || t.length() > 45 || !LITERAL.matcher(t).matches()) return null;
        if (t.indexOf(':') < 0 && !t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return null;
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != network.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }

    static boolean any(List<Cidr> blocks, InetAddress a) {
        for (Cidr c : blocks) if (c.contains(a)) return true;
        return false;
    }
}
