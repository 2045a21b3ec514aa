package dev.parley.client.internal.audio;

/**
 * Where a headless call's "microphone" audio comes from: 16-bit little-endian PCM read 10 ms at a
 * time. Read by one pump thread only.
 */
public interface PcmSource extends AutoCloseable {
    int sampleRate();

    int channels();

    /** Bytes in one 10 ms frame. */
    default int frameBytes() {
        return sampleRate() / 100 * channels() * 2;
    }

    /**
     * Fill {@code frame} ({@link #frameBytes()} long) with the next 10 ms.
     *
     * @return false at the end of the source ({@code frame} is then silence)
     */
    boolean read(byte[] frame);

    /** Skip {@code frames} 10 ms frames (the pump fell behind real time); false at the end. */
    default boolean skip(long frames) {
        byte[] scratch = new byte[frameBytes()];
        for (long i = 0; i < frames; i++) {
            if (!read(scratch)) {
                return false;
            }
        }
        return true;
    }

    @Override
    default void close() {
    }
}
