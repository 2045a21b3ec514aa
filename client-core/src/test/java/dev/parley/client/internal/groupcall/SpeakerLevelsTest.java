package dev.parley.client.internal.groupcall;

import dev.parley.protocol.PeerId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The active speaker from smoothed levels: 10 ms frames of 48 kHz sine fed as the mixer feeds them. */
class SpeakerLevelsTest {
    private static final PeerId A = new PeerId("a".repeat(PeerId.LENGTH)), B = new PeerId("b".repeat(PeerId.LENGTH));

    /** 10 ms of a 440 Hz sine at {@code amplitude} (0..1 of full scale); RMS = amplitude / √2. */
    private static byte[] frame(double amplitude) {
        byte[] pcm = new byte[480 * 2];
        for (int i = 0; i < 480; i++) {
            short s = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }

    private static void feed(SpeakerLevels l, PeerId p, double amplitude, int frames) {
        for (int i = 0; i < frames; i++) l.frame(p, frame(amplitude), 48_000, 1);
    }

    @Test
    void oneLoudFrameMovesNobodyASteadyLouderVoiceTakesOverAndSilenceEndsIt() {
        SpeakerLevels l = new SpeakerLevels();
        assertThat(l.speaker()).isNull();
        feed(l, A, 0.2, 100); // 1 s: A speaks
        feed(l, B, 0, 100);
        assertThat(l.speaker()).isEqualTo(A);
        assertThat(l.level(A)).isCloseTo(0.2 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.01));

        l.frame(B, frame(1.0), 48_000, 1); // a click: the latest sample alone would pick B
        assertThat(l.level(B)).isLessThan(0.05);
        assertThat(l.speaker()).isEqualTo(A);

        feed(l, B, 0.25, 100); // B only a little louder for 1 s: not 1.5 ×, no flicker
        assertThat(l.speaker()).isEqualTo(A);
        feed(l, B, 0.8, 100); // clearly louder: B speaks
        assertThat(l.speaker()).isEqualTo(B);

        feed(l, B, 0, 5); // 50 ms pause between words: still B
        assertThat(l.speaker()).isEqualTo(B);
        feed(l, A, 0, 300);
        feed(l, B, 0, 300); // 3 s of silence from both
        assertThat(l.speaker()).isNull();

        feed(l, A, 0.2, 100);
        l.remove(A);
        assertThat(l.speaker()).isNull();
    }
}
