package dev.parley.client.internal.transfer;

import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferState;
import dev.parley.client.internal.store.TransferStore;
import dev.parley.client.internal.store.UnknownContactException;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.FileAccept;
import dev.parley.protocol.peer.FileCancel;
import dev.parley.protocol.peer.FileDecline;
import dev.parley.protocol.peer.FileOffer;
import dev.parley.protocol.peer.FileResult;
import dev.parley.protocol.peer.PeerMessage;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * File transfers inside conversations: offers and answers as control messages on the chat channel,
 * file bytes on one data channel per transfer ({@code file:<transferId>}), streamed from and to disk
 * so memory does not grow with file size, resumed after link loss or a restart from what the receiver
 * holds, and saved under the final name only after the whole-file SHA-256 matched. The wire format is
 * in docs/files-notes.md.
 *
 * <p>Threads: {@link PeerFeature} callbacks (session threads) only hand off. State changes run on one
 * control thread; streaming on a bounded pool of send threads; writing, hashing and renaming on a
 * bounded pool of disk threads; listener events on one event thread. Public methods are safe from any
 * thread and never block on I/O.
 */
@Slf4j
public final class TransferEngine implements PeerFeature, AutoCloseable {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final long PARK_NANOS = 100_000;

    private final TransferStore store;
    private final TransferConfig config;
    private final TransferListener listener;
    private final Path downloadDir;
    private final boolean trustPageCache;
    private final AutoAcceptPolicy autoAccept = new AutoAcceptPolicy();

    private final ExecutorService control = Executors.newSingleThreadExecutor(named("parley-transfer-control"));
    private final ExecutorService events = Executors.newSingleThreadExecutor(named("parley-transfer-events"));
    private final ExecutorService senders;
    private final ExecutorService disk;

    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<TransferId, Outgoing> outgoing = new ConcurrentHashMap<>();
    private final Map<TransferId, Incoming> incoming = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @throws IOException if the download folder cannot be created or resolved
     */
    public TransferEngine(TransferStore store, TransferConfig config, TransferListener listener) throws IOException {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        Files.createDirectories(config.downloadDir());
        this.downloadDir = config.downloadDir().toRealPath();
        this.trustPageCache = BootId.sameBootAsLastRun(downloadDir);
        this.senders = Executors.newFixedThreadPool(config.sendThreads(), named("parley-transfer-send"));
        this.disk = Executors.newFixedThreadPool(config.diskThreads(), named("parley-transfer-disk"));
    }

    public AutoAcceptPolicy autoAccept() {
        return autoAccept;
    }

    public Path downloadDir() {
        return downloadDir;
    }

    /**
     * Loads unfinished transfers from the store so they resume when their contact's link comes up.
     * Offers still waiting for an answer are announced again through {@link TransferListener#onOffered}.
     */
    public void start() {
        run("start", () -> {
            for (Transfer t : store.unfinished()) {
                if (t.direction() == Direction.OUTGOING) {
                    if (t.partPath() == null) {
                        store.updateState(t.id(), TransferState.FAILED);
                        continue;
                    }
                    outgoing.put(t.id(), new Outgoing(t, Path.of(t.partPath())));
                } else {
                    Path part = t.partPath() != null ? Path.of(t.partPath()) : partPath(t.id());
                    Incoming in = new Incoming(t, part);
                    in.accepted = t.state() != TransferState.OFFERED;
                    incoming.put(t.id(), in);
                    if (!in.accepted) {
                        TransferOffer offer = new TransferOffer(t.id(), t.peer(), t.name(), t.size(), t.mediaType(), t.sha256Hex());
                        emit(l -> l.onOffered(offer));
                    }
                }
            }
        });
    }

    // =====================================================================================
    // Public operations
    // =====================================================================================

    /**
     * Offers {@code file} to {@code peer}. Hashes the file first (on a send thread), records the
     * transfer, and sends the offer now or when the link comes up.
     *
     * @return the new transfer's id, or fails if the file cannot be read or the peer is not a contact
     */
    public CompletableFuture<TransferId> sendFile(PeerId peer, Path file, String mediaType) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(file, "file");
        CompletableFuture<TransferId> result = new CompletableFuture<>();
        try {
            senders.execute(() -> {
                try {
                    Path source = file.toAbsolutePath();
                    if (!Files.isRegularFile(source)) {
                        throw new IOException("not a regular file: " + source);
                    }
                    long size = Files.size(source);
                    String sha = sha256(source, size);
                    String name = FileNames.sanitize(source.getFileName().toString());
                    Transfer t = store.create(TransferId.random(), Direction.OUTGOING, peer, name, size,
                            FileNames.sanitizeMediaType(mediaType), sha, source.toString());
                    Outgoing o = new Outgoing(t, source);
                    run("offer " + t.id(), () -> {
                        outgoing.put(o.id, o);
                        PeerLink link = links.get(peer);
                        if (link != null) {
                            link.sendControl(offerOf(o));
                        }
                        result.complete(o.id);
                    });
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("transfer engine closed"));
        }
        return result;
    }

    /** Accepts an offered file (no-op if unknown, already answered or finished). */
    public void accept(TransferId id) {
        run("accept " + id, () -> {
            Incoming in = incoming.get(id);
            if (in != null && !in.accepted && !in.finished) {
                acceptInternal(in);
            }
        });
    }

    /** Declines an offered file. */
    public void decline(TransferId id) {
        run("decline " + id, () -> {
            Incoming in = incoming.get(id);
            if (in != null && !in.accepted) {
                declineInternal(in, "declined");
            }
        });
    }

    /** Cancels a transfer in either direction; the peer is told, the partial file deleted. */
    public void cancel(TransferId id) {
        run("cancel " + id, () -> {
            Incoming in = incoming.get(id);
            if (in != null) {
                endIncoming(in, TransferState.CANCELLED, "cancelled", Notify.CANCEL, false);
            }
            Outgoing o = outgoing.get(id);
            if (o != null) {
                endOutgoing(o, TransferState.CANCELLED, "cancelled", true, false);
            }
        });
    }

    // =====================================================================================
    // PeerFeature: called on session threads; hand off only
    // =====================================================================================

    @Override
    public void onLinkUp(PeerLink link) {
        PeerId peer = link.peer();
        links.put(peer, link);
        run("link up " + peer.shortForm(), () -> {
            for (Outgoing o : outgoing.values()) {
                if (o.peer.equals(peer) && !o.finished) {
                    link.sendControl(offerOf(o)); // the receiver answers from its state (resume, result...)
                }
            }
            for (Incoming in : incoming.values()) {
                if (in.peer.equals(peer) && in.accepted && !in.finished) {
                    startReceiving(in, link);
                }
            }
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        run("link down " + peer.shortForm(), () -> {
            for (Outgoing o : outgoing.values()) {
                if (o.peer.equals(peer)) {
                    synchronized (o) {
                        o.generation++;
                        o.link = null;
                        o.waitingForChannel = false;
                    }
                    if (!o.finished) {
                        pause(o.id);
                    }
                }
            }
            for (Incoming in : incoming.values()) {
                if (in.peer.equals(peer)) {
                    in.acceptedOn = null;
                    if (in.accepted && !in.finished) {
                        pause(in.id);
                        diskRun(() -> {
                            synchronized (in) {
                                if (!in.finished && in.file != null) {
                                    checkpoint(in);
                                }
                            }
                        });
                    }
                }
            }
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        if (message instanceof FileOffer m) {
            run("file-offer", () -> onOffer(peer, m));
        } else if (message instanceof FileAccept m) {
            run("file-accept", () -> onAccept(peer, m));
        } else if (message instanceof FileDecline m) {
            run("file-decline", () -> onDecline(peer, m));
        } else if (message instanceof FileCancel m) {
            run("file-cancel", () -> onCancel(peer, m));
        } else if (message instanceof FileResult m) {
            run("file-result", () -> onResult(peer, m));
        }
    }

    @Override
    public void onChannelOpen(PeerId peer, String label) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        run("channel open " + label, () -> {
            Outgoing o = outgoing.get(id);
            if (o != null && o.peer.equals(peer)) {
                synchronized (o) {
                    if (o.waitingForChannel && o.link != null && o.link == links.get(peer)) {
                        o.waitingForChannel = false;
                        startLoop(o);
                    }
                }
            }
        });
    }

    @Override
    public void onChannelClosed(PeerId peer, String label) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        run("channel closed " + label, () -> {
            Outgoing o = outgoing.get(id);
            if (o != null && o.peer.equals(peer)) {
                synchronized (o) {
                    o.generation++; // the loop stops; the receiver asks again
                }
            }
            Incoming in = incoming.get(id);
            PeerLink link = links.get(peer);
            if (in != null && in.peer.equals(peer) && in.accepted && !in.finished && link != null) {
                in.acceptedOn = null;
                startReceiving(in, link); // the sender opens a fresh channel and resumes
            }
        });
    }

    @Override
    public void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        Incoming in = incoming.get(id);
        if (in != null && in.peer.equals(peer)) {
            in.inbox.add(data);
            if (in.draining.compareAndSet(false, true)) {
                diskRun(() -> drain(in));
            }
            return;
        }
        Outgoing o = outgoing.get(id);
        if (o != null && o.peer.equals(peer) && data.length == Frames.HEADER) {
            long written = Frames.getLong(data);
            if (written > o.acked && written <= o.size) {
                o.acked = written;
                long now = System.nanoTime();
                double rate = o.meter.update(now, written);
                if (now - o.lastProgressNanos >= config.progressInterval().toNanos() || written == o.size) {
                    o.lastProgressNanos = now;
                    TransferProgress p = new TransferProgress(o.id, Direction.OUTGOING, written, o.size, rate,
                            RateMeter.eta(o.size - written, rate));
                    emit(l -> l.onProgress(p));
                }
            }
        }
    }

    // =====================================================================================
    // Receiving (control thread unless noted)
    // =====================================================================================

    private void onOffer(PeerId peer, FileOffer m) {
        if (m.transferId() == null) {
            return;
        }
        TransferId id = new TransferId(m.transferId());
        PeerLink link = links.get(peer);
        Incoming in = incoming.get(id);
        if (in != null) {
            if (in.peer.equals(peer) && in.accepted && !in.finished && link != null && in.acceptedOn != link) {
                startReceiving(in, link);
            }
            return;
        }
        Optional<Transfer> known = store.get(id);
        if (known.isPresent()) {
            Transfer t = known.get();
            if (t.peer().equals(peer) && t.direction() == Direction.INCOMING && link != null) {
                switch (t.state()) { // the offer is repeated after a reconnect: tell the sender how it ended
                    case COMPLETED -> link.sendControl(new FileResult(m.transferId(), true, null));
                    case FAILED -> link.sendControl(new FileResult(m.transferId(), false, "failed"));
                    case CANCELLED -> link.sendControl(new FileCancel(m.transferId(), "cancelled"));
                    case REJECTED -> link.sendControl(new FileDecline(m.transferId(), "declined"));
                    default -> { }
                }
            } else {
                log.warn("{} reused transfer id {}; ignored", peer.shortForm(), id);
            }
            return;
        }
        String sha = m.sha256() == null ? "" : m.sha256().toLowerCase(java.util.Locale.ROOT);
        if (m.size() < 0 || !SHA256_HEX.matcher(sha).matches()) {
            if (link != null) {
                link.sendControl(new FileDecline(m.transferId(), "bad-offer"));
            }
            return;
        }
        String name = FileNames.sanitize(m.name());
        Transfer t;
        try {
            t = store.create(id, Direction.INCOMING, peer, name, m.size(), FileNames.sanitizeMediaType(m.mediaType()),
                    sha, partPath(id).toString());
        } catch (UnknownContactException e) {
            log.warn("file offer from {}, who is not a contact; declined", peer.shortForm());
            if (link != null) {
                link.sendControl(new FileDecline(m.transferId(), "unknown-contact"));
            }
            return;
        }
        Incoming fresh = new Incoming(t, partPath(id));
        incoming.put(id, fresh);
        TransferOffer offer = new TransferOffer(id, peer, t.name(), t.size(), t.mediaType(), t.sha256Hex());
        emit(l -> l.onOffered(offer));
        if (autoAccept.accepts(peer, t.size())) {
            acceptInternal(fresh);
        }
    }

    private Path partPath(TransferId id) {
        return downloadDir.resolve(id + ".part");
    }

    private void acceptInternal(Incoming in) {
        long free = downloadDir.toFile().getUsableSpace();
        if (free > 0 && free < in.size) {
            declineInternal(in, "no-space");
            return;
        }
        in.accepted = true;
        store.updateState(in.id, TransferState.ACCEPTED);
        PeerLink link = links.get(in.peer);
        if (link != null) {
            startReceiving(in, link);
        }
    }

    private void declineInternal(Incoming in, String reason) {
        incoming.remove(in.id);
        synchronized (in) {
            in.finished = true;
        }
        store.updateState(in.id, TransferState.REJECTED);
        store.updatePartPath(in.id, null);
        PeerLink link = links.get(in.peer);
        if (link != null) {
            link.sendControl(new FileDecline(in.id.value(), reason));
        }
        emit(l -> l.onDeclined(in.id, reason));
    }

    /** Opens (or re-opens after a restart) the part file on a disk thread, then sends file-accept. */
    private void startReceiving(Incoming in, PeerLink link) {
        in.acceptedOn = link;
        diskRun(() -> {
            long offset;
            synchronized (in) {
                if (in.finished) {
                    return;
                }
                try {
                    openPart(in);
                } catch (IOException | RuntimeException e) {
                    log.warn("cannot open the part file of {}", in.id, e);
                    failIncoming(in, "io-error");
                    return;
                }
                offset = in.written;
                in.ackedAt = offset;
                if (offset == in.size) {
                    complete(in); // everything was here already (empty file, or done just before a restart)
                    return;
                }
            }
            run("send file-accept " + in.id, () -> {
                if (in.finished || in.acceptedOn != link) {
                    return;
                }
                store.updateState(in.id, TransferState.ACTIVE);
                link.sendControl(new FileAccept(in.id.value(), offset, config.maxMessageSize()));
                emit(l -> l.onStarted(in.id, Direction.INCOMING, offset));
            });
        });
    }

    /** Holding {@code in}: opens the part file, after a restart at the offset we can trust (see BootId). */
    private void openPart(Incoming in) throws IOException {
        if (in.file != null) {
            return;
        }
        if (Files.exists(in.part, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(in.part, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("part file is not a regular file: " + in.part);
            }
            FileChannel fc = FileChannel.open(in.part, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try {
                long length = fc.size();
                long verified = store.get(in.id).map(Transfer::verifiedOffset).orElse(0L);
                // Same boot: whatever our killed process wrote is in the page cache, so the length is
                // good. Otherwise (OS crash, power loss) only what we fsynced and recorded is.
                long resume = Math.min(in.size, trustPageCache ? length : Math.min(length, verified));
                if (length != resume) {
                    fc.truncate(resume);
                }
                in.digest = newDigest();
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                for (long pos = 0; pos < resume; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), resume - pos));
                    int n = fc.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("part file shorter than expected");
                    }
                    in.digest.update(buf.array(), 0, n);
                    pos += n;
                }
                fc.force(false);
                in.file = fc;
                in.written = resume;
                store.updateVerifiedOffset(in.id, resume);
                log.info("resuming {} at {} (part file had {}, last checkpoint {})", in.id, resume, length, verified);
            } catch (IOException | RuntimeException e) {
                fc.close();
                throw e;
            }
        } else {
            in.file = FileChannel.open(in.part, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            in.digest = newDigest();
            in.written = 0;
        }
        in.checkpointed = in.written;
        in.checkpointNanos = System.nanoTime();
    }

    /** Disk thread: writes queued frames in order. One drain per transfer at a time. */
    private void drain(Incoming in) {
        while (true) {
            byte[] frame;
            while ((frame = in.inbox.poll()) != null) {
                synchronized (in) {
                    if (in.finished || in.file == null) {
                        continue; // not accepted on this side, or over: drop
                    }
                    try {
                        write(in, frame);
                    } catch (IOException | RuntimeException e) {
                        log.warn("writing {} failed", in.id, e);
                        failIncoming(in, "io-error");
                    }
                }
            }
            in.draining.set(false);
            if (in.inbox.isEmpty() || !in.draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Holding {@code in}. */
    private void write(Incoming in, byte[] frame) throws IOException {
        if (frame.length < Frames.HEADER) {
            failIncoming(in, "bad-frame");
            return;
        }
        long offset = Frames.getLong(frame);
        long end = offset + (frame.length - Frames.HEADER);
        if (offset < 0 || end > in.size) {
            failIncoming(in, "size-exceeded");
            return;
        }
        if (end <= in.written || offset > in.written) {
            return; // a stale frame from a superseded stream: already have it, or not contiguous
        }
        int skip = (int) (in.written - offset);
        ByteBuffer data = ByteBuffer.wrap(frame, Frames.HEADER + skip, frame.length - Frames.HEADER - skip);
        in.digest.update(frame, Frames.HEADER + skip, frame.length - Frames.HEADER - skip);
        long pos = in.written;
        while (data.hasRemaining()) {
            pos += in.file.write(data, pos);
        }
        in.written = end;
        long now = System.nanoTime();
        if (in.written - in.checkpointed >= config.checkpointBytes()
                || now - in.checkpointNanos >= config.checkpointInterval().toNanos()) {
            checkpoint(in);
        }
        if (in.written - in.ackedAt >= config.ackEveryBytes() || in.written == in.size) {
            in.ackedAt = in.written;
            PeerLink link = links.get(in.peer);
            if (link != null) {
                link.sendBinary(in.label, Frames.ack(in.written));
            }
        }
        double rate = in.meter.update(now, in.written);
        if (now - in.lastProgressNanos >= config.progressInterval().toNanos() || in.written == in.size) {
            in.lastProgressNanos = now;
            TransferProgress p = new TransferProgress(in.id, Direction.INCOMING, in.written, in.size, rate,
                    RateMeter.eta(in.size - in.written, rate));
            emit(l -> l.onProgress(p));
        }
        if (in.written == in.size) {
            complete(in);
        }
    }

    /** Holding {@code in}: make the written prefix durable, then record it as verified. */
    private void checkpoint(Incoming in) {
        try {
            in.file.force(false);
            store.updateVerifiedOffset(in.id, in.written);
            in.checkpointed = in.written;
            in.checkpointNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            log.warn("checkpoint of {} failed; will retry", in.id, e);
        }
    }

    /** Holding {@code in}: all bytes are here. Verify the whole-file hash, then save under the final name. */
    private void complete(Incoming in) {
        String got = HexFormat.of().formatHex(in.digest.digest());
        try {
            in.file.force(false);
            in.file.close();
        } catch (IOException e) {
            log.warn("closing the part file of {} failed", in.id, e);
            failIncoming(in, "io-error");
            return;
        }
        in.file = null;
        if (!got.equals(in.sha256)) {
            log.warn("{}: SHA-256 mismatch (offered {}, got {})", in.id, in.sha256, got);
            failIncoming(in, "sha256-mismatch");
            return;
        }
        Path saved;
        try {
            saved = FileNames.moveIntoPlace(in.part, downloadDir, in.name);
        } catch (IOException e) {
            log.warn("could not save {} as {}", in.id, in.name, e);
            failIncoming(in, "io-error");
            return;
        }
        in.finished = true;
        incoming.remove(in.id);
        store.updateVerifiedOffset(in.id, in.size);
        store.updatePartPath(in.id, saved.toString());
        store.updateState(in.id, TransferState.COMPLETED);
        PeerLink link = links.get(in.peer);
        if (link != null) {
            link.sendControl(new FileResult(in.id.value(), true, null));
        }
        emit(l -> l.onCompleted(in.id, Direction.INCOMING, saved, in.sha256));
    }

    /** Holding {@code in} (or on the control thread): ends the transfer, deletes the part file, tells the sender. */
    private void failIncoming(Incoming in, String reason) {
        endIncoming(in, TransferState.FAILED, reason, Notify.RESULT, false);
    }

    private enum Notify { NONE, CANCEL, RESULT }

    private void endIncoming(Incoming in, TransferState state, String reason, Notify notify, boolean byPeer) {
        synchronized (in) {
            if (in.finished) {
                return;
            }
            in.finished = true;
            in.inbox.clear();
            if (in.file != null) {
                try {
                    in.file.close();
                } catch (IOException ignored) {
                    // deleted next
                }
                in.file = null;
            }
            try {
                Files.deleteIfExists(in.part);
            } catch (IOException e) {
                log.warn("could not delete {}", in.part, e);
            }
        }
        incoming.remove(in.id);
        store.updateState(in.id, state);
        store.updatePartPath(in.id, null);
        PeerLink link = links.get(in.peer);
        if (link != null) {
            switch (notify) {
                case CANCEL -> link.sendControl(new FileCancel(in.id.value(), reason));
                case RESULT -> link.sendControl(new FileResult(in.id.value(), false, reason));
                case NONE -> { }
            }
        }
        if (state == TransferState.CANCELLED) {
            emit(l -> l.onCancelled(in.id, Direction.INCOMING, byPeer, reason));
        } else {
            emit(l -> l.onFailed(in.id, Direction.INCOMING, reason));
        }
    }

    // =====================================================================================
    // Sending (control thread unless noted)
    // =====================================================================================

    private static FileOffer offerOf(Outgoing o) {
        return new FileOffer(o.id.value(), o.name, o.size, o.mediaType, o.sha256);
    }

    private void onAccept(PeerId peer, FileAccept m) {
        if (m.transferId() == null) {
            return;
        }
        TransferId id = new TransferId(m.transferId());
        PeerLink link = links.get(peer);
        Outgoing o = outgoing.get(id);
        if (o == null || !o.peer.equals(peer)) {
            // Finished here (e.g. cancelled while the link was down) or unknown: say so.
            Optional<Transfer> t = store.get(id);
            if (link != null && (t.isEmpty() || (t.get().peer().equals(peer) && t.get().state() != TransferState.COMPLETED))) {
                link.sendControl(new FileCancel(m.transferId(), t.isEmpty() ? "unknown-transfer"
                        : t.get().state() == TransferState.CANCELLED ? "cancelled" : "failed"));
            }
            return;
        }
        if (m.offset() < 0 || m.offset() > o.size) {
            endOutgoing(o, TransferState.FAILED, "bad-offset", true, false);
            return;
        }
        if (link == null || o.finished) {
            return;
        }
        int messageSize = m.maxMessageSize() == null ? TransferConfig.SAFE_MESSAGE_SIZE
                : Math.max(1024, Math.min(m.maxMessageSize(), config.maxMessageSize()));
        store.updateState(id, TransferState.ACTIVE);
        emit(l -> l.onStarted(id, Direction.OUTGOING, m.offset()));
        synchronized (o) {
            o.acked = m.offset();
            o.payloadMax = messageSize - Frames.HEADER;
            if (o.loopGeneration == o.generation && o.link == link) {
                o.restartAt = m.offset(); // the receiver restarted its side; the loop jumps back
                return;
            }
            o.generation++;
            o.link = link;
            o.startAt = m.offset();
            o.restartAt = -1;
            if (m.offset() == o.size) {
                return; // nothing left to send; the result follows
            }
            if (link.bufferedAmount(o.label) >= 0) {
                startLoop(o);
            } else {
                o.waitingForChannel = true;
                link.openChannel(o.label, true);
            }
        }
    }

    /** Holding {@code o}. */
    private void startLoop(Outgoing o) {
        if (o.loopGeneration == o.generation || o.finished || o.link == null) {
            return;
        }
        int generation = o.generation;
        o.loopGeneration = generation;
        PeerLink link = o.link;
        long start = o.startAt;
        try {
            senders.execute(() -> stream(o, generation, link, start));
        } catch (RejectedExecutionException e) {
            o.loopGeneration = -1;
        }
    }

    /** Send thread: reads the file and sends frames while there is room; returns when done, superseded or stuck. */
    private void stream(Outgoing o, int generation, PeerLink link, long start) {
        String why = "done";
        try (FileChannel fc = FileChannel.open(o.source, StandardOpenOption.READ)) {
            long pos = start;
            while (true) {
                synchronized (o) {
                    if (o.generation != generation || o.finished) {
                        why = "superseded";
                        return;
                    }
                    if (o.restartAt >= 0) {
                        pos = o.restartAt;
                        o.restartAt = -1;
                    }
                    if (pos >= o.size) {
                        return; // everything sent; the receiver's file-result ends it
                    }
                }
                if (!awaitRoom(o, generation, link, pos)) {
                    why = "no room";
                    return;
                }
                int n = (int) Math.min(o.payloadMax, o.size - pos);
                byte[] frame = new byte[Frames.HEADER + n]; // exact size: send() sends the whole array
                Frames.putLong(frame, pos);
                ByteBuffer buf = ByteBuffer.wrap(frame, Frames.HEADER, n);
                while (buf.hasRemaining()) {
                    if (fc.read(buf, pos + buf.position() - Frames.HEADER) < 0) {
                        run("source changed", () -> endOutgoing(o, TransferState.FAILED, "source-changed", true, false));
                        why = "source shorter than offered";
                        return;
                    }
                }
                if (link.sendBinary(o.label, frame)) {
                    pos += n;
                } else if (link.bufferedAmount(o.label) < 0) {
                    why = "channel closed";
                    return;
                } else {
                    LockSupport.parkNanos(PARK_NANOS); // queue full just now: retry the same frame
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("reading {} for {} failed", o.source, o.id, e);
            run("source unreadable", () -> endOutgoing(o, TransferState.FAILED, "source-unreadable", true, false));
            why = "read failed";
        } finally {
            synchronized (o) {
                if (o.loopGeneration == generation) {
                    o.loopGeneration = -1;
                }
            }
            log.debug("stream of {} ended: {}", o.id, why);
        }
    }

    /** Waits (parking, bounded by the stall timeout since the last sign of progress) for buffer and window room. */
    private boolean awaitRoom(Outgoing o, int generation, PeerLink link, long pos) {
        long stall = config.stallTimeout().toNanos();
        long deadline = System.nanoTime() + stall;
        long lastAcked = o.acked;
        long lastBuffered = Long.MAX_VALUE;
        while (true) {
            if (o.generation != generation || o.finished || closed) {
                return false;
            }
            long buffered = link.bufferedAmount(o.label);
            if (buffered < 0) {
                return false;
            }
            long acked = o.acked;
            if (buffered <= config.highWaterBytes() && pos - acked <= config.windowBytes()) {
                return true;
            }
            long now = System.nanoTime();
            if (acked != lastAcked || buffered < lastBuffered) {
                lastAcked = acked;
                deadline = now + stall;
            }
            lastBuffered = buffered;
            if (now - deadline > 0) {
                log.warn("{} stalled for {}; waiting for the receiver to resume", o.id, config.stallTimeout());
                return false;
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    private void onDecline(PeerId peer, FileDecline m) {
        Outgoing o = m.transferId() == null ? null : outgoing.get(new TransferId(m.transferId()));
        if (o != null && o.peer.equals(peer)) {
            String reason = m.reason() == null ? "declined" : m.reason();
            if (markFinished(o)) {
                outgoing.remove(o.id);
                store.updateState(o.id, TransferState.REJECTED);
                emit(l -> l.onDeclined(o.id, reason));
            }
        }
    }

    private void onCancel(PeerId peer, FileCancel m) {
        if (m.transferId() == null) {
            return;
        }
        TransferId id = new TransferId(m.transferId());
        String reason = m.reason() == null ? "cancelled" : m.reason();
        Incoming in = incoming.get(id);
        if (in != null && in.peer.equals(peer)) {
            endIncoming(in, TransferState.CANCELLED, reason, Notify.NONE, true);
        }
        Outgoing o = outgoing.get(id);
        if (o != null && o.peer.equals(peer)) {
            endOutgoing(o, TransferState.CANCELLED, reason, false, true);
        }
    }

    private void onResult(PeerId peer, FileResult m) {
        Outgoing o = m.transferId() == null ? null : outgoing.get(new TransferId(m.transferId()));
        if (o == null || !o.peer.equals(peer)) {
            return;
        }
        if (m.ok()) {
            if (markFinished(o)) {
                outgoing.remove(o.id);
                store.updateState(o.id, TransferState.COMPLETED);
                closeChannel(o);
                emit(l -> l.onCompleted(o.id, Direction.OUTGOING, o.source, o.sha256));
            }
        } else {
            endOutgoing(o, TransferState.FAILED, m.reason() == null ? "failed" : m.reason(), false, true);
        }
    }

    private static boolean markFinished(Outgoing o) {
        synchronized (o) {
            if (o.finished) {
                return false;
            }
            o.finished = true;
            o.generation++;
            return true;
        }
    }

    private void endOutgoing(Outgoing o, TransferState state, String reason, boolean tellPeer, boolean byPeer) {
        if (!markFinished(o)) {
            return;
        }
        outgoing.remove(o.id);
        store.updateState(o.id, state);
        PeerLink link = links.get(o.peer);
        if (tellPeer && link != null) {
            link.sendControl(new FileCancel(o.id.value(), reason));
        }
        closeChannel(o);
        if (state == TransferState.CANCELLED) {
            emit(l -> l.onCancelled(o.id, Direction.OUTGOING, byPeer, reason));
        } else {
            emit(l -> l.onFailed(o.id, Direction.OUTGOING, reason));
        }
    }

    private void closeChannel(Outgoing o) {
        PeerLink link = links.get(o.peer);
        if (link != null && link.bufferedAmount(o.label) >= 0) {
            link.closeChannel(o.label);
        }
    }

    private void pause(TransferId id) {
        store.get(id).ifPresent(t -> {
            if (t.state() == TransferState.ACTIVE) {
                store.updateState(id, TransferState.PAUSED);
            }
        });
    }

    // =====================================================================================
    // Plumbing
    // =====================================================================================

    /** Contacts with an unfinished transfer: the session layer dials them when they are reachable. */
    @Override
    public java.util.Set<PeerId> peersWithPendingWork() {
        java.util.Set<PeerId> peers = new java.util.HashSet<>();
        for (Transfer t : store.unfinished()) peers.add(t.peer());
        return peers;
    }

    /** Stops streaming, records how far every incoming file got, and releases the threads (bounded waits). */
    @Override
    public void close() {
        closed = true;
        outgoing.values().forEach(o -> {
            synchronized (o) {
                o.generation++;
            }
        });
        control.shutdown();
        await(control, 10);
        senders.shutdownNow();
        await(senders, 10);
        disk.shutdown();
        await(disk, 30);
        for (Incoming in : incoming.values()) {
            synchronized (in) {
                if (in.file != null && !in.finished) {
                    checkpoint(in);
                    try {
                        in.file.close();
                    } catch (IOException e) {
                        log.debug("closing {}", in.part, e);
                    }
                    in.file = null;
                }
            }
        }
        events.shutdown();
        await(events, 10);
    }

    private static void await(ExecutorService e, int seconds) {
        try {
            if (!e.awaitTermination(seconds, TimeUnit.SECONDS)) {
                log.warn("transfer threads did not stop within {} s", seconds);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private void run(String what, Step step) {
        try {
            control.execute(() -> {
                try {
                    step.run();
                } catch (Throwable t) {
                    log.warn("transfer step '{}' failed", what, t);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{} dropped: engine closed", what);
        }
    }

    private void diskRun(Runnable r) {
        try {
            disk.execute(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    log.warn("transfer disk step failed", t);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("disk step dropped: engine closed");
        }
    }

    private void emit(Consumer<TransferListener> event) {
        try {
            events.execute(() -> {
                try {
                    event.accept(listener);
                } catch (Throwable t) {
                    log.warn("transfer listener threw", t);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("event dropped: engine closed");
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** Hex SHA-256 of the first {@code size} bytes of {@code file}, streamed (1 MiB buffer). */
    static String sha256(Path file, long size) throws IOException {
        MessageDigest d = newDigest();
        byte[] buf = new byte[1 << 20];
        long left = size;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("file shrank while hashing: " + file);
                }
                d.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
