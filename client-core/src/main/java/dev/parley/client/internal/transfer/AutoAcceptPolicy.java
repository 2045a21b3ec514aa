package dev.parley.client.internal.transfer;

import dev.parley.protocol.PeerId;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Per-contact auto-accept: offers from a listed contact up to its size cap are accepted without asking. Thread-safe. */
public final class AutoAcceptPolicy {
    private final Map<PeerId, Long> caps = new ConcurrentHashMap<>();

    /** Accept offers from {@code peer} of at most {@code maxBytes} automatically. */
    public void allow(PeerId peer, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
        caps.put(Objects.requireNonNull(peer), maxBytes);
    }

    public void revoke(PeerId peer) {
        caps.remove(peer);
    }

    public boolean accepts(PeerId peer, long size) {
        Long cap = caps.get(peer);
        return cap != null && size <= cap;
    }
}
