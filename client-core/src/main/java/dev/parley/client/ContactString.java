package dev.parley.client;


import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The shareable form of an identity: {@code parley:<identity key, base64url>[?name=<label>]}. It
 * carries the key itself, so the receiver pins it at once and can dial first; the peer id is derived
 * from it. A bare peer id is accepted too (the key is then pinned on first contact).
 */
public record ContactString(PeerId peerId, Optional<PeerKey> key, Optional<String> name) {
    public static final String SCHEME = "parley:";

    public static ContactString of(PeerKey key, String name) {
        return new ContactString(key.peerId(), Optional.of(key), Optional.ofNullable(name).filter(n -> !n.isBlank()));
    }

    /** Parses a contact string or a bare peer id; IllegalArgumentException with a user-facing message otherwise. */
    public static ContactString parse(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("empty contact");
        s = s.trim();
        if (!s.startsWith(SCHEME)) {
            if (PeerId.isValid(s)) return new ContactString(PeerId.of(s), Optional.empty(), Optional.empty());
            throw new IllegalArgumentException("not a contact: expected 'parley:<key>' (from 'parley id') or a 32-character peer id");
        }
        String rest = s.substring(SCHEME.length());
        String name = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String query = rest.substring(q + 1);
            rest = rest.substring(0, q);
            for (String kv : query.split("&")) {
                if (kv.startsWith("name=")) name = URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
            }
        }
        PeerKey key;
        try {
            key = PeerKey.parse(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a contact: the key in it is damaged (" + e.getMessage() + ")");
        }
        return new ContactString(key.peerId(), Optional.of(key), Optional.ofNullable(name).filter(n -> !n.isBlank()));
    }

    @Override
    public String toString() {
        if (key.isEmpty()) return peerId.value();
        return SCHEME + key.get().base64Url() + name.map(n -> "?name=" + URLEncoder.encode(n, StandardCharsets.UTF_8)).orElse("");
    }
}
