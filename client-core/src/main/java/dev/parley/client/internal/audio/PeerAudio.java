package dev.parley.client.internal.audio;

import java.util.concurrent.CompletionStage;

/**
 * Call audio on one verified peer session (a link's {@code audio()}; {@code PeerSession.audio()}). Safe to call
 * from any thread; nothing here blocks. Valid as long as the link.
 */
public interface PeerAudio {

    /** True if audio is pushed as PCM ({@link #push}); false if real devices (microphone/speaker) are used. */
    boolean headless();

    /**
     * Send and receive audio (adds or re-enables the session's audio transceiver and renegotiates).
     *
     * @param sink the peer's decoded audio, on WebRTC's playout thread (must not block); null to discard
     * @return completes when our audio is negotiated; fails if the session is gone
     */
    CompletionStage<Void> start(RemoteAudioSink sink);

    /** Exactly 10 ms of 16-bit little-endian PCM (headless only); false if not accepted. One thread, real-time paced. */
    boolean push(byte[] pcm, int sampleRate, int channels);

    /** Stop call audio both ways; {@link #start} may follow for the next call. */
    void stop();

    /** Real devices: mute the microphone track (headless callers push silence instead). */
    void setMuted(boolean muted);

    /** Audio statistics; the stage completes on a WebRTC thread, so continue async on your own executor. */
    CompletionStage<AudioStatsSample> stats();
}
