package dev.parley.protocol.swarm;

/** The swarm's limits (docs/protocol.md § Swarm files, Limits). */
public final class SwarmLimits {
    /** Pieces are powers of two from 64 KiB to 4 MiB. */
    public static final int MIN_PIECE_SIZE = 64 * 1024;
    public static final int MAX_PIECE_SIZE = 4 * 1024 * 1024;
    /** At most 4,096 pieces, so a piece layer (32 B each) fits one 128 KiB frame; with 4 MiB pieces a file is at most 16 GiB. */
    public static final int MAX_PIECES = 4096;
    /**
     * The sharer's piece size: the largest power of two up to this that still gives the file
     * {@link #MIN_PIECES_WANTED} pieces (but at least {@link #MIN_PIECE_SIZE}, and large enough for
     * {@link #MAX_PIECES}). Per-piece work (a request, a tree check, a disk write) is then paid per
     * MiB, not per 64 KiB: with 64 KiB pieces one holder gave 61 % of a 1:1 transfer's throughput.
     */
    public static final int TARGET_PIECE_SIZE = 1024 * 1024;
    public static final int MIN_PIECES_WANTED = 16;
    /** The largest data-channel message every Parley session takes (its SDP {@code a=max-message-size}, RFC 8841). */
    public static final int MAX_MESSAGE = 262_144;
    /**
     * File bytes per {@code piece} frame (a piece travels as one or more such frames, in order): the
     * frame ({@link SwarmFrame#PIECE_HEADER} = 41 bytes before the data) fills one {@link #MAX_MESSAGE}, as 1:1 transfers' 256 KiB messages do.
     */
    public static final int MAX_BLOCK_DATA = MAX_MESSAGE - SwarmFrame.PIECE_HEADER;
    /** Requests a downloader keeps outstanding per holder; a holder rejects beyond this ({@code busy}). */
    public static final int MAX_REQUESTS_PER_HOLDER = 64;
    /** And at most this many bytes of them (the 1:1 flow-control window). */
    public static final int MAX_BYTES_IN_FLIGHT_PER_HOLDER = 8 * 1024 * 1024;

    private SwarmLimits() {}
}
