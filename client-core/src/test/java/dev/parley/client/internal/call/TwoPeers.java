package dev.parley.client.internal.call;

import dev.parley.client.internal.rtc.RtcConfig;

/** Parties A and B (A sorts first, so is polite) and their session: {@link #a} is A's link to B. */
final class TwoPeers implements AutoCloseable {
    final Party partyA;
    final Party partyB;
    Party.Link a;
    Party.Link b;

    TwoPeers(RtcConfig config) {
        partyA = new Party('a', config);
        Party pb;
        try {
            pb = new Party('b', config);
        } catch (RuntimeException e) {
            try {
                partyA.close();
            } catch (Exception ignored) {
                // already failing
            }
            throw e;
        }
        partyB = pb;
    }

    TwoPeers() {
        this(RtcConfig.defaults());
    }

    TwoPeers connect() throws InterruptedException {
        Party.Link[] l = Party.connect(partyA, partyB);
        a = l[0];
        b = l[1];
        return this;
    }

    @Override
    public void close() throws Exception {
        try {
            partyA.close();
        } finally {
            partyB.close();
        }
    }
}
