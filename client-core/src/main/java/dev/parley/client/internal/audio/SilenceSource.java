package dev.parley.client.internal.audio;

import java.util.Arrays;

/** Endless digital silence at 48 kHz mono: keeps a headless call's stream alive when it has nothing to say. */
public final class SilenceSource implements PcmSource {
    @Override
    public int sampleRate() {
        return 48_000;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public boolean read(byte[] frame) {
        Arrays.fill(frame, (byte) 0);
        return true;
    }

    @Override
    public boolean skip(long frames) {
        return true;
    }
}
