package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import lombok.extern.slf4j.Slf4j;

import java.nio.ByteBuffer;

/**
 * One data channel of a session (modelled on Pion's {@code DataChannel}): its label, its native channel
 * and its own state. Its owner thread is the session's {@link SessionLoop}: native callbacks copy their
 * data and post there, in the order they came, and every state change happens there. {@link #send} and
 * {@link #bufferedAmount} may be called from any thread; they go through the loop's native guard, so
 * they never touch a closed connection.
 */
@Slf4j
final class DataChannel {

    /** Largest message the native stack accepts; one byte more silently closes the channel. */
    static final int MAX_MESSAGE_SIZE = 262_144;
    /** Above about 16 MiB queued the native channel closes itself, so we refuse earlier. */
    static final long MAX_BUFFERED_AMOUNT = 15L << 20;

    /** What the channel reports, on the loop: opened once, closed once, each message in order. */
    interface Events {
        void opened(DataChannel channel);

        void closed(DataChannel channel);

        void message(DataChannel channel, byte[] data, boolean binary);
    }

    private final SessionLoop loop;
    private final RTCDataChannel dc;
    private final String label;
    private final Events events;

    // ---- confined to the loop ----
    private boolean openReported;
    private boolean closedReported;

    private DataChannel(SessionLoop loop, RTCDataChannel dc, String label, Events events) {
        this.loop = loop;
        this.dc = dc;
        this.label = label;
        this.events = events;
    }

    /**
     * Wraps a native channel and registers its observer at once, so no message can slip past. Call it
     * on the thread that got the channel (the loop, or the signaling thread in {@code onDataChannel}).
     */
    static DataChannel wrap(SessionLoop loop, RTCDataChannel dc, Events events) {
        DataChannel ch = new DataChannel(loop, dc, dc.getLabel(), events);
        dc.registerObserver(ch.new Observer());
        return ch;
    }

    String label() {
        return label;
    }

    /** On the loop: reports OPEN now if the native channel already is (a negotiated one may be). */
    void reportIfOpen() {
        if (dc.getState() == RTCDataChannelState.OPEN) {
            onState(RTCDataChannelState.OPEN);
        }
    }

    /**
     * Sends one message. Any thread.
     *
     * @return false if the channel is not open, the connection is closed, the message is larger than
     *     {@link #MAX_MESSAGE_SIZE}, or the send queue is full
     */
    boolean send(byte[] data, boolean binary) {
        if (data.length > MAX_MESSAGE_SIZE) {
            return false;
        }
        try {
            return loop.readNative(() -> {
                if (dc.getState() != RTCDataChannelState.OPEN
                        || dc.getBufferedAmount() + data.length > MAX_BUFFERED_AMOUNT) {
                    return false;
                }
                // send() sends the whole backing array, so hand it an exact-size copy.
                dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(data.clone()), binary));
                return true;
            }, false);
        } catch (Exception e) {
            log.debug("send on {} to {} failed", label, loop.remotePeerId(), e);
            return false;
        }
    }

    /** Bytes queued and not yet sent; -1 once the connection is closed. Any thread. */
    long bufferedAmount() {
        try {
            return loop.readNative(dc::getBufferedAmount, -1L);
        } catch (Exception e) {
            return -1;
        }
    }

    /** On the loop: closes the native channel; {@link Events#closed} follows when it is closed. */
    void close() {
        dc.close();
    }

    private void onState(RTCDataChannelState state) {
        if (loop.closing()) {
            return;
        }
        if (state == RTCDataChannelState.OPEN && !openReported) {
            openReported = true;
            events.opened(this);
        } else if (state == RTCDataChannelState.CLOSED && !closedReported) {
            closedReported = true;
            events.closed(this);
        }
    }

    private void onMessage(byte[] data, boolean binary) {
        if (!loop.closing()) {
            events.message(this, data, binary);
        }
    }

    @Override
    public String toString() {
        return "DataChannel[" + label + " to " + loop.remotePeerId() + "]";
    }

    /** On the factory's signaling thread: copy, hand off to the loop, never throw (notes §3). */
    private final class Observer implements RTCDataChannelObserver {
        @Override
        public void onBufferedAmountChange(long previousAmount) {
            // Never fires in webrtc-java 0.14 (shared notes §5); senders poll bufferedAmount.
        }

        @Override
        public void onStateChange() {
            try {
                RTCDataChannelState state = dc.getState();
                loop.post("channel " + label + " " + state, () -> onState(state));
            } catch (Throwable t) {
                log.error("onStateChange", t);
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            try {
                // The buffer is native memory reused after we return: copy it here.
                ByteBuffer src = buffer.data.duplicate();
                byte[] copy = new byte[src.remaining()];
                src.get(copy);
                boolean binary = buffer.binary;
                loop.post("message", () -> DataChannel.this.onMessage(copy, binary));
            } catch (Throwable t) {
                log.error("onMessage", t);
            }
        }
    }
}
