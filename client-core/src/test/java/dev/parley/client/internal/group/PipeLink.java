package dev.parley.client.internal.group;

import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import dev.parley.protocol.peer.PeerMessage;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One direction of an in-memory chat channel between two features: every message goes through the real
 * codec (encoded, size-checked against the peer-message limit, decoded strictly) and is delivered in order
 * on the pipe's own thread, as a session thread would. Delivery starts when {@link #open()} is called.
 */
final class PipeLink implements PeerLink {
    private final PeerId from;
    private final PeerId to;
    private final PeerFeature receiver;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean closed;
    /** Every message sent on this pipe, as decoded on arrival. */
    final List<PeerMessage> sent = new CopyOnWriteArrayList<>();

    PipeLink(PeerId from, PeerId to, PeerFeature receiver) {
        this.from = from;
        this.to = to;
        this.receiver = receiver;
        thread.execute(() -> {
            try {
                opened.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    void open() {
        opened.countDown();
    }

    void close() {
        closed = true;
        opened.countDown();
        thread.shutdown();
    }

    @Override
    public PeerId peer() {
        return to;
    }

    @Override
    public boolean sendControl(PeerMessage message) {
        if (closed) return false;
        String text = WireCodec.standard().encodePeer(message);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > PeerMessage.MAX_MESSAGE_BYTES) throw new IllegalStateException("over the peer-message limit: " + utf8.length);
        try {
            thread.execute(() -> {
                if (closed) return;
                try {
                    PeerMessage m = WireCodec.standard().decodePeerStrict(text);
                    sent.add(m);
                    receiver.onControl(from, m);
                } catch (WireException e) {
                    throw new IllegalStateException("does not decode: " + e.getMessage(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
        return true;
    }

    @Override
    public void openChannel(String label, boolean ordered) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void closeChannel(String label) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean sendBinary(String label, byte[] data) {
        return false;
    }

    @Override
    public long bufferedAmount(String label) {
        return -1;
    }
}
