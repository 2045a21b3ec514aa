package dev.parley.client.internal.session;

import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

/**
 * What a feature (chat, file transfers, calls) gets from a contact's live, verified peer session.
 * A link is valid from {@link PeerFeature#onLinkUp} until {@link PeerFeature#onLinkDown}; afterwards
 * every send returns false. Sends never block on the network and never throw for a closed channel.
 * Safe to call from any thread.
 */
public interface PeerLink {
    PeerId peer();

    /** Sends one control message as JSON on the reliable, ordered {@code chat} channel. */
    boolean sendControl(PeerMessage message);

    /** Opens (in-band) a further data channel; {@link PeerFeature#onChannelOpen} follows on both sides. */
    void openChannel(String label, boolean ordered);

    void closeChannel(String label);

    /** Sends one binary message (≤ 256 KiB) on {@code label}; false when not open. */
    boolean sendBinary(String label, byte[] data);

    /** Bytes queued on {@code label} and not yet sent, for backpressure; -1 if the channel is not open. */
    long bufferedAmount(String label);

    /** Call audio on this link's session (implement as {@code Optional.of(session.audio())}); empty if none. */
    default java.util.Optional<PeerAudio> audio() {
        return java.util.Optional.empty();
    }
}
