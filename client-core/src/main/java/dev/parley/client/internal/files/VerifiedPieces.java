package dev.parley.client.internal.files;

import dev.parley.protocol.swarm.SwarmFrame;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.BitSet;
import java.util.List;

/**
 * The group-file trust rule for a {@link PartFile}: pieces sit at their offsets in any order, and a
 * bitmap of the pieces that verified ({@code <id>.bits} next to {@code <id>.part}) is replaced
 * atomically, only after the part file was fsynced. On start every piece the bitmap names is read
 * back and checked again; one whose bytes changed on disk is dropped and fetched anew.
 *
 * <p>The bitmap has the layout of the swarm's {@code bitfield} frame (piece 0 in the high bit of the
 * first byte), so bitmaps written before this class read back the same. Not thread-safe: the swarm
 * worker owns it.
 */
@Slf4j
public final class VerifiedPieces {
    /** A piece's bytes against what it must be (the swarm: its hash in the signed tree). */
    @FunctionalInterface
    public interface Check {
        boolean verifies(int piece, byte[] data);
    }

    /** The byte length of each piece (the last one may be short). */
    @FunctionalInterface
    public interface Lengths {
        int of(int piece);
    }

    private final Path part;
    private final Path bits;
    private final int pieces;
    private final long pieceSize;

    public VerifiedPieces(Path part, int pieces, long pieceSize) {
        this.part = part;
        this.bits = part.resolveSibling(stem(part) + ".bits");
        this.pieces = pieces;
        this.pieceSize = pieceSize;
    }

    /** A fresh download: any part file and bitmap left under this id are deleted, an empty part file is created. */
    public PartFile create() throws IOException {
        drop();
        return PartFile.create(part);
    }

    /** The pieces of the stored bitmap that {@code file} still holds and that still pass {@code check}. */
    public BitSet resume(PartFile file, Lengths lengths, Check check) {
        BitSet stored = SwarmFrame.decodeBits(read(), pieces);
        BitSet have = new BitSet(pieces);
        for (int i = stored.nextSetBit(0); i >= 0; i = stored.nextSetBit(i + 1)) {
            byte[] data = new byte[lengths.of(i)];
            try {
                file.read(ByteBuffer.wrap(data), i * pieceSize);
            } catch (IOException e) {
                log.info("{}: piece {} not on disk ({}); fetching it again", part.getFileName(), i, e.getMessage());
                break;
            }
            if (check.verifies(i, data)) {
                have.set(i);
            } else {
                log.warn("{}: piece {} changed on disk since it verified; fetching it again", part.getFileName(), i);
            }
        }
        return have;
    }

    /** The part file's data to disk, then {@code have} as the bitmap. */
    public void checkpoint(PartFile file, BitSet have) throws IOException {
        file.checkpoint(() -> {
            Path tmp = bits.resolveSibling(bits.getFileName() + ".tmp");
            Files.write(tmp, SwarmFrame.encodeBits(have, pieces));
            Files.move(tmp, bits, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    /** The part file and its bitmap (after completion, failure or decline). */
    public void drop() {
        for (Path p : List.of(part, bits)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", p, e.getMessage());
            }
        }
    }

    private byte[] read() {
        try {
            return Files.isRegularFile(bits, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(bits) : new byte[0];
        } catch (IOException e) {
            log.warn("cannot read {}: {}", bits, e.getMessage());
            return new byte[0];
        }
    }

    private static String stem(Path part) {
        String name = part.getFileName().toString();
        return name.endsWith(".part") ? name.substring(0, name.length() - ".part".length()) : name;
    }
}
