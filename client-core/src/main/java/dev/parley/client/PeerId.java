package dev.parley.client;

/**
 * A peer's address on Parley: 32 characters of lowercase base32 ({@code a-z}, {@code 2-7}), derived
 * from its identity key ({@link PeerKey#peerId()}), so nobody can choose one. Share it, store it, pass
 * it back to {@link ParleyClient}; {@link #toString()} is the value itself. Construction validates the
 * form with the protocol's rule and message.
 */
public record PeerId(String value) implements Comparable<PeerId> {
    public static final int LENGTH = dev.parley.protocol.PeerId.LENGTH;

    public PeerId {
        dev.parley.protocol.PeerId.of(value); // the protocol's check: IllegalArgumentException saying what a peer id is
    }

    /**
     * The peer id {@code value} is.
     *
     * @throws IllegalArgumentException if it is not 32 characters of a-z and 2-7 (the message says so)
     */
    public static PeerId of(String value) {
        return new PeerId(value);
    }

    /** The same as {@link #of}, for symmetry with {@link ContactString#parse} and {@link MessageId#parse}. */
    public static PeerId parse(String value) {
        return new PeerId(value);
    }

    /** Whether {@code s} is a well-formed peer id (then {@link #of} accepts it). */
    public static boolean isValid(String s) {
        return dev.parley.protocol.PeerId.isValid(s);
    }

    /** The first 8 characters, for logs and compact display; never for addressing. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(PeerId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
