package dev.parley.client.internal.transfer;

import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.TransferId;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test support: one receiving Parley user in its own JVM (so it can run with a small heap and be
 * killed with SIGKILL). Connects to the test's signaling socket, auto-accepts everything from the
 * sender, and reports events as {@code evt} lines. Exits when the test says {@code bye}, closes the socket, or after 120 s.
 *
 * <p>Args: port profileDir downloadDir ownSeedBase64 senderPeerId
 */
public final class ReceiverMain {
    private ReceiverMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path profile = Path.of(args[1]);
        Path downloads = Path.of(args[2]);
        IdentityKeyPair me = IdentityKeyPair.fromSeed(Base64.getDecoder().decode(args[3]));
        PeerId sender = PeerId.of(args[4]);
        CountDownLatch done = new CountDownLatch(1);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
             SocketSignaling signaling = new SocketSignaling(socket);
             ProfileStore store = ProfileStore.open(profile, me.publicKey(), Clock.systemUTC())) {
            if (store.contacts().get(sender).isEmpty()) {
                store.contacts().add(sender, "sender");
            }
            TransferListener report = new TransferListener() {
                @Override
                public void onStarted(TransferId id, Direction direction, long offset) {
                    signaling.event("started " + id + " " + offset);
                }

                @Override
                public void onProgress(TransferProgress p) {
                    signaling.event("progress " + p.bytes() + " " + heapUsed());
                }

                @Override
                public void onCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
                    signaling.event("completed " + sha256Hex + " " + peakHeap() + " " + file);
                }

                @Override
                public void onFailed(TransferId id, Direction direction, String reason) {
                    signaling.event("failed " + reason);
                }
            };
            TransferEngine engine = new TransferEngine(store.transfers(), TransferConfig.defaults(downloads)
                    .withProgressInterval(java.time.Duration.ofMillis(5)), report);
            engine.autoAccept().allow(sender, Long.MAX_VALUE);
            engine.start();
            try (RtcRuntime rtc = RtcRuntime.create(RtcConfig.defaults())) {
                LinkAdapter link = new LinkAdapter(sender, engine);
                PeerSession session = rtc.newSession(me.publicKey().peerId().value(), sender.value(), signaling,
                        DescriptionVerifier.ACCEPT_ALL, link);
                link.bind(session);
                signaling.connectTo(session);
                signaling.start(line -> {
                    if (line.equals("eof") || line.equals("bye")) {
                        done.countDown();
                    }
                });
                signaling.event("ready");
                done.await(120, TimeUnit.SECONDS);
            } finally {
                engine.close();
            }
        }
        System.exit(0);
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Sum of the heap pools' peak usage since the JVM started. */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
