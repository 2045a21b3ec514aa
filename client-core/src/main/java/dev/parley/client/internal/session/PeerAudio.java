package dev.parley.client.internal.session;

import dev.parley.client.internal.rtc.AudioStatsSample;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RemoteAudioSink;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The audio hook of a {@link PeerLink}: call audio on the link's verified peer session. Safe to call
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

    /** The hook over one session, for {@link PeerLink#audio()} implementations. */
    static PeerAudio of(PeerSession session) {
        Objects.requireNonNull(session, "session");
        return new PeerAudio() {
            @Override
            public boolean headless() {
                return session.headlessAudio();
            }

            @Override
            public CompletionStage<Void> start(RemoteAudioSink sink) {
                return session.startAudio(sink);
            }

            @Override
            public boolean push(byte[] pcm, int sampleRate, int channels) {
                return session.pushAudio(pcm, sampleRate, channels);
            }

            @Override
            public void stop() {
                session.stopAudio();
            }

            @Override
            public void setMuted(boolean muted) {
                session.setAudioMuted(muted);
            }

            @Override
            public CompletionStage<AudioStatsSample> stats() {
                return session.stats().thenApply(AudioStatsSample::from);
            }
        };
    }
}
