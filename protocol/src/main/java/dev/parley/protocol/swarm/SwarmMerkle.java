package dev.parley.protocol.swarm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The swarm file's Merkle tree (docs/protocol.md § Swarm files, Merkle tree): leaves are the SHA-256
 * of each 16 KiB block (the last one as long as it is), each piece's hash is the root of its
 * {@code pieceSize / 16 KiB} leaves (missing leaves past the end of the file are 32 zero bytes), and
 * the file's root is the root over the piece layer padded to a power of two with the hash of an
 * all-zero-leaf piece. A node is SHA-256(left ‖ right). Stateless and thread-safe.
 */
public final class SwarmMerkle {
    public static final int BLOCK = 16 * 1024;
    public static final int HASH = 32;

    private SwarmMerkle() {}

    /** The root of one piece's bytes ({@code data} may be shorter than {@code pieceSize}: the file's last piece). */
    public static byte[] pieceHash(byte[] data, int offset, int length, int pieceSize) {
        int leaves = pieceSize / BLOCK;
        byte[][] layer = new byte[leaves][];
        MessageDigest d = sha256();
        for (int i = 0; i < leaves; i++) {
            int from = i * BLOCK;
            if (from >= length) {
                layer[i] = new byte[HASH];
            } else {
                d.update(data, offset + from, Math.min(BLOCK, length - from));
                layer[i] = d.digest();
            }
        }
        return root(layer);
    }

    /** The hash of a piece past the end of the file (all its leaves zero), used to pad the piece layer. */
    public static byte[] zeroPiece(int pieceSize) {
        byte[] h = new byte[HASH];
        for (int n = pieceSize / BLOCK; n > 1; n /= 2) h = node(h, h);
        return h;
    }

    /** The file's root from its piece layer (one hash per piece, in order). */
    public static byte[] rootOfLayer(byte[][] pieceHashes, int pieceSize) {
        int n = 1;
        while (n < pieceHashes.length) n *= 2;
        byte[][] layer = Arrays.copyOf(pieceHashes, n);
        byte[] pad = zeroPiece(pieceSize);
        for (int i = pieceHashes.length; i < n; i++) layer[i] = pad;
        return root(layer);
    }

    /** Root of a power-of-two layer. */
    static byte[] root(byte[][] layer) {
        byte[][] cur = layer;
        while (cur.length > 1) {
            byte[][] next = new byte[cur.length / 2][];
            for (int i = 0; i < next.length; i++) next[i] = node(cur[2 * i], cur[2 * i + 1]);
            cur = next;
        }
        return cur[0];
    }

    static byte[] node(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /**
     * The piece size a sharer picks for a file of {@code size} bytes: the largest power of two from
     * 64 KiB up to {@link SwarmLimits#TARGET_PIECE_SIZE} that still gives at least
     * {@link SwarmLimits#MIN_PIECES_WANTED} pieces (64 KiB when even that gives fewer), raised as far
     * as needed to keep the file within {@link SwarmLimits#MAX_PIECES} pieces. Receivers take any
     * valid size (a power of two from 64 KiB to 4 MiB); this is only the sharer's choice.
     */
    public static int pieceSizeFor(long size) {
        int p = SwarmLimits.MIN_PIECE_SIZE;
        while (p < SwarmLimits.TARGET_PIECE_SIZE && size / (2L * p) >= SwarmLimits.MIN_PIECES_WANTED) p *= 2;
        while ((size + p - 1) / p > SwarmLimits.MAX_PIECES) p *= 2;
        if (p > SwarmLimits.MAX_PIECE_SIZE) throw new IllegalArgumentException("file too large for a swarm: " + size + " bytes");
        return p;
    }

    public static int pieceCount(long size, int pieceSize) {
        return (int) ((size + pieceSize - 1) / pieceSize);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
