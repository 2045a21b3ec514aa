package dev.parley.protocol.swarm;

/** The swarm's limits (docs/protocol.md § Swarm files, Limits). */
public final class SwarmLimits {
    /** Pieces are powers of two from 64 KiB to 4 MiB. */
    public static final int MIN_PIECE_SIZE = 64 * 1024;
    public static final int MAX_PIECE_SIZE = 4 * 1024 * 1024;
    /** At most 4,096 pieces, so a piece layer (32 B each) fits one 128 KiB frame; with 4 MiB pieces a file is at most 16 GiB. */
    public static final int MAX_PIECES = 4096;
    /** File bytes per {@code piece} frame (a piece travels as one or more such frames, in order). */
    public static final int MAX_BLOCK_DATA = 64 * 1024;
    /** Requests a downloader keeps outstanding per holder; a holder rejects beyond this ({@code busy}). */
    public static final int MAX_REQUESTS_PER_HOLDER = 64;
    /** And at most this many bytes of them (the 1:1 flow-control window). */
    public static final int MAX_BYTES_IN_FLIGHT_PER_HOLDER = 8 * 1024 * 1024;

    private SwarmLimits() {}
}
