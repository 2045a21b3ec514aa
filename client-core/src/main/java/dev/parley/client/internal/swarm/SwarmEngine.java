package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.transfer.AutoAcceptPolicy;
import dev.parley.client.internal.files.FileHash;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmFrame;
import dev.parley.protocol.swarm.SwarmLimits;
import dev.parley.protocol.swarm.SwarmMerkle;
import dev.parley.protocol.swarm.SwarmOffer;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Swarm files (docs/protocol.md § Swarm files): offers ride in signed group posts; pieces travel on
 * each session's {@code swarm} data channel (opened by the member with the smaller peer id) from
 * every member that holds them. This class holds the files, the links, the serving side and the
 * frame dispatch; {@link Fetcher} is the downloading side.
 *
 * <p>Threads: one worker owns every file's state, disk access and send; session threads and API
 * callers hand off to it; app events go out on their own thread, in order.
 */
@Slf4j
public final class SwarmEngine implements PeerFeature, AutoCloseable {
    public static final String CHANNEL = "swarm";
    /**
     * Above this many queued bytes on a holder's channel, serving waits (the channel closes beyond ~16 MiB;
     * 1:1 keeps 4 MiB). A whole piece (≤ 4 MiB) is queued at once, so the queue stays under 8 MiB.
     */
    static final long MAX_BUFFERED = 4 << 20;

    private final PeerId me;
    private final Function<GroupId, Optional<Set<PeerId>>> members;
    private final BiFunction<GroupId, String, GroupMessageId> poster;
    final SwarmStore store;
    private final GroupFileStore records;
    final Path downloadDir;
    final Scheduler scheduler;
    final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-swarm"));
    private final ExecutorService eventThread = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-swarm-events"));
    private final List<Consumer<GroupFileEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    private final Fetcher fetcher = new Fetcher(this);
    /** Per-group caps of offers accepted without asking (docs/library.md § Group files); set and read on the worker. */
    final AutoAcceptPolicy<GroupId> autoAccept = new AutoAcceptPolicy<>();
    // Worker only:
    final Map<String, SwarmFile> files = new HashMap<>();
    private final Set<PeerId> channelOpen = new HashSet<>();
    private record Upload(SwarmFile file, int piece) {}

    private final Map<PeerId, ArrayDeque<Upload>> uploads = new HashMap<>();
    private final Set<PeerId> pumpScheduled = new HashSet<>();
    /** Frames refused because the asker was not a current member (diagnostics and tests). */
    private long refusals;
    /** Worker only: see {@link #discardedBytes}. */
    long discarded;
    /** Upload cap over all peers, bytes per second (0: none): a token bucket of one second's worth. */
    private long uploadCap;
    private double tokens;
    private long tokensAt;

    /**
     * {@code members}: the other members of a group this member has joined now; {@code poster}: posts a
     * group message and returns its id.
     */
    public SwarmEngine(PeerId me, GroupFileStore records, Path stateDir, Path downloadDir, Function<GroupId, Optional<Set<PeerId>>> members,
                       BiFunction<GroupId, String, GroupMessageId> poster, Scheduler scheduler) throws IOException {
        this.me = me;
        this.members = members;
        this.poster = poster;
        this.store = new SwarmStore(stateDir, records);
        this.records = records;
        this.downloadDir = downloadDir;
        this.scheduler = scheduler;
        Files.createDirectories(downloadDir);
        call(() -> {
            for (GroupFileStore.Row r : store.load()) fetcher.restore(r);
            return null;
        });
    }

    // ---------------------------------------------------------------- API (any thread)

    public GroupFileOffer share(GroupId group, Path path) throws IOException {
        if (members.apply(group).isEmpty()) throw new IllegalStateException("not a member of " + group.shortForm() + " now");
        Path source = path.toRealPath();
        long size = Files.size(source);
        if (size < 1) throw new IllegalArgumentException("an empty file cannot be shared into a group");
        int pieceSize = SwarmMerkle.pieceSizeFor(size);
        int n = SwarmMerkle.pieceCount(size, pieceSize);
        byte[][] layer = new byte[n][];
        MessageDigest whole = FileHash.newDigest();
        try (InputStream in = Files.newInputStream(source)) {
            byte[] buf = new byte[pieceSize];
            for (int i = 0; i < n; i++) {
                int len = in.readNBytes(buf, 0, (int) Math.min(pieceSize, size - (long) i * pieceSize));
                whole.update(buf, 0, len);
                layer[i] = SwarmMerkle.pieceHash(buf, 0, len, pieceSize);
            }
        }
        String type = Optional.ofNullable(Files.probeContentType(source)).orElse("application/octet-stream");
        SwarmOffer offer = new SwarmOffer(source.getFileName().toString(), size, type, pieceSize,
                Base64Url.encode(SwarmMerkle.rootOfLayer(layer, pieceSize)), Hashes.hex(whole.digest()));
        GroupMessageId id = poster.apply(group, offer.toBody());
        return call(() -> {
            SwarmFile f = new SwarmFile(id, group, me, offer, GroupFileState.SHARED);
            f.layer = layer;
            f.have.set(0, n);
            f.path = source;
            files.put(id.value(), f);
            persist(f);
            store.saveLayer(f);
            announceAll(f);
            return f.toApp();
        });
    }

    public void accept(GroupMessageId file) {
        call(() -> {
            fetcher.accept(known(file), false);
            return null;
        });
    }

    /**
     * Later offers in {@code group} up to {@code maxBytes} are accepted on arrival when their sharer is a
     * current member (0: none, a group file is never empty).
     */
    public void autoAccept(GroupId group, long maxBytes) {
        call(() -> {
            autoAccept.allow(group, maxBytes); // on the worker: offers handed in before this call are not touched
            return null;
        });
    }

    public void decline(GroupMessageId file) {
        call(() -> {
            SwarmFile f = known(file);
            if (f.status != GroupFileState.OFFERED) throw new IllegalStateException("the file is " + f.status.name().toLowerCase());
            f.status = GroupFileState.DECLINED;
            persist(f);
            return null;
        });
    }

    /** One file's record as stored (thread-safe: read from the database, the record's home). */
    public Optional<GroupFile> file(GroupMessageId file) {
        return records.get(file);
    }

    public List<GroupFileOffer> files() {
        return call(() -> files.values().stream().map(SwarmFile::toApp).toList());
    }

    /** Caps what this member uploads for group files, over all peers (0: no cap). */
    public void setUploadLimit(long bytesPerSecond) {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("negative upload limit");
        call(() -> {
            uploadCap = bytesPerSecond;
            tokens = 0;
            tokensAt = System.nanoTime();
            return null;
        });
    }

    public void addListener(Consumer<GroupFileEvent> l) {
        listeners.add(l);
    }

    /**
     * Piece data received for files completed so far and thrown away (a blamed holder's pieces, a
     * leaving holder's partial ones, endgame losers): what had to be fetched again.
     */
    public long discardedBytes() {
        return call(() -> discarded);
    }

    /** Frames refused to non-members so far. */
    public long refusals() {
        return call(() -> refusals);
    }

    /** Hook for the group engine: every newly accepted post (on its worker: hands off). */
    public void posts(GroupId group, List<GroupMessage> messages) {
        for (GroupMessage m : messages) {
            if (m.author().peerId().equals(me)) continue; // our own offers are registered by share()
            SwarmOffer.parse(m.body()).ifPresent(o -> later(() -> fetcher.offered(group, m.id(), m.author().peerId(), o)));
        }
    }

    private SwarmFile known(GroupMessageId file) {
        SwarmFile f = files.get(file.value());
        if (f == null) throw new IllegalArgumentException("no group file " + file.shortForm());
        return f;
    }

    // ---------------------------------------------------------------- PeerFeature (session threads: hand off)

    @Override
    public void onLinkUp(PeerLink link) {
        links.put(link.peer(), link);
        if (me.compareTo(link.peer()) < 0) link.openChannel(CHANNEL, true);
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        later(() -> gone(peer));
    }

    @Override
    public void onChannelOpen(PeerId peer, String label) {
        if (!CHANNEL.equals(label)) return;
        later(() -> {
            channelOpen.add(peer);
            for (SwarmFile f : files.values()) if (f.serving() && isMember(f.group, peer)) announce(f, peer);
        });
    }

    @Override
    public void onChannelClosed(PeerId peer, String label) {
        if (CHANNEL.equals(label)) later(() -> gone(peer));
    }

    @Override
    public void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {
        if (!CHANNEL.equals(label) || !binary) return;
        SwarmFrame f;
        try {
            f = SwarmFrame.decode(data);
        } catch (IllegalArgumentException e) {
            log.debug("unreadable swarm frame from {}: {}", peer.shortForm(), e.getMessage());
            return;
        }
        later(() -> frame(peer, f));
    }

    @Override
    public boolean servesNonContacts() {
        return true;
    }

    // ---------------------------------------------------------------- worker

    private void gone(PeerId peer) {
        channelOpen.remove(peer);
        uploads.remove(peer);
        for (SwarmFile f : files.values()) {
            f.announcedTo.remove(peer);
            fetcher.holderGone(f, peer);
        }
    }

    boolean isMember(GroupId group, PeerId peer) {
        return members.apply(group).map(s -> s.contains(peer)).orElse(false);
    }

    Set<PeerId> openChannels() {
        return Set.copyOf(channelOpen);
    }

    private void frame(PeerId peer, SwarmFrame fr) {
        SwarmFile f = files.get(Base64Url.encode(fr.file()));
        if (f == null || !channelOpen.contains(peer)) return;
        boolean member = isMember(f.group, peer);
        boolean servable = member && f.serving();
        switch (fr.type()) {
            case BITFIELD -> {
                if (!member) {
                    refuse(f, peer);
                    return;
                }
                // Answer a peer's first bitfield on this channel with ours: it may have ignored our earlier one (offer not there yet).
                boolean first = !f.holders.containsKey(peer);
                if (f.serving() && (first || !f.announcedTo.contains(peer))) announce(f, peer);
                fetcher.bitfield(f, peer, fr.bits(f.pieces));
            }
            case HAVE -> {
                if (member && fr.piece() >= 0 && fr.piece() < f.pieces) fetcher.have(f, peer, fr.piece());
            }
            case REQUEST -> {
                if (!member) refuse(f, peer);
                else if (!servable || fr.piece() < 0 || fr.piece() >= f.pieces || !f.have.get(fr.piece())) {
                    send(peer, SwarmFrame.reject(f.key, fr.piece(), SwarmFrame.REJECT_NOT_HELD));
                } else queueUpload(f, peer, fr.piece());
            }
            case CANCEL -> {
                ArrayDeque<Upload> q = uploads.get(peer);
                if (q != null) q.removeIf(u -> u.file() == f && u.piece() == fr.piece());
            }
            case HASH_REQUEST -> {
                if (!member) refuse(f, peer);
                else if (!servable || f.layer == null) send(peer, SwarmFrame.reject(f.key, -1, SwarmFrame.REJECT_NOT_HELD));
                else send(peer, SwarmFrame.hashes(f.key, f.layerBytes()));
            }
            case PIECE -> fetcher.piece(f, peer, fr);
            case HASHES -> fetcher.hashes(f, peer, fr.payload());
            case REJECT -> fetcher.rejected(f, peer, fr.piece(), fr.reason());
        }
    }

    private void refuse(SwarmFile f, PeerId peer) {
        refusals++;
        log.info("refusing {} of group file {}: not a member of {} now", peer.shortForm(), f.id.shortForm(), f.group.shortForm());
        send(peer, SwarmFrame.reject(f.key, -1, SwarmFrame.REJECT_NOT_ALLOWED));
    }

    /** Our bitfield to every member with an open channel (a downloader's, possibly empty, says "I want it"). */
    void announceAll(SwarmFile f) {
        for (PeerId p : channelOpen) if (isMember(f.group, p) || f.status == GroupFileState.ACCEPTED) announce(f, p);
    }

    void announce(SwarmFile f, PeerId p) {
        f.announcedTo.add(p);
        send(p, SwarmFrame.bitfield(f.key, f.have, f.pieces));
    }

    boolean send(PeerId peer, SwarmFrame frame) {
        PeerLink l = links.get(peer);
        return l != null && l.sendBinary(CHANNEL, frame.encode());
    }

    private void queueUpload(SwarmFile f, PeerId peer, int piece) {
        ArrayDeque<Upload> q = uploads.computeIfAbsent(peer, k -> new ArrayDeque<>());
        if (q.size() >= SwarmLimits.MAX_REQUESTS_PER_HOLDER) {
            send(peer, SwarmFrame.reject(f.key, piece, SwarmFrame.REJECT_BUSY));
            return;
        }
        q.add(new Upload(f, piece));
        pump(peer);
    }

    /** Serves a peer's queued requests while its channel has room; otherwise comes back in 2 ms. */
    private void pump(PeerId peer) {
        PeerLink l = links.get(peer);
        ArrayDeque<Upload> q = uploads.get(peer);
        while (l != null && q != null && !q.isEmpty()) {
            if (l.bufferedAmount(CHANNEL) > MAX_BUFFERED || !uploadAllowed(q.peek())) {
                if (pumpScheduled.add(peer)) {
                    scheduler.schedule(Duration.ofMillis(2), worker, () -> {
                        pumpScheduled.remove(peer);
                        pump(peer);
                    });
                }
                return;
            }
            Upload u = q.poll();
            SwarmFile f = u.file();
            if (!f.serving() || !isMember(f.group, peer)) continue; // removed meanwhile: nothing more
            if (uploadCap > 0) tokens -= f.offer.pieceLength(u.piece());
            try {
                byte[] data = readPiece(f, u.piece());
                for (int off = 0; off < data.length; off += SwarmLimits.MAX_BLOCK_DATA) {
                    int n = Math.min(SwarmLimits.MAX_BLOCK_DATA, data.length - off);
                    l.sendBinary(CHANNEL, SwarmFrame.encodePiece(f.key, u.piece(), off, data, off, n));
                }
            } catch (IOException e) {
                log.warn("cannot read piece {} of {}: {}", u.piece(), f.id.shortForm(), e.getMessage());
                send(peer, SwarmFrame.reject(f.key, u.piece(), SwarmFrame.REJECT_NOT_HELD));
            }
        }
    }

    /** With a cap: whether the bucket holds this piece (refilled at the cap's rate, at most one second's worth). */
    private boolean uploadAllowed(Upload next) {
        if (uploadCap == 0) return true;
        long now = System.nanoTime();
        tokens = Math.min(uploadCap, tokens + (now - tokensAt) / 1e9 * uploadCap);
        tokensAt = now;
        return tokens >= Math.min(uploadCap, next.file().offer.pieceLength(next.piece()));
    }

    /** A verified piece, to serve: from the part file while downloading, else from the shared or saved file. */
    byte[] readPiece(SwarmFile f, int piece) throws IOException {
        byte[] data = new byte[f.offer.pieceLength(piece)];
        ByteBuffer b = ByteBuffer.wrap(data);
        long pos = (long) piece * f.offer.pieceSize();
        if (f.part != null) {
            f.part.read(b, pos);
            return data;
        }
        if (f.channel == null || !f.channel.isOpen()) f.channel = FileChannel.open(f.path, StandardOpenOption.READ);
        while (b.hasRemaining()) {
            if (f.channel.read(b, pos + b.position()) < 0) throw new IOException("file shorter than its offer");
        }
        return data;
    }

    /** The file's record and its app event, in one transaction (runtime {@code StoreException} if the database fails). */
    void persist(SwarmFile f) {
        store.save(f);
    }

    void publish(GroupFileEvent e) {
        for (Consumer<GroupFileEvent> l : listeners) {
            try {
                eventThread.execute(() -> {
                    try {
                        l.accept(e);
                    } catch (RuntimeException x) {
                        log.warn("group file listener failed", x);
                    }
                });
            } catch (RejectedExecutionException closed) {
                return;
            }
        }
    }

    static GroupFileEvent.Completed completed(SwarmFile f, Map<PeerId, Long> sources) {
        Map<dev.parley.client.PeerId, Long> app = new HashMap<>();
        sources.forEach((p, b) -> app.put(Ids.app(p), b));
        return new GroupFileEvent.Completed(Ids.app(f.id), Ids.app(f.group), f.path, f.offer.sha256(), app);
    }

    void later(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("swarm work failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("swarm closed; dropping work");
        }
    }

    private <T> T call(Callable<T> task) {
        try {
            return worker.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        call(() -> {
            for (SwarmFile f : files.values()) fetcher.checkpoint(f);
            return null;
        });
        worker.shutdown();
        eventThread.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
            eventThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SwarmFile f : files.values()) {
            try {
                if (f.channel != null) f.channel.close();
                if (f.part != null) f.part.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
