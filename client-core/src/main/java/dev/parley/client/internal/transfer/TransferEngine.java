package dev.parley.client.internal.transfer;

import dev.parley.client.internal.Ids;
import dev.parley.client.Direction;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferState;
import dev.parley.client.internal.files.FileHash;
import dev.parley.client.internal.files.FileNames;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * File transfers inside conversations: offers and answers as control messages on the chat channel,
 * file bytes on one data channel per transfer ({@code file:<transferId>}), streamed from and to disk
 * so memory does not grow with file size, resumed after link loss or a restart from what the receiver
 * holds, and saved under the final name only after the whole-file SHA-256 matched.
 *
 * <p>This class is the dispatcher: it owns the transfers (one {@link Sender} or {@link Receiver}
 * each), routes control messages and channel events to them, and creates receivers for new offers.
 *
 * <p>Threads: {@link PeerFeature} callbacks (session threads) and public methods only hand off to
 * the one control thread ({@code parley-transfer-control}), where every transfer's state lives and
 * changes and from which the {@link TransferListener} is called directly, in order. Blocking work
 * runs elsewhere and reports back there: send loops ({@link Stream}) on a bounded pool of send
 * threads, part files ({@link FrameWriter}) each on its own serial lane over a bounded pool of disk
 * threads. Public methods are safe from any thread and never block on I/O.
 */
@Slf4j
public final class TransferEngine implements PeerFeature, AutoCloseable {

    private final TransferStore store;
    private final Path downloadDir;
    private final AutoAcceptPolicy<PeerId> autoAccept = new AutoAcceptPolicy<>();

    private final ExecutorService control = Executors.newSingleThreadExecutor(named("parley-transfer-control"));
    private final ExecutorService senders;
    private final ExecutorService disk;
    private final TransferContext ctx;

    // ---- control thread only ----
    private final Map<TransferId, Sender> outgoing = new HashMap<>();
    private final Map<TransferId, Receiver> incoming = new HashMap<>();

    /**
     * @throws IOException if the download folder cannot be created or resolved
     */
    public TransferEngine(TransferStore store, TransferConfig config, TransferListener listener) throws IOException {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        Files.createDirectories(config.downloadDir());
        this.downloadDir = config.downloadDir().toRealPath();
        boolean trustPageCache = BootId.sameBootAsLastRun(downloadDir);
        this.senders = Executors.newFixedThreadPool(config.sendThreads(), named("parley-transfer-send"));
        this.disk = Executors.newFixedThreadPool(config.diskThreads(), named("parley-transfer-disk"));
        this.ctx = new TransferContext(store, config, downloadDir, trustPageCache, listener, control, senders, disk,
                id -> {
                    outgoing.remove(id);
                    incoming.remove(id);
                });
    }

    public AutoAcceptPolicy<PeerId> autoAccept() {
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
        ctx.onControl("start", () -> {
            for (Transfer t : store.unfinished()) {
                Optional<String> part = store.partPath(t.id());
                if (t.direction() == Direction.OUTGOING) {
                    if (part.isEmpty()) {
                        store.updateState(t.id(), TransferState.FAILED);
                        continue;
                    }
                    outgoing.put(t.id(), new Sender(ctx, t, Path.of(part.get())));
                } else {
                    boolean accepted = t.state() != TransferState.OFFERED;
                    incoming.put(t.id(), new Receiver(ctx, t, part.map(Path::of).orElse(partPath(t.id())), accepted));
                    if (!accepted) {
                        TransferOffer offer = new TransferOffer(t.id(), t.peer(), t.name(), t.size(), t.mediaType(), t.sha256Hex());
                        ctx.emit(l -> l.onOffered(offer));
                    }
                }
            }
        });
    }

    // =====================================================================================
    // Public operations: hand off to the control thread
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
                    String sha = FileHash.sha256(source, size);
                    String name = FileNames.sanitize(source.getFileName().toString());
                    Transfer t = store.create(TransferId.random(), Direction.OUTGOING, peer, name, size,
                            FileNames.sanitizeMediaType(mediaType), sha, source.toString());
                    Sender s = new Sender(ctx, t, source);
                    boolean queued = ctx.onControl("offer " + t.id(), () -> {
                        outgoing.put(s.id, s);
                        PeerLink link = ctx.link(peer);
                        if (link != null) {
                            link.sendControl(s.offer());
                        }
                        result.complete(s.id);
                    });
                    if (!queued) {
                        result.completeExceptionally(new IllegalStateException("transfer engine closed"));
                    }
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
        ctx.onControl("accept " + id, () -> {
            Receiver r = incoming.get(id);
            if (r != null) {
                r.accept();
            }
        });
    }

    /** Declines an offered file (no-op once accepted). */
    public void decline(TransferId id) {
        ctx.onControl("decline " + id, () -> {
            Receiver r = incoming.get(id);
            if (r != null) {
                r.decline("declined");
            }
        });
    }

    /** Cancels a transfer in either direction; the peer is told, the partial file deleted. */
    public void cancel(TransferId id) {
        ctx.onControl("cancel " + id, () -> {
            Receiver r = incoming.get(id);
            if (r != null) {
                r.cancel();
            }
            Sender s = outgoing.get(id);
            if (s != null) {
                s.cancel();
            }
        });
    }

    // =====================================================================================
    // PeerFeature: called on session threads; hand off only
    // =====================================================================================

    @Override
    public void onLinkUp(PeerLink link) {
        PeerId peer = link.peer();
        ctx.onControl("link up " + peer.shortForm(), () -> {
            ctx.linkUp(link);
            for (Sender s : List.copyOf(outgoing.values())) {
                if (s.peer.equals(peer)) {
                    s.onLinkUp(link);
                }
            }
            for (Receiver r : List.copyOf(incoming.values())) {
                if (r.peer.equals(peer)) {
                    r.onLinkUp(link);
                }
            }
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        ctx.onControl("link down " + peer.shortForm(), () -> {
            ctx.linkDown(peer);
            for (Sender s : List.copyOf(outgoing.values())) {
                if (s.peer.equals(peer)) {
                    s.onLinkDown();
                }
            }
            for (Receiver r : List.copyOf(incoming.values())) {
                if (r.peer.equals(peer)) {
                    r.onLinkDown();
                }
            }
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        if (message instanceof FileOffer m) {
            ctx.onControl("file-offer", () -> onOffer(peer, m));
        } else if (message instanceof FileAccept m) {
            ctx.onControl("file-accept", () -> onAccept(peer, m));
        } else if (message instanceof FileDecline m) {
            ctx.onControl("file-decline", () -> {
                Sender s = sender(peer, m.transferId());
                if (s != null) {
                    s.onDeclined(m.reason() == null ? "declined" : m.reason());
                }
            });
        } else if (message instanceof FileCancel m) {
            ctx.onControl("file-cancel", () -> {
                String reason = m.reason() == null ? "cancelled" : m.reason();
                Receiver r = receiver(peer, m.transferId());
                if (r != null) {
                    r.onCancelledByPeer(reason);
                }
                Sender s = sender(peer, m.transferId());
                if (s != null) {
                    s.onCancelledByPeer(reason);
                }
            });
        } else if (message instanceof FileResult m) {
            ctx.onControl("file-result", () -> {
                Sender s = sender(peer, m.transferId());
                if (s != null) {
                    s.onResult(m.ok(), m.reason());
                }
            });
        }
    }

    @Override
    public void onChannelOpen(PeerId peer, String label) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        ctx.onControl("channel open " + label, () -> {
            Sender s = sender(peer, id.value());
            if (s != null) {
                s.onChannelOpen(ctx.link(peer));
            }
        });
    }

    @Override
    public void onChannelClosed(PeerId peer, String label) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        ctx.onControl("channel closed " + label, () -> {
            Sender s = sender(peer, id.value());
            if (s != null) {
                s.onChannelClosed();
            }
            Receiver r = receiver(peer, id.value());
            if (r != null) {
                r.onChannelClosed(ctx.link(peer));
            }
        });
    }

    @Override
    public void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {
        TransferId id = Frames.idOf(label);
        if (id == null) {
            return;
        }
        ctx.onControl("frame " + label, () -> {
            Receiver r = receiver(peer, id.value());
            if (r != null) {
                r.onFrame(data);
                return;
            }
            Sender s = sender(peer, id.value());
            if (s != null && data.length == Frames.HEADER) {
                s.onAck(Frames.getLong(data));
            }
        });
    }

    // =====================================================================================
    // Routing (control thread)
    // =====================================================================================

    private Sender sender(PeerId peer, UUID id) {
        Sender s = id == null ? null : outgoing.get(new TransferId(id));
        return s != null && s.peer.equals(peer) ? s : null;
    }

    private Receiver receiver(PeerId peer, UUID id) {
        Receiver r = id == null ? null : incoming.get(new TransferId(id));
        return r != null && r.peer.equals(peer) ? r : null;
    }

    private void onOffer(PeerId peer, FileOffer m) {
        if (m.transferId() == null) {
            return;
        }
        TransferId id = new TransferId(m.transferId());
        PeerLink link = ctx.link(peer);
        Receiver known = incoming.get(id);
        if (known != null) {
            if (known.peer.equals(peer)) {
                known.onOfferRepeated(link);
            }
            return;
        }
        Optional<Transfer> stored = store.get(id);
        if (stored.isPresent()) {
            Transfer t = stored.get();
            if (Ids.wire(t.peer()).equals(peer) && t.direction() == Direction.INCOMING && link != null) {
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
        String sha = FileHash.normalize(m.sha256());
        if (m.size() < 0 || sha == null) {
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
        Receiver fresh = new Receiver(ctx, t, partPath(id), false);
        incoming.put(id, fresh);
        TransferOffer offer = new TransferOffer(id, Ids.app(peer), t.name(), t.size(), t.mediaType(), t.sha256Hex());
        ctx.emit(l -> l.onOffered(offer));
        if (autoAccept.accepts(peer, t.size())) {
            fresh.accept();
        }
    }

    private void onAccept(PeerId peer, FileAccept m) {
        if (m.transferId() == null) {
            return;
        }
        PeerLink link = ctx.link(peer);
        Sender s = sender(peer, m.transferId());
        if (s != null) {
            s.onAccept(m, link);
            return;
        }
        // Finished here (e.g. cancelled while the link was down) or unknown: say so.
        Optional<Transfer> t = store.get(new TransferId(m.transferId()));
        if (link != null && (t.isEmpty() || (Ids.wire(t.get().peer()).equals(peer) && t.get().state() != TransferState.COMPLETED))) {
            link.sendControl(new FileCancel(m.transferId(), t.isEmpty() ? "unknown-transfer"
                    : t.get().state() == TransferState.CANCELLED ? "cancelled" : "failed"));
        }
    }

    private Path partPath(TransferId id) {
        return downloadDir.resolve(id + ".part");
    }

    // =====================================================================================
    // Plumbing
    // =====================================================================================

    /** Contacts with an unfinished transfer: the session layer dials them when they are reachable. */
    @Override
    public java.util.Set<PeerId> peersWithPendingWork() {
        java.util.Set<PeerId> peers = new java.util.HashSet<>();
        for (Transfer t : store.unfinished()) peers.add(Ids.wire(t.peer()));
        return peers;
    }

    /** Stops streaming, records how far every incoming file got, and releases the threads (bounded waits). */
    @Override
    public void close() {
        ctx.onControl("close", () -> {
            outgoing.values().forEach(Sender::shutdown);
            incoming.values().forEach(Receiver::shutdown);
        });
        control.shutdown();
        await(control, 10);
        senders.shutdownNow();
        await(senders, 10);
        disk.shutdown();
        await(disk, 30);
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

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
