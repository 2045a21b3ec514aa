package dev.parley.client.internal.audio;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Plays a WAV file as the microphone, converted by Java Sound to 48 kHz mono 16-bit (so any rate
 * works, including 22.05 kHz espeak-ng output, where 10 ms is not a whole number of samples).
 */
public final class WavSource implements PcmSource {
    public static final int RATE = 48_000;
    private static final AudioFormat TARGET = new AudioFormat(RATE, 16, 1, true, false);

    private final AudioInputStream in;
    private boolean ended;

    /** @throws IOException if the file is missing, not a WAV, or cannot be converted to 16-bit PCM */
    public WavSource(Path wav) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(wav));
        try {
            AudioInputStream src = AudioSystem.getAudioInputStream(raw);
            AudioFormat f = src.getFormat();
            // Java Sound converts in steps: to 16-bit signed PCM at the file's rate, then channels and rate.
            AudioFormat pcm = new AudioFormat(f.getSampleRate(), 16, f.getChannels(), true, false);
            AudioInputStream s = AudioSystem.getAudioInputStream(pcm, src);
            if (f.getChannels() != 1) {
                s = AudioSystem.getAudioInputStream(new AudioFormat(f.getSampleRate(), 16, 1, true, false), s);
            }
            if (f.getSampleRate() != RATE) {
                s = AudioSystem.getAudioInputStream(TARGET, s);
            }
            this.in = s;
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            raw.close();
            throw new IOException(wav + " is not a WAV file Java Sound can convert to 48 kHz 16-bit mono: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public boolean read(byte[] frame) {
        if (ended) {
            Arrays.fill(frame, (byte) 0);
            return false;
        }
        try {
            int n = in.readNBytes(frame, 0, frame.length);
            if (n < frame.length) {
                Arrays.fill(frame, n, frame.length, (byte) 0);
                ended = true;
                return n > 0;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only file
        }
    }
}
