package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmMerkle;
import dev.parley.protocol.swarm.SwarmOffer;

import dev.parley.client.internal.files.Download;
import dev.parley.client.internal.files.PartFile;
import dev.parley.client.internal.files.VerifiedPieces;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** One group file's state at this member (worker thread only). */
final class SwarmFile {
    final GroupMessageId id;
    final byte[] key;
    final String hex;
    final GroupId group;
    final PeerId from;
    final SwarmOffer offer;
    final int pieces;
    GroupFileState status;
    /** Whether its row exists in the database (restored, or saved once in this run). */
    boolean recorded;
    /** Source (shared), part file (accepted), final file (completed). */
    Path path;
    /** The shared or completed file, read to serve pieces (opened on first use). */
    FileChannel channel;
    /** While accepted: the part file, and the rule of what of it to trust after a restart. */
    PartFile part;
    VerifiedPieces rule;
    final BitSet have = new BitSet();
    /** Piece hashes once known (ours if shared, checked against the root if fetched). */
    byte[][] layer;
    // Downloading:
    final Map<PeerId, Holder> holders = new LinkedHashMap<>();
    final Map<Integer, Set<PeerId>> inflight = new HashMap<>();
    final BitSet started = new BitSet();
    final int[] tie;
    /** While accepted: the download loop (held bytes, what each holder delivered in this run, progress, checkpoints). */
    Download<PeerId> download;
    /** Piece data taken in during this run, useful or not (less the sources' sum: what was fetched twice). */
    long received;
    PeerId hashesAskedOf;
    /** Peers we announced our bitfield to on their current channel. */
    final Set<PeerId> announcedTo = new java.util.HashSet<>();

    SwarmFile(GroupMessageId id, GroupId group, PeerId from, SwarmOffer offer, GroupFileState status) {
        this.id = id;
        this.key = Base64Url.decode("file", id.value(), 32);
        this.hex = Hashes.hex(key);
        this.group = group;
        this.from = from;
        this.offer = offer;
        this.pieces = offer.pieces();
        this.status = status;
        this.tie = new int[pieces];
        Random r = new Random();
        for (int i = 0; i < pieces; i++) tie[i] = r.nextInt(1 << 20);
    }

    Holder holder(PeerId p) {
        return holders.computeIfAbsent(p, k -> new Holder());
    }

    boolean serving() {
        return status == GroupFileState.SHARED || status == GroupFileState.ACCEPTED || status == GroupFileState.COMPLETED;
    }

    long verifiedBytes() {
        long b = 0;
        for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) b += offer.pieceLength(i);
        return b;
    }

    boolean verify(int piece, byte[] data, int length) {
        return layer != null && java.util.Arrays.equals(layer[piece], SwarmMerkle.pieceHash(data, 0, length, offer.pieceSize()));
    }

    byte[] layerBytes() {
        byte[] out = new byte[pieces * SwarmMerkle.HASH];
        for (int i = 0; i < pieces; i++) System.arraycopy(layer[i], 0, out, i * SwarmMerkle.HASH, SwarmMerkle.HASH);
        return out;
    }

    /** The piece layer from a {@code hashes} frame, if it has the right length and yields the offer's root. */
    static byte[][] checkLayer(SwarmOffer offer, byte[] bytes) {
        int n = offer.pieces();
        if (bytes.length != n * SwarmMerkle.HASH) return null;
        byte[][] l = new byte[n][];
        for (int i = 0; i < n; i++) l[i] = java.util.Arrays.copyOfRange(bytes, i * SwarmMerkle.HASH, (i + 1) * SwarmMerkle.HASH);
        return java.util.Arrays.equals(SwarmMerkle.rootOfLayer(l, offer.pieceSize()), offer.rootBytes()) ? l : null;
    }

    GroupFileOffer toApp() {
        return GroupFileStore.offer(id, group, from, offer);
    }
}
