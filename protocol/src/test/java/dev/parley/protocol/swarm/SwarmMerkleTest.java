package dev.parley.protocol.swarm;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Merkle test vector of docs/protocol.md § Swarm files and the frame layouts. */
class SwarmMerkleTest {
    /** The vector's file: 200,000 bytes, byte i = i mod 251. */
    static byte[] vectorFile() {
        byte[] f = new byte[200_000];
        for (int i = 0; i < f.length; i++) f[i] = (byte) (i % 251);
        return f;
    }

    static byte[][] layer(byte[] f, int pieceSize) {
        int n = SwarmMerkle.pieceCount(f.length, pieceSize);
        byte[][] l = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * pieceSize;
            l[i] = SwarmMerkle.pieceHash(f, from, Math.min(pieceSize, f.length - from), pieceSize);
        }
        return l;
    }

    @Test
    void vector() {
        byte[] f = vectorFile();
        int pieceSize = SwarmMerkle.pieceSizeFor(f.length);
        assertThat(pieceSize).isEqualTo(65536);
        byte[][] l = layer(f, pieceSize);
        assertThat(l.length).isEqualTo(4);
        assertThat(Hashes.hex(l[0])).isEqualTo("2d6b546231225a7132a38ab354f03e9132e4b9141da89f1784b71ab2fb34fae3");
        assertThat(Hashes.hex(l[3])).isEqualTo("637c43b405318c1375cc744e79eca2e711290ed2b7eb44ecd44b9f31fcc3b6b0");
        assertThat(Base64Url.encode(SwarmMerkle.rootOfLayer(l, pieceSize))).isEqualTo("lKCuaQW5BNHu34Iw0yRaRnNbSkgAv6aCwP_KNKHkeGw");
        assertThat(Hashes.hex(Hashes.sha256(f))).isEqualTo("e24bc62381f1224fbbb74688663f8f9743b9680b193edd666835e97b06e730eb");
    }

    /** The sharer's piece size: up to 1 MiB while the file keeps 16 pieces, 64 KiB at least, ≤ 4,096 pieces. */
    @Test
    void pieceSizeForASharedFile() {
        assertThat(SwarmMerkle.pieceSizeFor(1)).isEqualTo(64 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(200_000)).isEqualTo(64 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(2L * 1024 * 1024 - 1)).isEqualTo(64 * 1024); // 31.99 pieces: doubling gives < 16
        assertThat(SwarmMerkle.pieceSizeFor(2L * 1024 * 1024)).isEqualTo(128 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(3L * 1024 * 1024 + 12_345)).isEqualTo(128 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(16L * 1024 * 1024)).isEqualTo(1024 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(64L * 1024 * 1024)).isEqualTo(1024 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(4L * 1024 * 1024 * 1024)).isEqualTo(1024 * 1024); // exactly 4,096 pieces
        assertThat(SwarmMerkle.pieceSizeFor(4L * 1024 * 1024 * 1024 + 1)).isEqualTo(2 * 1024 * 1024);
        assertThat(SwarmMerkle.pieceSizeFor(16L * 1024 * 1024 * 1024)).isEqualTo(4 * 1024 * 1024);
        assertThatThrownBy(() -> SwarmMerkle.pieceSizeFor(16L * 1024 * 1024 * 1024 + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A piece frame of the largest data fills exactly one 256 KiB data-channel message. */
    @Test
    void theLargestPieceFrameFitsOneMessage() {
        byte[] file = new byte[32];
        assertThat(SwarmFrame.piece(file, 0, 0, new byte[SwarmLimits.MAX_BLOCK_DATA]).encode()).hasSize(SwarmLimits.MAX_MESSAGE);
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        file[0] = 9;
        assertThat(SwarmFrame.encodePiece(file, 7, 300, data, 10, 50))
                .isEqualTo(SwarmFrame.piece(file, 7, 300, java.util.Arrays.copyOfRange(data, 10, 60)).encode());
    }

    /** The root over the piece layer equals the plain tree over all 16 KiB leaves padded with zero leaves. */
    @Test
    void layerRootIsTheLeafTreeRoot() {
        byte[] f = vectorFile();
        int blocks = (f.length + SwarmMerkle.BLOCK - 1) / SwarmMerkle.BLOCK; // 13
        int n = 16; // max(4 leaves per piece, next power of two of 13)
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * SwarmMerkle.BLOCK;
            leaves[i] = i < blocks
                    ? Hashes.sha256(java.util.Arrays.copyOfRange(f, from, Math.min(f.length, from + SwarmMerkle.BLOCK)))
                    : new byte[32];
        }
        assertThat(SwarmMerkle.rootOfLayer(layer(f, 65536), 65536)).isEqualTo(SwarmMerkle.root(leaves));
    }

    @Test
    void aChangedByteChangesItsPieceOnly() {
        byte[] f = vectorFile();
        byte[][] before = layer(f, 65536);
        f[70_000] ^= 1;
        byte[][] after = layer(f, 65536);
        assertThat(after[0]).isEqualTo(before[0]);
        assertThat(after[1]).isNotEqualTo(before[1]);
        assertThat(after[2]).isEqualTo(before[2]);
    }

    @Test
    void framesRoundTrip() {
        byte[] file = new byte[32];
        file[0] = 7;
        BitSet have = new BitSet();
        have.set(0);
        have.set(9);
        SwarmFrame bf = SwarmFrame.decode(SwarmFrame.bitfield(file, have, 10).encode());
        assertThat(bf.type()).isEqualTo(SwarmFrame.Type.BITFIELD);
        assertThat(bf.payload()).containsExactly(0x80, 0x40);
        assertThat(bf.bits(10)).isEqualTo(have);
        SwarmFrame p = SwarmFrame.decode(SwarmFrame.piece(file, 3, 65536, new byte[]{1, 2}).encode());
        assertThat(p.piece()).isEqualTo(3);
        assertThat(p.offset()).isEqualTo(65536);
        assertThat(p.payload()).containsExactly(1, 2);
        assertThat(p.file()).isEqualTo(file);
        SwarmFrame r = SwarmFrame.decode(SwarmFrame.reject(file, 5, SwarmFrame.REJECT_NOT_ALLOWED).encode());
        assertThat(r.encode()).hasSize(38);
        assertThat(r.reason()).isEqualTo(2);
    }

    @Test
    void offerBody() {
        SwarmOffer o = new SwarmOffer("a.bin", 200_000, "application/octet-stream", 65536,
                Base64Url.encode(new byte[32]), "0".repeat(64));
        assertThat(SwarmOffer.parse(o.toBody())).contains(o);
        assertThat(o.pieces()).isEqualTo(4);
        assertThat(o.pieceLength(3)).isEqualTo(200_000 - 3 * 65536);
        assertThat(SwarmOffer.parse("hello")).isEqualTo(Optional.empty());
        assertThat(SwarmOffer.parse(SwarmOffer.PREFIX + "{\"name\":\"x\"}")).isEmpty();
    }
}
