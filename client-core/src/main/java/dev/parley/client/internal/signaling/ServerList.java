package dev.parley.client.internal.signaling;

import lombok.extern.slf4j.Slf4j;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A signaling client's failover list: the URLs it was given (never dropped), then the other nodes' URLs the
 * servers advertised in {@code welcome.nodes} (docs/protocol.md § Clusters), deduplicated (scheme and host
 * case, default port, empty path), at most {@link #MAX} in all — past that the oldest learned one goes,
 * never the one in use. An advertised URL that is not ws/wss with a host is ignored, and so is a ws:// one
 * while the client is on wss:// (a server cannot downgrade it). Mutated on the client's event thread only;
 * {@link #current()} and {@link #all()} may be read from any thread.
 */
@Slf4j
final class ServerList {
    static final int MAX = 16;
    private final int configured;
    private volatile List<URI> urls;
    private volatile int at;

    ServerList(List<URI> configured) {
        this.urls = List.copyOf(configured);
        this.configured = configured.size();
    }

    URI current() {
        List<URI> l = urls;
        return l.get(Math.min(at, l.size() - 1));
    }

    List<URI> all() {
        return urls;
    }

    /** Moves to the next URL (one URL: the same again). */
    void next() {
        at = (at + 1) % urls.size();
    }

    /** Adds the advertised URLs not known yet; returns how many were added. */
    int learn(List<String> advertised) {
        if (advertised == null || advertised.isEmpty() || configured >= MAX) return 0;
        URI now = current();
        List<URI> l = new ArrayList<>(urls);
        List<String> known = new ArrayList<>();
        for (URI u : l) known.add(key(u));
        int added = 0;
        for (String s : advertised) {
            URI u = parse(s);
            if (u == null) {
                log.debug("ignoring an advertised signaling URL that is not ws:// or wss:// with a host: {}", s);
                continue;
            }
            if ("wss".equals(now.getScheme()) && !"wss".equals(u.getScheme())) {
                log.debug("ignoring an advertised ws:// URL while on wss://: {}", s);
                continue;
            }
            String k = key(u);
            if (known.contains(k)) continue;
            known.add(k);
            l.add(u);
            added++;
        }
        if (added == 0) return 0;
        for (int i = configured; l.size() > MAX && i < l.size(); ) {
            if (l.get(i).equals(now)) i++;
            else l.remove(i);
        }
        urls = List.copyOf(l);
        at = Math.max(0, urls.indexOf(now));
        return added;
    }

    private static URI parse(String s) {
        if (s == null || s.length() > 256) return null;
        try {
            URI u = new URI(s);
            if (!("ws".equals(u.getScheme()) || "wss".equals(u.getScheme())) || u.getHost() == null || u.getRawUserInfo() != null) return null;
            return u;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The same endpoint however written: scheme and host lower case, the default port, "/" for no path. */
    static String key(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() >= 0 ? u.getPort() : "wss".equals(scheme) ? 443 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port + path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }
}
