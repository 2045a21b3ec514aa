package dev.parley.client.internal.audio;

import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import lombok.extern.slf4j.Slf4j;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a headless audio device module's recorder off while we push our own PCM (shared notes §2).
 *
 * <p>Why: any audio send stream makes WebRTC start the factory ADM's recorder, whose frames (the
 * playout mix: the peer's own voice) go to every send stream. A {@code CustomAudioSource} push feeds
 * the same native send path from another thread; the two trip a release CHECK that aborts the JVM, and
 * when they don't, the peer hears itself. So every native operation that can (re)start the recorder
 * (SLD/SRD, addTrack, replaceTrack, setDirection, close) runs {@link #around} it, which stops the
 * recorder afterwards; every push runs under the same lock and stops the recorder first (a no-op
 * mutex check when it is already off), so a start we did not foresee costs at most one frame.
 *
 * <p>One per runtime (ADM). With a real device ADM the recorder <em>is</em> the microphone, so
 * {@link #devices()} returns a gate that only serialises. Never call it on a WebRTC thread.
 */
@Slf4j
public final class AudioSendGate {

    private final AudioDeviceModuleBase headlessAdm;
    private final ReentrantLock lock = new ReentrantLock();

    private AudioSendGate(AudioDeviceModuleBase headlessAdm) {
        this.headlessAdm = headlessAdm;
    }

    public static AudioSendGate headless(AudioDeviceModuleBase adm) {
        return new AudioSendGate(adm);
    }

    public static AudioSendGate devices() {
        return new AudioSendGate(null);
    }

    public boolean headless() {
        return headlessAdm != null;
    }

    /** Run a native operation that may restart the ADM recorder; stop it again before anyone pushes. */
    public <T> T around(Callable<T> op) throws Exception {
        lock.lock();
        try {
            return op.call();
        } finally {
            stopRecorder();
            lock.unlock();
        }
    }

    /** Run one push; the recorder is stopped first so no ADM frame can race it. */
    public boolean push(Callable<Boolean> push) {
        lock.lock();
        try {
            stopRecorder();
            return push.call();
        } catch (Exception e) {
            log.debug("audio push failed", e);
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void stopRecorder() {
        if (headlessAdm != null) {
            try {
                headlessAdm.stopRecording();
            } catch (Throwable t) {
                log.warn("could not stop the headless audio recorder", t);
            }
        }
    }
}
