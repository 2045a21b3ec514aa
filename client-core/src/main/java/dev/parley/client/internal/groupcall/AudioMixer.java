package dev.parley.client.internal.groupcall;

import dev.parley.client.internal.audio.RemoteAudioSink;
import dev.parley.protocol.PeerId;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Mixes the decoded audio of several participants into one stream (what a member of a group call
 * hears) for one {@link RemoteAudioSink} (a WAV recorder). Each participant gets its own input
 * ({@link #input}); frames queue per input and a mixed 10 ms frame (16-bit sum, clipped) is emitted
 * whenever every input has one, or when one input is {@value #MAX_QUEUED} frames ahead (a silent or
 * stalled participant counts as silence for that frame), so one frozen peer never stops the mix.
 *
 * <p>Threads: inputs are called on WebRTC's playout thread (one per runtime, so in practice never
 * contended); each call holds this mixer's monitor for a few microseconds of array summing and the
 * downstream sink's non-blocking offer. Formats other than the first frame's are dropped.
 */
final class AudioMixer {
    static final int MAX_QUEUED = 5;

    private final RemoteAudioSink out;
    private final SpeakerLevels levels = new SpeakerLevels();
    private final Map<PeerId, ArrayDeque<byte[]>> queues = new HashMap<>();
    private int sampleRate;
    private int channels;
    private long mixed;

    AudioMixer(RemoteAudioSink out) {
        this.out = out;
    }

    /** The sink for {@code peer}'s audio; replaces an earlier input of the same peer. */
    synchronized RemoteAudioSink input(PeerId peer) {
        queues.put(peer, new ArrayDeque<>());
        ArrayDeque<byte[]> mine = queues.get(peer);
        return (pcm, rate, ch, frames) -> {
            if (onFrame(mine, pcm, rate, ch)) levels.frame(peer, pcm, rate, ch);
        };
    }

    /** Stops mixing {@code peer} (its queued audio is dropped). */
    synchronized void remove(PeerId peer) {
        queues.remove(peer);
        levels.remove(peer);
        drain();
    }

    synchronized long framesMixed() {
        return mixed;
    }

    /** Each participant's smoothed level and the active speaker. */
    SpeakerLevels levels() {
        return levels;
    }

    /** False if the frame was dropped (a removed input, another format). */
    private synchronized boolean onFrame(ArrayDeque<byte[]> q, byte[] pcm, int rate, int ch) {
        if (!queues.containsValue(q)) return false; // a removed input still draining on the playout thread
        if (sampleRate == 0) {
            sampleRate = rate;
            channels = ch;
        }
        if (rate != sampleRate || ch != channels) return false;
        q.addLast(pcm);
        drain();
        return true;
    }

    private void drain() {
        while (ready()) {
            int len = 0;
            for (ArrayDeque<byte[]> q : queues.values()) if (!q.isEmpty()) len = Math.max(len, q.peekFirst().length);
            int[] sum = new int[len / 2];
            for (ArrayDeque<byte[]> q : queues.values()) {
                byte[] f = q.pollFirst();
                if (f == null) continue;
                for (int i = 0; i + 1 < f.length; i += 2) sum[i / 2] += (short) ((f[i] & 0xff) | (f[i + 1] << 8));
            }
            byte[] mix = new byte[len];
            for (int i = 0; i < sum.length; i++) {
                int v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum[i]));
                mix[2 * i] = (byte) v;
                mix[2 * i + 1] = (byte) (v >> 8);
            }
            mixed++;
            out.onFrame(mix, sampleRate, channels, len / 2 / channels);
        }
    }

    private boolean ready() {
        if (queues.isEmpty()) return false;
        boolean all = true;
        boolean any = false;
        for (ArrayDeque<byte[]> q : queues.values()) {
            if (q.isEmpty()) all = false;
            else any = true;
            if (q.size() >= MAX_QUEUED) return true;
        }
        return all && any;
    }
}
