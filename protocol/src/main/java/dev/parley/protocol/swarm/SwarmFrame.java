package dev.parley.protocol.swarm;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One binary message on a session's {@code swarm} data channel (docs/protocol.md § Swarm files,
 * Frames): {@code type (u8) ‖ file (32 B: the offer's group message id) ‖ fields}, integers big-endian.
 *
 * @param piece   piece index (have, request, piece, reject, cancel), else 0
 * @param offset  byte offset inside the piece ({@code piece}), else 0
 * @param reason  {@code reject} reason, else 0
 * @param payload bitfield bytes, piece data, or the piece layer (32 B per piece); empty otherwise
 */
public record SwarmFrame(Type type, byte[] file, int piece, int offset, int reason, byte[] payload) {
    public enum Type {
        BITFIELD(1), HAVE(2), REQUEST(3), PIECE(4), REJECT(5), CANCEL(6), HASH_REQUEST(7), HASHES(8);
        final int code;

        Type(int code) {
            this.code = code;
        }
    }

    public static final int REJECT_NOT_HELD = 1, REJECT_NOT_ALLOWED = 2, REJECT_BUSY = 3;
    static final int HEADER = 1 + 32;

    public static SwarmFrame bitfield(byte[] file, BitSet have, int pieces) {
        return new SwarmFrame(Type.BITFIELD, file, 0, 0, 0, encodeBits(have, pieces));
    }

    /** The bitfield layout (piece 0 in the high bit of the first byte), {@code pieces} bits; also a download's stored bitmap. */
    public static byte[] encodeBits(BitSet have, int pieces) {
        byte[] bits = new byte[(pieces + 7) / 8];
        for (int i = have.nextSetBit(0); i >= 0 && i < pieces; i = have.nextSetBit(i + 1)) bits[i / 8] |= (byte) (0x80 >>> (i % 8));
        return bits;
    }

    /** {@link #encodeBits} read back; bits past {@code pieces} (and bytes missing at the end) are ignored. */
    public static BitSet decodeBits(byte[] bits, int pieces) {
        BitSet b = new BitSet(pieces);
        for (int i = 0; i < pieces && i / 8 < bits.length; i++) if ((bits[i / 8] & (0x80 >>> (i % 8))) != 0) b.set(i);
        return b;
    }

    public static SwarmFrame of(Type t, byte[] file, int piece) {
        return new SwarmFrame(t, file, piece, 0, 0, new byte[0]);
    }

    public static SwarmFrame reject(byte[] file, int piece, int reason) {
        return new SwarmFrame(Type.REJECT, file, piece, 0, reason, new byte[0]);
    }

    public static SwarmFrame piece(byte[] file, int piece, int offset, byte[] data) {
        return new SwarmFrame(Type.PIECE, file, piece, offset, 0, data);
    }

    /** Bytes of a {@code piece} frame before its data. */
    public static final int PIECE_HEADER = HEADER + 8;

    /**
     * The encoded {@code piece} frame for {@code length} bytes of {@code data} from {@code from}, in
     * one copy (the same bytes as {@code piece(file, piece, offset, slice).encode()}).
     */
    public static byte[] encodePiece(byte[] file, int piece, int offset, byte[] data, int from, int length) {
        byte[] out = new byte[PIECE_HEADER + length];
        ByteBuffer.wrap(out).put((byte) Type.PIECE.code).put(file).putInt(piece).putInt(offset);
        System.arraycopy(data, from, out, PIECE_HEADER, length);
        return out;
    }

    public static SwarmFrame hashes(byte[] file, byte[] layer) {
        return new SwarmFrame(Type.HASHES, file, 0, 0, 0, layer);
    }

    /** The bitfield's pieces, bits past {@code pieces} ignored. */
    public BitSet bits(int pieces) {
        return decodeBits(payload, pieces);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 9 + payload.length);
        b.put((byte) type.code).put(file);
        switch (type) {
            case HAVE, REQUEST, CANCEL -> b.putInt(piece);
            case PIECE -> b.putInt(piece).putInt(offset).put(payload);
            case REJECT -> b.putInt(piece).put((byte) reason);
            case BITFIELD, HASHES -> b.put(payload);
            case HASH_REQUEST -> { }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** @throws IllegalArgumentException for an unknown type or a short frame */
    public static SwarmFrame decode(byte[] data) {
        if (data.length < HEADER) throw new IllegalArgumentException("short swarm frame");
        ByteBuffer b = ByteBuffer.wrap(data);
        int code = b.get() & 0xff;
        Type t = Arrays.stream(Type.values()).filter(x -> x.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown swarm frame type " + code));
        byte[] file = new byte[32];
        b.get(file);
        try {
            return switch (t) {
                case HAVE, REQUEST, CANCEL -> new SwarmFrame(t, file, b.getInt(), 0, 0, new byte[0]);
                case PIECE -> {
                    int piece = b.getInt(), offset = b.getInt();
                    byte[] rest = new byte[b.remaining()];
                    b.get(rest);
                    yield new SwarmFrame(t, file, piece, offset, 0, rest);
                }
                case REJECT -> new SwarmFrame(t, file, b.getInt(), 0, b.get() & 0xff, new byte[0]);
                case BITFIELD, HASHES -> new SwarmFrame(t, file, 0, 0, 0, Arrays.copyOfRange(data, HEADER, data.length));
                case HASH_REQUEST -> new SwarmFrame(t, file, 0, 0, 0, new byte[0]);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("short swarm frame", e);
        }
    }
}
