package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry window's store on its own: the hash, the window, the per-recipient and node-wide bounds. */
class RetryFilterTest {
    private static final PeerId A = IdentityKeyPair.generate().publicKey().peerId();
    private static final PeerId B = IdentityKeyPair.generate().publicKey().peerId();

    /** Delivers through the filter; the verdict, and whether the delivery step ran. */
    private static int deliver(RetryFilter f, Session to, PeerId from, String id, long now, boolean[] ran) {
        ran[0] = false;
        return f.once(to, from, id, now, () -> {
            ran[0] = true;
            return Delivery.DELIVERED;
        });
    }

    @Test
    void sipHashMatchesTheReferenceVectors() {
        // SipHash-2-4 paper, appendix A: key 00 01 .. 0f; messages 00 01 .. (n-1) for n = 0, 8, 15.
        long k0 = 0x0706050403020100L, k1 = 0x0f0e0d0c0b0a0908L;
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 15; i++) m.append((char) i);
        assertThat(RetryFilter.sipHash(k0, k1, "", null)).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(RetryFilter.sipHash(k0, k1, m.substring(0, 8), null)).isEqualTo(0x93f5f5799a932462L);
        assertThat(RetryFilter.sipHash(k0, k1, m.toString(), null)).isEqualTo(0xa129ca6149be45e5L);
        // Sender and id are separated: ("ab", "c") and ("a", "bc") are different pairs.
        assertThat(RetryFilter.sipHash(k0, k1, "ab", "c")).isNotEqualTo(RetryFilter.sipHash(k0, k1, "a", "bc"));
    }

    @Test
    void aPairIsDroppedWithinTheWindowOnlyAndAFailedDeliveryIsNotRemembered() {
        RetryFilter f = new RetryFilter();
        Session to = new Session(B);
        boolean[] ran = new boolean[1];
        // Refused (the recipient's budget, say): not remembered, so the retry goes through.
        assertThat(f.once(to, A, "x", 0, () -> 2)).isEqualTo(2);
        assertThat(deliver(f, to, A, "x", 1, ran)).isEqualTo(Delivery.DELIVERED);
        assertThat(ran[0]).isTrue();
        assertThat(deliver(f, to, A, "x", RetryFilter.WINDOW_MS, ran)).isEqualTo(RetryFilter.DROPPED);
        assertThat(ran[0]).isFalse();
        assertThat(deliver(f, to, B, "x", 2, ran)).isEqualTo(Delivery.DELIVERED); // another sender
        assertThat(deliver(f, to, A, "x", 1 + RetryFilter.WINDOW_MS, ran)).isEqualTo(Delivery.DELIVERED); // a minute on
        assertThat(f.entries()).isEqualTo(2); // A's first delivery expired on the way; B's (at 2) has not
        f.prune(2 + 2 * RetryFilter.WINDOW_MS);
        assertThat(f.entries()).isZero();
        assertThat(deliver(f, to, A, "x", 3 + 2 * RetryFilter.WINDOW_MS, ran)).isEqualTo(Delivery.DELIVERED);
    }

    @Test
    void aRecipientRemembersItsLatestPairsUpToItsCapAndMatchesAPlainSetOnTheWay() {
        RetryFilter f = new RetryFilter();
        Session to = new Session(B);
        boolean[] ran = new boolean[1];
        ArrayDeque<String> model = new ArrayDeque<>(); // what the store should hold, oldest first
        Set<String> held = new HashSet<>();
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // Mostly new ids, some repeats of recent and of long-forgotten ones.
            String id = r.nextInt(4) == 0 ? "m" + r.nextInt(i + 1) : "m" + i;
            boolean expectDrop = held.contains(id);
            int v = deliver(f, to, A, id, i, ran);
            assertThat(v).as("relay %d (%s)", i, id).isEqualTo(expectDrop ? RetryFilter.DROPPED : Delivery.DELIVERED);
            if (!expectDrop) {
                model.addLast(id);
                held.add(id);
                if (model.size() > RetryFilter.PER_RECIPIENT) held.remove(model.removeFirst());
            }
        }
        assertThat(f.entries()).isEqualTo(RetryFilter.PER_RECIPIENT);
    }

    @Test
    void theNodeWideBudgetCapsGrowthAndEveryRecipientKeepsItsMinimum() {
        // 64 per recipient, 96 beyond the minimum (16) in all: two recipients can grow to 64, a third cannot.
        RetryFilter f = new RetryFilter(64, 96);
        boolean[] ran = new boolean[1];
        Session s1 = new Session(A), s2 = new Session(B), s3 = new Session(IdentityKeyPair.generate().publicKey().peerId());
        for (int i = 0; i < 100; i++) {
            deliver(f, s1, B, "m" + i, 0, ran);
            deliver(f, s2, A, "m" + i, 0, ran);
        }
        assertThat(f.entries()).isEqualTo(128);
        for (int i = 0; i < 100; i++) deliver(f, s3, A, "m" + i, 0, ran);
        assertThat(f.entries()).isEqualTo(128 + RetryFilter.MIN_PER_RECIPIENT);
        // s3 keeps its latest 16, s1 its latest 64.
        assertThat(deliver(f, s3, A, "m84", 0, ran)).isEqualTo(RetryFilter.DROPPED);
        assertThat(deliver(f, s3, A, "m83", 0, ran)).isEqualTo(Delivery.DELIVERED);
        assertThat(deliver(f, s1, B, "m36", 0, ran)).isEqualTo(RetryFilter.DROPPED);
        assertThat(deliver(f, s1, B, "m35", 0, ran)).isEqualTo(Delivery.DELIVERED);
        // A minute on, the quiet stores are released and the budget is back: s3 grows now.
        f.prune(RetryFilter.WINDOW_MS);
        assertThat(f.entries()).isZero();
        for (int i = 0; i < 64; i++) deliver(f, s3, B, "n" + i, RetryFilter.WINDOW_MS + 1, ran);
        assertThat(f.entries()).isEqualTo(64);
        assertThat(deliver(f, s3, B, "n0", RetryFilter.WINDOW_MS + 2, ran)).isEqualTo(RetryFilter.DROPPED);
    }
}
