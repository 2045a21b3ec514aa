package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.files.Completion;
import dev.parley.client.internal.files.Download;
import dev.parley.client.internal.files.PartFile;
import dev.parley.client.internal.files.VerifiedPieces;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmFrame;
import dev.parley.protocol.swarm.SwarmOffer;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The downloading side of {@link SwarmEngine} (docs/protocol.md § Swarm files, Scheduling and
 * Verification): asks every usable holder at once, each up to its pipeline, verifies each piece
 * against the tree before it is written, blames the one holder that sent a piece that fails, and
 * checks the whole file's SHA-256 at the end. Worker thread only.
 */
@Slf4j
final class Fetcher {
    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);
    static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
    static final long BUSY_REST_MS = 100;

    private final SwarmEngine e;

    Fetcher(SwarmEngine engine) {
        this.e = engine;
    }

    /** A stored file back into memory; a download resumes from the pieces of its bitmap that still verify. */
    void restore(GroupFileStore.Row r) {
        SwarmOffer offer = SwarmOffer.parse(r.offer()).orElse(null);
        if (offer == null) return;
        SwarmFile f = new SwarmFile(r.file(), r.group(), r.from(), offer, r.state());
        f.recorded = true;
        f.layer = e.store.layer(f.id).map(b -> SwarmFile.checkLayer(offer, b)).orElse(null);
        switch (r.state()) {
            case SHARED, COMPLETED -> {
                f.path = Path.of(r.path());
                if (f.layer == null || !Files.isRegularFile(f.path)) return; // gone: nothing to serve
                f.have.set(0, f.pieces);
            }
            case ACCEPTED -> {
                f.path = e.store.part(f.hex);
                f.rule = rule(f);
                try {
                    f.part = PartFile.find(f.path).orElse(null);
                } catch (IOException x) {
                    log.warn("group file {}: {}", f.id.shortForm(), x.getMessage());
                }
                if (f.part == null) return;
                // Without the piece layer nothing can be checked yet: every piece is fetched again.
                if (f.layer != null) f.have.or(f.rule.resume(f.part, f.offer::pieceLength, (i, data) -> f.verify(i, data, data.length)));
                f.download = newDownload(f, f.verifiedBytes());
                log.info("group file {}: resuming with {} of {} pieces verified", f.id.shortForm(), f.have.cardinality(), f.pieces);
            }
            default -> { }
        }
        e.files.put(f.id.value(), f);
    }

    void offered(GroupId group, GroupMessageId id, PeerId author, SwarmOffer offer) {
        if (e.files.containsKey(id.value())) return;
        SwarmFile f = new SwarmFile(id, group, author, offer, GroupFileState.OFFERED);
        try {
            e.persist(f);
        } catch (RuntimeException x) {
            // Not known, then: the post is offered again when it is re-read, and nothing half-recorded is served.
            log.warn("cannot record group file offer {}: {}", id.shortForm(), x.getMessage());
            return;
        }
        e.files.put(id.value(), f);
        e.publish(new GroupFileEvent.Offered(f.toApp()));
        // The group's rule, for an offer whose sharer is a member now (one removed since it posted gets no say).
        if (e.autoAccept.accepts(group, offer.size()) && e.isMember(group, author)) {
            try {
                accept(f, true);
            } catch (IOException | RuntimeException x) {
                log.warn("cannot auto-accept group file {}: {}", id.shortForm(), x.getMessage());
            }
        }
    }

    /** {@code auto}: by the group's auto-accept rule rather than the app (said in the event). */
    void accept(SwarmFile f, boolean auto) throws IOException {
        if (f.status == GroupFileState.ACCEPTED) return;
        if (f.status != GroupFileState.OFFERED && f.status != GroupFileState.DECLINED) {
            throw new IllegalStateException("the file is " + f.status.name().toLowerCase());
        }
        f.path = e.store.part(f.hex);
        f.rule = rule(f);
        f.part = f.rule.create();
        f.status = GroupFileState.ACCEPTED;
        f.download = newDownload(f, 0);
        e.persist(f);
        e.publish(new GroupFileEvent.Accepted(Ids.app(f.id), Ids.app(f.group), auto));
        e.announceAll(f);
        schedule(f);
    }

    void bitfield(SwarmFile f, PeerId peer, BitSet bits) {
        Holder h = f.holder(peer);
        h.bits.clear();
        h.bits.or(bits);
        held(f, peer, h);
        schedule(f);
    }

    void have(SwarmFile f, PeerId peer, int piece) {
        Holder h = f.holder(peer);
        h.bits.set(piece);
        held(f, peer, h);
        schedule(f);
    }

    private void held(SwarmFile f, PeerId peer, Holder h) {
        if (h.heldTold || h.bits.cardinality() < f.pieces) return;
        h.heldTold = true;
        e.publish(new GroupFileEvent.Held(Ids.app(f.id), Ids.app(f.group), Ids.app(peer)));
    }

    void rejected(SwarmFile f, PeerId peer, int piece, int reason) {
        if (f.status != GroupFileState.ACCEPTED) return;
        // A refusal may come from a member whose bitfield we never took (it arrived before the offer did).
        Holder h = reason == SwarmFrame.REJECT_NOT_ALLOWED ? f.holder(peer) : f.holders.get(peer);
        if (h == null) return;
        if (reason == SwarmFrame.REJECT_NOT_ALLOWED) {
            if (!h.refused) e.publish(new GroupFileEvent.Refused(Ids.app(f.id), Ids.app(f.group), Ids.app(peer), "not-allowed"));
            h.refused = true;
            release(f, peer, h);
        } else if (piece >= 0 && piece < f.pieces) {
            if (reason == SwarmFrame.REJECT_NOT_HELD) h.bits.clear(piece);
            unask(f, peer, h, piece);
            if (reason == SwarmFrame.REJECT_BUSY) {
                // Not asked again at once (that would spin): the holder rests for a moment.
                h.restUntil = System.currentTimeMillis() + BUSY_REST_MS;
                e.scheduler.schedule(java.time.Duration.ofMillis(BUSY_REST_MS), e.worker, () -> schedule(f));
            }
        } else if (peer.equals(f.hashesAskedOf)) {
            h.bits.clear();
            f.hashesAskedOf = null;
        }
        schedule(f);
    }

    void holderGone(SwarmFile f, PeerId peer) {
        Holder h = f.holders.remove(peer);
        if (h != null) release(f, peer, h);
        if (peer.equals(f.hashesAskedOf)) f.hashesAskedOf = null;
        schedule(f);
    }

    void hashes(SwarmFile f, PeerId peer, byte[] payload) {
        if (f.status != GroupFileState.ACCEPTED || f.layer != null || !peer.equals(f.hashesAskedOf)) return;
        f.hashesAskedOf = null;
        byte[][] layer = SwarmFile.checkLayer(f.offer, payload);
        if (layer == null) {
            blame(f, peer, "bad-hashes");
            return;
        }
        f.layer = layer;
        try {
            e.store.saveLayer(f);
        } catch (RuntimeException x) {
            log.warn("cannot store the piece layer of {}: {}", f.id.shortForm(), x.getMessage());
        }
        schedule(f);
    }

    void piece(SwarmFile f, PeerId peer, SwarmFrame fr) {
        Holder h = f.holders.get(peer);
        int i = fr.piece();
        if (f.status == GroupFileState.ACCEPTED) f.received += fr.payload().length;
        if (f.status != GroupFileState.ACCEPTED || h == null || h.dropped || !h.asked.containsKey(i)) return; // unasked or cancelled
        int length = f.offer.pieceLength(i);
        byte[] buf = h.buffers.computeIfAbsent(i, k -> new byte[length]);
        int filled = h.filled.getOrDefault(i, 0);
        if (fr.offset() != filled || filled + fr.payload().length > length) {
            blame(f, peer, "bad-frame");
            return;
        }
        System.arraycopy(fr.payload(), 0, buf, filled, fr.payload().length);
        filled += fr.payload().length;
        h.filled.put(i, filled);
        if (filled < length) return;
        long askedAt = h.asked.get(i);
        unask(f, peer, h, i);
        if (f.have.get(i)) {
            schedule(f); // the endgame's loser, arrived before its cancel
            return;
        }
        if (!f.verify(i, buf, length)) {
            blame(f, peer, "bad-piece");
            return;
        }
        try {
            f.part.write(ByteBuffer.wrap(buf, 0, length), (long) i * f.offer.pieceSize());
        } catch (IOException x) {
            log.warn("cannot write piece {} of {}: {}", i, f.id.shortForm(), x.getMessage());
            return;
        }
        long now = System.currentTimeMillis(), nanos = System.nanoTime();
        h.delivered(length, askedAt, now);
        f.download.delivered(peer, length, nanos);
        f.have.set(i);
        f.started.clear(i);
        Set<PeerId> others = f.inflight.remove(i);
        if (others != null) {
            for (PeerId o : others) {
                Holder oh = f.holders.get(o);
                if (oh != null) oh.forget(i);
                e.send(o, SwarmFrame.of(SwarmFrame.Type.CANCEL, f.key, i));
            }
        }
        announceHave(f, i);
        if (f.have.cardinality() == f.pieces) {
            finish(f);
            return;
        }
        if (f.download.checkpointDue(nanos)) checkpoint(f);
        if (f.download.progressDue(nanos)) progress(f, nanos);
        schedule(f);
    }

    /**
     * {@code have} only to the members that announced a bitfield for this file on their channel and
     * still lack pieces: a member that has not announced one gets our whole bitfield in answer when it
     * does, and one that holds it all gets our full bitfield once we are done ({@link #finish}: how a
     * sharer learns who holds the file). Each send is a blocking native call, so this keeps the
     * per-piece work of a one-holder download at one request.
     */
    private void announceHave(SwarmFile f, int piece) {
        Set<PeerId> open = e.openChannels();
        for (Map.Entry<PeerId, Holder> en : f.holders.entrySet()) {
            PeerId p = en.getKey();
            if (en.getValue().bits.nextClearBit(0) < f.pieces && open.contains(p) && e.isMember(f.group, p)) {
                e.send(p, SwarmFrame.of(SwarmFrame.Type.HAVE, f.key, piece));
            }
        }
    }

    /** Fills every usable holder's pipeline (after asking one of them for the piece layer, if we lack it). */
    void schedule(SwarmFile f) {
        if (f.status != GroupFileState.ACCEPTED) return;
        Set<PeerId> open = e.openChannels();
        if (f.layer == null) {
            if (f.hashesAskedOf != null) return;
            for (Map.Entry<PeerId, Holder> en : f.holders.entrySet()) {
                if (en.getValue().usable() && !en.getValue().bits.isEmpty() && open.contains(en.getKey())) {
                    f.hashesAskedOf = en.getKey();
                    e.send(en.getKey(), SwarmFrame.of(SwarmFrame.Type.HASH_REQUEST, f.key, 0));
                    return;
                }
            }
            return;
        }
        long now = System.currentTimeMillis();
        Download.Picker<Asked> pieces = a -> {
            int i = PiecePicker.pick(f.pieces, f.have, a.holder, f.inflight, f.started, f.tie, f.holders.values());
            return i < 0 ? null : new Download.Range((long) i * f.offer.pieceSize(), (long) i * f.offer.pieceSize() + f.offer.pieceLength(i));
        };
        for (Map.Entry<PeerId, Holder> en : f.holders.entrySet()) {
            if (!en.getValue().usable() || !open.contains(en.getKey()) || now < en.getValue().restUntil) continue;
            f.download.schedule(new Asked(e, f, en.getKey(), en.getValue(), now), pieces);
        }
    }

    /** A holder as the download loop asks it: up to its pipeline, one piece per ask, each a {@code request} frame. */
    private record Asked(SwarmEngine e, SwarmFile f, PeerId peer, Holder holder, long now) implements Download.Source {
        @Override
        public int room() {
            return holder.pipeline(f.offer.pieceSize()) - holder.asked.size();
        }

        @Override
        public void ask(Download.Range range) {
            int i = (int) (range.from() / f.offer.pieceSize());
            holder.asked.put(i, now);
            f.inflight.computeIfAbsent(i, k -> new HashSet<>()).add(peer);
            e.send(peer, SwarmFrame.of(SwarmFrame.Type.REQUEST, f.key, i));
        }
    }

    private static Download<PeerId> newDownload(SwarmFile f, long held) {
        return new Download<>(f.offer.size(), held, PROGRESS_EVERY, CHECKPOINT_EVERY, System.nanoTime());
    }

    /** The holder sent data that fails the tree: dropped for this file, logged, shown. */
    private void blame(SwarmFile f, PeerId peer, String reason) {
        Holder h = f.holder(peer);
        if (h.dropped) return;
        h.dropped = true;
        log.warn("group file {}: dropping holder {} ({})", f.id.shortForm(), peer.shortForm(), reason);
        release(f, peer, h);
        e.publish(new GroupFileEvent.HolderDropped(Ids.app(f.id), Ids.app(f.group), Ids.app(peer), reason));
        schedule(f);
    }

    /** The holder's outstanding pieces go back to the pool, first in line. */
    private void release(SwarmFile f, PeerId peer, Holder h) {
        for (int i : List.copyOf(h.asked.keySet())) {
            unask(f, peer, h, i);
            if (!f.have.get(i)) f.started.set(i);
        }
    }

    private void unask(SwarmFile f, PeerId peer, Holder h, int piece) {
        h.forget(piece);
        Set<PeerId> at = f.inflight.get(piece);
        if (at != null) {
            at.remove(peer);
            if (at.isEmpty()) f.inflight.remove(piece);
        }
    }

    /** The group-file trust rule over this file's part file ({@code <hex>.part}, bitmap {@code <hex>.bits}). */
    private VerifiedPieces rule(SwarmFile f) {
        return new VerifiedPieces(e.store.part(f.hex), f.pieces, f.offer.pieceSize());
    }

    /** Part file to disk, then the bitmap (so the bitmap never names a piece the disk may not hold). */
    void checkpoint(SwarmFile f) {
        if (f.status != GroupFileState.ACCEPTED) return;
        try {
            f.rule.checkpoint(f.part, f.have);
            f.download.checkpointed(System.nanoTime());
        } catch (IOException x) {
            log.warn("cannot checkpoint {}: {}", f.id.shortForm(), x.getMessage());
        }
    }

    private void progress(SwarmFile f, long nanos) {
        Download.Progress p = f.download.progress(nanos);
        e.publish(new GroupFileEvent.Progress(Ids.app(f.id), Ids.app(f.group), p.bytes(), p.size(), (long) p.bytesPerSecond(), p.eta(),
                p.serving()));
    }

    /** Every piece verified: the whole-file SHA-256 decides; the file moves under its (safe) name and is served from there. */
    private void finish(SwarmFile f) {
        progress(f, System.nanoTime());
        Map<PeerId, Long> sources = f.download.sources();
        try {
            Path target;
            try {
                // The part file is exactly the offer's length (pieces end at size), read back and hashed as a whole.
                target = f.part.complete(f.offer.size(), f.offer.sha256(), null, e.downloadDir, f.offer.name());
            } catch (Completion.Mismatch m) {
                // Completion has logged the sizes and hashes (and deleted the part file); every piece had matched the tree.
                fail(f, Completion.Mismatch.REASON);
                return;
            }
            f.path = target;
            f.status = GroupFileState.COMPLETED;
            f.part = null; // moved under its name: served from there
            f.rule.drop();
            e.persist(f);
            long discarded = f.received - sources.values().stream().mapToLong(Long::longValue).sum();
            e.discarded += discarded;
            log.info("group file {} complete: {} ({} sources, {} bytes received and discarded)", f.id.shortForm(), target, sources.size(), discarded);
            Set<PeerId> open = e.openChannels();
            for (Map.Entry<PeerId, Holder> en : f.holders.entrySet()) {
                PeerId p = en.getKey();
                if (en.getValue().bits.nextClearBit(0) >= f.pieces && open.contains(p) && e.isMember(f.group, p)) e.announce(f, p);
            }
            e.publish(SwarmEngine.completed(f, sources));
        } catch (IOException x) {
            // Whole and verified, but it cannot be saved (the download folder gone, full, not a folder): said, as a
            // 1:1 transfer's io-error is, rather than left accepted with a closed part file nothing could serve.
            log.warn("cannot save group file {}: {}", f.id.shortForm(), x.toString());
            fail(f, "io-error");
        }
    }

    /** Ends the download: nothing of it is kept (part file and bitmap), the record says failed, the app is told. */
    private void fail(SwarmFile f, String reason) {
        f.status = GroupFileState.FAILED;
        if (f.part != null) f.part.close();
        f.part = null;
        f.rule.drop();
        e.persist(f);
        e.publish(new GroupFileEvent.Failed(Ids.app(f.id), Ids.app(f.group), reason));
    }
}
