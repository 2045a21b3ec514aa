package dev.parley.client.internal.audio;

/**
 * Receives the peer's decoded audio: 16-bit little-endian PCM, normally 48 kHz mono in 10 ms frames.
 * Called on WebRTC's audio playout thread ({@code webrtc_audio_mo}): copy or hand off and return at
 * once; never block. Exceptions are caught and logged.
 */
@FunctionalInterface
public interface RemoteAudioSink {
    /** {@code pcm} is a private array the sink may keep. */
    void onFrame(byte[] pcm, int sampleRate, int channels, int frames);
}
