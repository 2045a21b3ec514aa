package dev.parley.client.internal.groupcall;

import dev.parley.protocol.PeerId;

import java.util.HashMap;
import java.util.Map;

/**
 * Smoothed audio level of each participant heard in a group call, and the active speaker chosen from
 * them. A level is the RMS (0..1 of full scale) of each decoded 10 ms frame, smoothed exponentially
 * with a {@value #TIME_CONSTANT_MS} ms time constant, so a single loud frame (a click) moves nobody and
 * a speaker stays the speaker through the short gaps between words. The speaker is the loudest level
 * above {@link #SPEAKING} (-40 dBFS); another participant takes over only when louder by
 * {@link #TAKE_OVER} times, so two equal voices do not make the indication flicker.
 *
 * <p>Threads: {@link #frame} on WebRTC's playout thread (a few multiplications under this monitor,
 * never blocking); {@link #speaker} on the engine's worker.
 */
final class SpeakerLevels {
    static final double TIME_CONSTANT_MS = 300;
    static final double SPEAKING = 0.01;
    static final double TAKE_OVER = 1.5;

    private final Map<PeerId, Double> levels = new HashMap<>();
    private PeerId speaker;

    /** One decoded frame of {@code peer}: 16-bit little-endian PCM, the first channel measured. */
    synchronized void frame(PeerId peer, byte[] pcm, int sampleRate, int channels) {
        int step = 2 * Math.max(1, channels);
        int n = pcm.length / step;
        if (n == 0 || sampleRate <= 0) return;
        double sum = 0;
        for (int i = 0; i + 1 < pcm.length; i += step) {
            double s = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8)) / 32768.0;
            sum += s * s;
        }
        double rms = Math.sqrt(sum / n);
        double alpha = 1 - Math.exp(-(n * 1000.0 / sampleRate) / TIME_CONSTANT_MS);
        levels.merge(peer, alpha * rms, (old, x) -> old + alpha * (rms - old));
    }

    synchronized void remove(PeerId peer) {
        levels.remove(peer);
        if (peer.equals(speaker)) speaker = null;
    }

    /** The smoothed level of {@code peer} (0 if not heard). */
    synchronized double level(PeerId peer) {
        return levels.getOrDefault(peer, 0.0);
    }

    /** The active speaker now (null: nobody speaks), with the hysteresis above. */
    synchronized PeerId speaker() {
        PeerId loudest = null;
        double max = 0;
        for (Map.Entry<PeerId, Double> e : levels.entrySet()) {
            if (e.getValue() > max) {
                max = e.getValue();
                loudest = e.getKey();
            }
        }
        double current = speaker == null ? 0 : levels.getOrDefault(speaker, 0.0);
        if (current < SPEAKING) speaker = max >= SPEAKING ? loudest : null;
        else if (loudest != null && !loudest.equals(speaker) && max > current * TAKE_OVER) speaker = loudest;
        return speaker;
    }
}
