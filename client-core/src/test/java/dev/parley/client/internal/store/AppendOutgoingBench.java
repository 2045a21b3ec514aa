package dev.parley.client.internal.store;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * Times {@link MessageStore#appendOutgoing} (one durable write transaction: message + outbox row)
 * on a real file. Not a test: run by hand with the test classpath, optionally with a directory on
 * the disk you care about as the first argument.
 */
public final class AppendOutgoingBench {
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Files.createTempDirectory(Path.of(args[0]), "bench") : Files.createTempDirectory("bench");
        int n = 1_000, warmup = 200;
        try (ProfileStore store = ProfileStore.open(dir, IdentityKeyPair.generate().publicKey(), Clock.systemUTC())) {
            PeerId peer = IdentityKeyPair.generate().publicKey().peerId();
            store.contacts().add(peer, "bench");
            for (int i = 0; i < warmup; i++) store.messages().appendOutgoing(peer, "warmup " + i);
            long[] nanos = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                store.messages().appendOutgoing(peer, "message number " + i + " with a typical length of text");
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            System.out.printf("appendOutgoing on %s: n=%d median=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms%n",
                    dir, n, nanos[n / 2] / 1e6, nanos[n * 9 / 10] / 1e6, nanos[n * 99 / 100] / 1e6, nanos[n - 1] / 1e6);
        }
    }
}
