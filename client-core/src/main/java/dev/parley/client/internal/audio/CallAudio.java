package dev.parley.client.internal.audio;

/**
 * What this side of one call says and where the peer's voice goes.
 *
 * <p>Headless runtime: {@code source} is pumped in real time as the microphone (null = silence) and
 * {@code sink} gets the peer's audio (null = discarded). Device runtime: the microphone and speaker are
 * used; {@code source} is ignored and {@code sink} gets a copy of what is played. The engine closes
 * {@code source} when the call ends; {@code sink} belongs to the caller.
 */
public record CallAudio(PcmSource source, RemoteAudioSink sink) {
    /** Real devices (or silence and discard, on a headless runtime). */
    public static CallAudio devices() {
        return new CallAudio(null, null);
    }
}
