package dev.parley.client.internal.transfer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Auto-accept rules: offers under a listed key (a contact for 1:1 files, a group for group files) up to
 * its size cap are accepted without asking. Local policy the sender cannot see; kept for this run only.
 * Thread-safe.
 */
public final class AutoAcceptPolicy<K> {
    private final Map<K, Long> caps = new ConcurrentHashMap<>();

    /** Accept offers under {@code key} of at most {@code maxBytes} automatically (replacing an earlier cap). */
    public void allow(K key, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
        caps.put(Objects.requireNonNull(key), maxBytes);
    }

    public void revoke(K key) {
        caps.remove(key);
    }

    public boolean accepts(K key, long size) {
        Long cap = caps.get(key);
        return cap != null && size <= cap;
    }
}
