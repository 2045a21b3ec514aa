package dev.parley.client.internal.groupcall;

import dev.parley.client.internal.audio.AudioPump;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.audio.SilenceSource;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.protocol.PeerId;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * This member's audio in one group call: one {@link AudioPump} whose every 10 ms frame goes to each
 * participant's session ({@link PeerAudio#push}, headless), and each participant's decoded audio into
 * one {@link AudioMixer} whose mix is recorded. Each pair's session carries its own audio exactly as a
 * 1:1 call does ({@link PeerAudio#start}/{@link PeerAudio#stop}).
 *
 * <p>Threads: created, changed and closed on the engine's worker; the pump thread reads {@code live};
 * the mixer runs on the playout thread.
 */
@Slf4j
final class MeshAudio implements AutoCloseable {

    /** What this member says (null: silence) and where the mix of what it hears goes (null: nowhere). */
    record Media(PcmSource source, WavRecorder recorder) {}

    private final UUID call;
    private Media media;
    private final AudioMixer mixer;
    private final AudioPump pump;
    /** Sessions whose audio is negotiated; the pump pushes to these. */
    private final Map<PeerId, PeerAudio> live = new ConcurrentHashMap<>();
    /** Sessions whose audio start was asked for (live or on its way); worker only. */
    private final Map<PeerId, PeerAudio> started = new ConcurrentHashMap<>();
    private boolean muted;

    MeshAudio(Media media, UUID call) {
        this.call = call;
        this.media = media;
        this.mixer = new AudioMixer(media.recorder() != null ? media.recorder() : (pcm, r, ch, n) -> {});
        PcmSource src = media.source() != null ? media.source() : new SilenceSource();
        this.pump = new AudioPump(src, this::pushAll, null).start();
    }

    Media media() {
        return media;
    }

    private boolean pushAll(byte[] pcm, int rate, int channels) {
        boolean any = false;
        for (PeerAudio a : live.values()) any |= a.push(pcm, rate, channels);
        return any;
    }

    /** Starts audio with {@code peer}; completions come back on {@code worker}. */
    void add(PeerId peer, PeerAudio audio, java.util.function.Consumer<Runnable> worker) {
        if (started.containsKey(peer)) return;
        started.put(peer, audio);
        if (!audio.headless() && muted) audio.setMuted(true);
        audio.start(mixer.input(peer)).whenComplete((ok, err) -> worker.accept(() -> {
            if (started.get(peer) != audio) return; // removed meanwhile
            if (err != null) {
                log.warn("group call {}: audio with {} did not start: {}", call, peer.shortForm(), err.toString());
                started.remove(peer);
                return;
            }
            live.put(peer, audio);
        }));
    }

    void remove(PeerId peer) {
        PeerAudio a = started.remove(peer);
        live.remove(peer);
        if (a != null) {
            a.stop();
            mixer.remove(peer);
        }
    }

    /** The sessions whose audio is negotiated, by participant (for their statistics). */
    Map<PeerId, PeerAudio> liveAudio() {
        return Map.copyOf(live);
    }

    /** Smoothed levels of the participants heard, and the active speaker. */
    SpeakerLevels levels() {
        return mixer.levels();
    }

    Set<PeerId> livePeers() {
        return Set.copyOf(live.keySet());
    }

    void setMuted(boolean m) {
        muted = m;
        pump.setMuted(m);
        for (PeerAudio a : started.values()) if (!a.headless()) a.setMuted(m);
    }

    boolean muted() {
        return muted;
    }

    /** The recorder is handed on (a superseded call's files go on with the surviving one); the source too. */
    void detachMedia() {
        media = null;
    }

    /** Stops every pair's audio and the pump; closes the files unless detached. */
    @Override
    public void close() {
        pump.close();
        for (PeerId p : Set.copyOf(started.keySet())) remove(p);
        if (media != null && media.recorder() != null) {
            try {
                media.recorder().close();
            } catch (IOException e) {
                log.warn("could not finish the group call recording {}", media.recorder().path(), e);
            }
        }
    }
}
