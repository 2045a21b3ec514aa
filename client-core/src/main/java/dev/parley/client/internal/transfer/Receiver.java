package dev.parley.client.internal.transfer;

import dev.parley.client.internal.Ids;
import dev.parley.client.Direction;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferProgress;
import dev.parley.client.TransferState;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.FileCancel;
import dev.parley.protocol.peer.FileDecline;
import dev.parley.protocol.peer.FileResult;
import dev.parley.client.internal.files.Download;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * A file we receive: waits for the user's (or the policy's) answer, asks the sender for the bytes
 * from what we hold (file-accept with our offset, again after link loss or a restart), acknowledges
 * what was written, and once all bytes are here has them verified and saved — or ends the transfer
 * and keeps nothing.
 *
 * <p>Confinement: every field and method runs on the engine's control thread only. Disk work goes to
 * the transfer's {@link FrameWriter} on its own {@link Lane} (in order, one step at a time); each step
 * hands its result back to the control thread, where the state changes and listener events happen.
 */
@Slf4j
final class Receiver {
    private enum Notify { NONE, CANCEL, RESULT }

    private final TransferContext ctx;
    final TransferId id;
    final PeerId peer;
    private final String name;
    private final long size;
    private final String sha256;
    private final FrameWriter part;
    private final Executor lane;

    /** Whether the user (or policy) accepted; false while the offer waits. */
    private boolean accepted;
    /** The sender, as the download loop asks it; knows the link we receive on (null after link loss). */
    private final StreamSource sender;
    /** The download loop with its one source: what is held, what to ask for, progress. */
    private final Download<PeerId> download;
    /** All bytes are here and the part file is being verified and moved. */
    private boolean saving;
    private boolean finished;

    Receiver(TransferContext ctx, Transfer t, Path partPath, boolean accepted) {
        this.ctx = ctx;
        this.id = t.id();
        this.peer = Ids.wire(t.peer());
        this.name = t.name();
        this.size = t.size();
        this.sha256 = t.sha256Hex();
        this.sender = new StreamSource(ctx, t.id(), peer);
        this.download = new Download<>(t.size(), 0, ctx.config.progressInterval(), ctx.config.checkpointInterval(), System.nanoTime());
        this.part = new FrameWriter(ctx.store, ctx.config, t.id(), t.size(), partPath, ctx.trustPageCache);
        this.lane = ctx.newDiskLane();
        this.accepted = accepted;
    }

    boolean accepted() {
        return accepted;
    }

    /** The user or the auto-accept policy says yes (no-op once answered or over). */
    void accept() {
        if (accepted || finished) {
            return;
        }
        long free = ctx.downloadDir.toFile().getUsableSpace();
        if (free > 0 && free < size) {
            decline("no-space");
            return;
        }
        accepted = true;
        ctx.store.updateState(id, TransferState.ACCEPTED);
        ctx.emit(e -> e.onAccepted(id));
        PeerLink link = ctx.link(peer);
        if (link != null) {
            startReceiving(link);
        }
    }

    /** No (no-op once accepted or over). */
    void decline(String reason) {
        if (accepted || finished) {
            return;
        }
        finished = true;
        ctx.forget(id);
        ctx.store.updateState(id, TransferState.REJECTED);
        ctx.store.updatePartPath(id, null);
        PeerLink link = ctx.link(peer);
        if (link != null) {
            link.sendControl(new FileDecline(id.value(), reason));
        }
        ctx.emit(e -> e.onDeclined(id, reason));
    }

    void cancel() {
        end(TransferState.CANCELLED, "cancelled", Notify.CANCEL, false);
    }

    void onCancelledByPeer(String reason) {
        end(TransferState.CANCELLED, reason, Notify.NONE, true);
    }

    /** The sender offered again (after a reconnect): answer on this link if we have not yet. */
    void onOfferRepeated(PeerLink link) {
        if (accepted && !finished && link != null && sender.link() != link) {
            startReceiving(link);
        }
    }

    void onLinkUp(PeerLink link) {
        if (accepted && !finished) {
            startReceiving(link);
        }
    }

    void onLinkDown() {
        sender.lost();
        if (accepted && !finished) {
            ctx.pause(id);
            lane.execute(part::checkpoint);
        }
    }

    /** The sender opens a fresh channel and resumes from what we ask for. */
    void onChannelClosed(PeerLink link) {
        if (accepted && !finished && link != null) {
            startReceiving(link);
        }
    }

    /** A data frame (on the control thread, in arrival order); written on the lane. */
    void onFrame(byte[] frame) {
        if (finished) {
            return;
        }
        lane.execute(() -> {
            try {
                long held = part.write(frame);
                if (held >= 0) {
                    ctx.onControl("written " + id, () -> onWritten(held));
                }
            } catch (FrameWriter.Rejected r) {
                ctx.onControl("bad frame " + id, () -> fail(r.reason));
            } catch (IOException | RuntimeException e) {
                log.warn("writing {} failed", id, e);
                ctx.onControl("write failed " + id, () -> fail("io-error"));
            }
        });
    }

    /** The engine closes: record how far we got; the store keeps the transfer for the next run. */
    void shutdown() {
        lane.execute(part::shutdown);
    }

    /** Opens (or re-opens after a restart) the part file on the lane, then sends file-accept. */
    private void startReceiving(PeerLink link) {
        if (saving) {
            return;
        }
        sender.receiveOn(link);
        lane.execute(() -> {
            try {
                long offset = part.open();
                ctx.onControl("opened " + id, () -> onOpened(link, offset));
            } catch (IOException | RuntimeException e) {
                log.warn("cannot open the part file of {}", id, e);
                ctx.onControl("open failed " + id, () -> fail("io-error"));
            }
        });
    }

    private void onOpened(PeerLink link, long offset) {
        if (finished || saving) {
            return;
        }
        download.resumeAt(offset, System.nanoTime());
        sender.startsAt(offset);
        if (download.whole()) {
            save(); // everything was here already (empty file, or done just before a restart)
            return;
        }
        if (sender.link() != link) {
            return;
        }
        ctx.store.updateState(id, TransferState.ACTIVE);
        download.schedule(sender, download.rest()); // the one source, asked for the rest: a file-accept from our offset
        ctx.emit(e -> e.onStarted(id, Direction.INCOMING, offset));
    }

    private void onWritten(long held) {
        if (finished || saving || held <= download.held()) {
            return;
        }
        long now = System.nanoTime();
        download.delivered(peer, held - download.held(), now);
        sender.written(held, size);
        if (download.progressDue(now)) {
            Download.Progress d = download.progress(now);
            TransferProgress p = new TransferProgress(id, Direction.INCOMING, d.bytes(), d.size(), d.bytesPerSecond(), d.eta());
            ctx.emit(e -> e.onProgress(p));
        }
        if (download.whole()) {
            save();
        }
    }

    /** All bytes are here: the lane verifies the whole-file hash, then saves under the final name. */
    private void save() {
        if (saving || finished) {
            return;
        }
        saving = true;
        lane.execute(() -> {
            try {
                Path saved = part.finish(ctx.downloadDir, name, sha256);
                ctx.onControl("saved " + id, () -> onSaved(saved));
            } catch (FrameWriter.Rejected r) {
                ctx.onControl("rejected " + id, () -> fail(r.reason));
            } catch (IOException | RuntimeException e) {
                log.warn("could not save {} as {}", id, name, e);
                ctx.onControl("save failed " + id, () -> fail("io-error"));
            }
        });
    }

    private void onSaved(Path saved) {
        if (finished) { // cancelled while the lane was saving: keep nothing
            lane.execute(() -> deleteQuietly(saved));
            return;
        }
        finished = true;
        ctx.forget(id);
        ctx.store.updateVerifiedOffset(id, size);
        ctx.store.updatePartPath(id, saved.toString());
        ctx.store.updateState(id, TransferState.COMPLETED);
        PeerLink link = ctx.link(peer);
        if (link != null) {
            link.sendControl(new FileResult(id.value(), true, null));
        }
        ctx.emit(e -> e.onCompleted(id, Direction.INCOMING, saved, sha256));
    }

    private void fail(String reason) {
        end(TransferState.FAILED, reason, Notify.RESULT, false);
    }

    /** Ends the transfer: the lane deletes the part file first, then the store, the sender and the listener hear of it. */
    private void end(TransferState state, String reason, Notify notify, boolean byPeer) {
        if (finished) {
            return;
        }
        finished = true;
        ctx.forget(id);
        lane.execute(() -> {
            part.discard();
            ctx.onControl("ended " + id, () -> ended(state, reason, notify, byPeer));
        });
    }

    private void ended(TransferState state, String reason, Notify notify, boolean byPeer) {
        ctx.store.updateState(id, state);
        ctx.store.updatePartPath(id, null);
        PeerLink link = ctx.link(peer);
        if (link != null) {
            switch (notify) {
                case CANCEL -> link.sendControl(new FileCancel(id.value(), reason));
                case RESULT -> link.sendControl(new FileResult(id.value(), false, reason));
                case NONE -> { }
            }
        }
        if (state == TransferState.CANCELLED) {
            ctx.emit(e -> e.onCancelled(id, Direction.INCOMING, byPeer, reason));
        } else {
            ctx.emit(e -> e.onFailed(id, Direction.INCOMING, reason));
        }
    }

    private void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}", file, e);
        }
    }
}
