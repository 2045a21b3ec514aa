package dev.parley.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What this side of a call says and where the other side's voice goes. {@link #devices()} uses the
 * microphone and speaker (when the client runs with real audio devices; silence otherwise). The
 * headless forms are for bots, servers and tests: play a WAV file or a tone as the microphone, and
 * record the peer to a WAV file (16-bit PCM, 48 kHz mono).
 */
public final class CallMedia {
    private final Path play;
    private final double toneHz;
    private final Duration toneDuration;
    private final Path record;

    private CallMedia(Path play, double toneHz, Duration toneDuration, Path record) {
        this.play = play;
        this.toneHz = toneHz;
        this.toneDuration = toneDuration;
        this.record = record;
    }

    /** Microphone and speaker (silence and nothing recorded on a headless client). */
    public static CallMedia devices() {
        return new CallMedia(null, 0, null, null);
    }

    /** Plays {@code wav} as our voice (any PCM WAV; converted to 48 kHz mono), then silence. */
    public static CallMedia play(Path wav) {
        return new CallMedia(Objects.requireNonNull(wav), 0, null, null);
    }

    /** A sine tone as our voice, for {@code duration} (null: until hang-up). */
    public static CallMedia tone(double hz, Duration duration) {
        if (hz <= 0 || hz >= 24_000) throw new IllegalArgumentException("tone must be between 0 and 24000 Hz, was " + hz);
        return new CallMedia(null, hz, duration, null);
    }

    /** Also records what the peer says to {@code wav} (created; must not exist). */
    public CallMedia record(Path wav) {
        return new CallMedia(play, toneHz, toneDuration, Objects.requireNonNull(wav));
    }

    public Path playFile() {
        return play;
    }

    public double toneHz() {
        return toneHz;
    }

    public Duration toneDuration() {
        return toneDuration;
    }

    public Path recordFile() {
        return record;
    }
}
