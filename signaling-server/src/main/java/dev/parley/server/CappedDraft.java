package dev.parley.server;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;

/**
 * RFC 6455 framing with a message-size cap that holds across continuation frames. Java-WebSocket 1.6.0
 * checks the declared length of each frame before allocating (so a header claiming 1 GiB is refused at
 * once), but adds non-final continuation frames to its buffer without checking the total until FIN
 * (TooTallNate/Java-WebSocket#1508). Here the running total is checked on every fragment and the
 * connection is closed with 1009 as soon as it passes the cap. Also stamps each frame's arrival for the
 * idle timeout and counts framing violations. One instance per connection (see {@link #copyInstance}),
 * used only by that connection's decoder thread.
 */
final class CappedDraft extends Draft_6455 {
    private final int cap;
    private final Metrics metrics;
    private final Clock clock;
    /** Bytes in the fragmented message being assembled. */
    private long assembling;

    CappedDraft(int cap, Metrics metrics, Clock clock) {
        super(List.of(), cap);
        this.cap = cap;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Draft copyInstance() {
        return new CappedDraft(cap, metrics, clock);
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        try {
            return super.translateFrame(buffer);
        } catch (InvalidDataException e) {
            metrics.reject(reason(e));
            throw e;
        }
    }

    @Override
    public void processFrame(WebSocketImpl ws, Framedata frame) throws InvalidDataException {
        if (ws instanceof JwsTransport.Socket s) s.conn.lastFrameMs = clock.millis();
        Opcode op = frame.getOpcode();
        boolean fragment = op == Opcode.CONTINUOUS || (!frame.isFin() && (op == Opcode.TEXT || op == Opcode.BINARY));
        if (fragment) {
            if (op != Opcode.CONTINUOUS) assembling = 0;
            assembling += frame.getPayloadData().remaining();
            if (assembling > cap) {
                assembling = 0;
                metrics.reject("too_large");
                throw new LimitExceededException("message over " + cap + " bytes", cap);
            }
            if (frame.isFin()) assembling = 0;
        }
        try {
            super.processFrame(ws, frame);
        } catch (InvalidDataException e) {
            metrics.reject(reason(e));
            throw e;
        }
    }

    @Override
    public void reset() {
        super.reset();
        assembling = 0;
    }

    private static String reason(InvalidDataException e) {
        switch (e.getCloseCode()) {
            case CloseFrame.TOOBIG:
                return "too_large";
            case CloseFrame.NO_UTF8:
                return "invalid_utf8";
            default:
                return "protocol_error";
        }
    }
}
