package dev.parley.bench.cluster;

import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault runs' accounting: what counts as lost, refused finally, duplicated, reordered. */
class ClusterFaultsTest {
    @Test
    void eachMessageIsCountedOnceUnderTheRightHeading() {
        ClusterFaults.Peer sender = new ClusterFaults.Peer(URI.create("ws://127.0.0.1:1/"), 0, IdentityKeyPair.generate(), true);
        ClusterFaults.Receiver r = new ClusterFaults.Receiver(8);
        long[] sentAt = {10, 20, 30, 40, 50, 60, 70, 80};
        // 0: delivered once. 1: relay_failed, resent, delivered once. 2: relay_failed, delivered anyway, resent,
        // delivered again (a duplicate). 3: lost. 4: refused finally (peer_offline), not delivered.
        // 5: refused finally but delivered. 6, 7: delivered, 6 after 7 (reordered).
        r.got(0);
        r.got(2);
        r.got(1);
        r.got(2);
        r.got(5);
        r.got(7);
        r.got(6);
        sender.errored.add(1);
        sender.resends.put(1, new AtomicInteger(1));
        sender.errored.add(2);
        sender.resends.put(2, new AtomicInteger(1));
        sender.errored.add(4);
        sender.refused.put(4, "PEER_OFFLINE");
        sender.errored.add(5);
        sender.refused.put(5, "RELAY_FAILED");

        ClusterFaults.Tally t = ClusterFaults.tally(sender, r, 8, sentAt);
        assertThat(t.delivered()).isEqualTo(6);
        assertThat(t.duplicated()).isEqualTo(1);
        assertThat(t.lost()).isEqualTo(1);
        assertThat(t.refusedFinally()).isEqualTo(2);
        assertThat(t.byCode()).isEqualTo(Map.of("PEER_OFFLINE", 1L, "RELAY_FAILED", 1L));
        assertThat(t.refusedButDelivered()).isEqualTo(1);
        assertThat(t.erroredThenDelivered()).isEqualTo(3); // 1, 2, 5
        // 1 arrived after 2, and 6 after 7: two late arrivals, one of which had been resent.
        assertThat(t.reordered()).isEqualTo(2);
        assertThat(t.reorderedResent()).isEqualTo(1);
        assertThat(t.lastBad()).isEqualTo(60); // 5 got an error; 3 (lost) and 4 came before it
        assertThat(sender.settled(r, 8)).isFalse(); // 3 is neither delivered nor refused
    }
}
