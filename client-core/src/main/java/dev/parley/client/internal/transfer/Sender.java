package dev.parley.client.internal.transfer;

import dev.parley.client.internal.Ids;
import dev.parley.client.Direction;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferProgress;
import dev.parley.client.TransferState;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.FileAccept;
import dev.parley.protocol.peer.FileCancel;
import dev.parley.protocol.peer.FileOffer;
import dev.parley.client.internal.files.RateMeter;
import lombok.extern.slf4j.Slf4j;

import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;

/**
 * A file we send: offers it, answers the receiver's file-accept (first or resumed) by starting a
 * {@link Stream} on the send pool, follows the receiver's acknowledgements for progress and the
 * window, and ends on file-result, decline or cancel.
 *
 * <p>Confinement: every field and method runs on the engine's control thread only. The send loop
 * gets an immutable copy of what it needs plus a mailbox ({@link Stream#ack}, {@link Stream#restart},
 * {@link Stream#stop}); it reports back through {@link #streamEnded}, handed to the control thread.
 */
@Slf4j
final class Sender {
    /** What the send loop needs of the file; immutable. */
    record Source(TransferId id, Path path, long size, String label) {
    }

    private final TransferContext ctx;
    private final Source source;
    final TransferId id;
    final PeerId peer;
    private final String name;
    private final String mediaType;
    private final String sha256;

    /** The link we stream on (set by a file-accept), null while the link is down. */
    private PeerLink link;
    /** The running send loop, or null. */
    private Stream stream;
    private boolean waitingForChannel;
    private long startAt;
    private int payloadMax;
    private boolean finished;
    private long acked;
    private final RateMeter meter = new RateMeter();
    private long lastProgressNanos;

    Sender(TransferContext ctx, Transfer t, Path path) {
        this.ctx = ctx;
        this.id = t.id();
        this.peer = Ids.wire(t.peer());
        this.name = t.name();
        this.mediaType = t.mediaType();
        this.sha256 = t.sha256Hex();
        this.source = new Source(t.id(), path, t.size(), Frames.label(t.id()));
    }

    private long size() {
        return source.size();
    }

    FileOffer offer() {
        return new FileOffer(id.value(), name, size(), mediaType, sha256);
    }

    /** The contact is reachable (again): offer, and the receiver answers from its state (resume, result...). */
    void onLinkUp(PeerLink l) {
        if (!finished) {
            l.sendControl(offer());
        }
    }

    void onLinkDown() {
        stopStream();
        link = null;
        waitingForChannel = false;
        if (!finished) {
            ctx.pause(id);
        }
    }

    void onAccept(FileAccept m, PeerLink l) {
        if (m.offset() < 0 || m.offset() > size()) {
            end(TransferState.FAILED, "bad-offset", true, false);
            return;
        }
        if (l == null || finished) {
            return;
        }
        int messageSize = m.maxMessageSize() == null ? TransferConfig.SAFE_MESSAGE_SIZE
                : Math.max(1024, Math.min(m.maxMessageSize(), ctx.config.maxMessageSize()));
        ctx.store.updateState(id, TransferState.ACTIVE);
        ctx.emit(e -> e.onStarted(id, Direction.OUTGOING, m.offset()));
        acked = m.offset();
        payloadMax = messageSize - Frames.HEADER;
        if (stream != null && stream.link == l) {
            stream.restart(m.offset(), payloadMax); // the receiver restarted its side; the loop jumps back
            return;
        }
        stopStream();
        link = l;
        startAt = m.offset();
        waitingForChannel = false;
        if (m.offset() == size()) {
            return; // nothing left to send; the result follows
        }
        if (l.bufferedAmount(source.label()) >= 0) {
            startStream(startAt);
        } else {
            waitingForChannel = true;
            l.openChannel(source.label(), true);
        }
    }

    void onChannelOpen(PeerLink current) {
        if (waitingForChannel && link != null && link == current) {
            waitingForChannel = false;
            startStream(startAt);
        }
    }

    /** The loop stops; the receiver asks again on a fresh channel. */
    void onChannelClosed() {
        stopStream();
    }

    /** An 8-byte acknowledgement of how much the receiver has written. */
    void onAck(long written) {
        if (written <= acked || written > size() || finished) {
            return;
        }
        acked = written;
        if (stream != null) {
            stream.ack(written);
        }
        long now = System.nanoTime();
        double rate = meter.update(now, written);
        if (now - lastProgressNanos >= ctx.config.progressInterval().toNanos() || written == size()) {
            lastProgressNanos = now;
            TransferProgress p = new TransferProgress(id, Direction.OUTGOING, written, size(), rate,
                    RateMeter.eta(size() - written, rate));
            ctx.emit(e -> e.onProgress(p));
        }
    }

    void onDeclined(String reason) {
        if (finish()) {
            ctx.store.updateState(id, TransferState.REJECTED);
            ctx.emit(e -> e.onDeclined(id, reason));
        }
    }

    void onCancelledByPeer(String reason) {
        end(TransferState.CANCELLED, reason, false, true);
    }

    void onResult(boolean ok, String reason) {
        if (!ok) {
            end(TransferState.FAILED, reason == null ? "failed" : reason, false, true);
        } else if (finish()) {
            ctx.store.updateState(id, TransferState.COMPLETED);
            closeChannel();
            ctx.emit(e -> e.onCompleted(id, Direction.OUTGOING, source.path(), sha256));
        }
    }

    /** Our user cancels: the receiver is told. */
    void cancel() {
        end(TransferState.CANCELLED, "cancelled", true, false);
    }

    /** The engine closes: the loop stops; the store keeps the transfer for the next run. */
    void shutdown() {
        stopStream();
    }

    private void startStream(long from) {
        if (finished || link == null || stream != null) {
            return;
        }
        Stream s = new Stream(source, link, from, acked, payloadMax, ctx.config,
                (ended, end) -> ctx.onControl("stream ended " + id, () -> streamEnded(ended, end)));
        try {
            ctx.sendPool.execute(s);
            stream = s;
        } catch (RejectedExecutionException e) {
            log.debug("stream of {} not started: engine closed", id);
        }
    }

    private void streamEnded(Stream s, Stream.End end) {
        if (s != stream) {
            return; // already stopped and replaced
        }
        stream = null;
        switch (end) {
            case SOURCE_CHANGED -> end(TransferState.FAILED, "source-changed", true, false);
            case UNREADABLE -> end(TransferState.FAILED, "source-unreadable", true, false);
            default -> {
                Stream.Restart missed = s.pendingRestart();
                if (missed != null && s.link == link) {
                    payloadMax = missed.payloadMax(); // asked to jump back just as the loop ended
                    startStream(missed.offset());
                }
            }
        }
    }

    private void stopStream() {
        if (stream != null) {
            stream.stop();
            stream = null;
        }
    }

    private boolean finish() {
        if (finished) {
            return false;
        }
        finished = true;
        stopStream();
        ctx.forget(id);
        return true;
    }

    private void end(TransferState state, String reason, boolean tellPeer, boolean byPeer) {
        if (!finish()) {
            return;
        }
        ctx.store.updateState(id, state);
        PeerLink l = ctx.link(peer);
        if (tellPeer && l != null) {
            l.sendControl(new FileCancel(id.value(), reason));
        }
        closeChannel();
        if (state == TransferState.CANCELLED) {
            ctx.emit(e -> e.onCancelled(id, Direction.OUTGOING, byPeer, reason));
        } else {
            ctx.emit(e -> e.onFailed(id, Direction.OUTGOING, reason));
        }
    }

    private void closeChannel() {
        PeerLink l = ctx.link(peer);
        if (l != null && l.bufferedAmount(source.label()) >= 0) {
            l.closeChannel(source.label());
        }
    }
}
