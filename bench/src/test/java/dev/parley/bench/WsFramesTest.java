package dev.parley.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WsFramesTest {

    /** A server frame (unmasked), as RFC 6455 §5.2 lays it out. */
    static byte[] serverFrame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) b.write(n);
        else if (n <= 0xFFFF) {
            b.write(126);
            b.write(n >>> 8);
            b.write(n);
        } else {
            b.write(127);
            for (int s = 56; s >= 0; s -= 8) b.write((int) ((long) n >>> s));
        }
        b.writeBytes(payload);
        return b.toByteArray();
    }

    static final class Recorder implements WsFrames.Sink {
        final List<String> events = new ArrayList<>();

        public void message(int opcode, byte[] buf, int off, int len) {
            events.add("msg:" + new String(buf, off, len, StandardCharsets.UTF_8));
        }

        public void ping(byte[] buf, int off, int len) {
            events.add("ping:" + new String(buf, off, len, StandardCharsets.UTF_8));
        }

        public void pong(byte[] buf, int off, int len) {
            events.add("pong");
        }

        public void close(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        public void protocolError(String why) {
            events.add("error:" + why);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    /** Feeds {@code stream} in chunks of {@code chunk} bytes, keeping leftovers like the client does. */
    static List<String> feedInChunks(byte[] stream, int chunk) {
        WsFrames.Reader r = new WsFrames.Reader(1 << 20);
        Recorder rec = new Recorder();
        byte[] pending = new byte[0];
        for (int i = 0; i < stream.length; i += chunk) {
            byte[] buf = concat(pending, java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + chunk)));
            int used = r.feed(buf, 0, buf.length, rec);
            pending = java.util.Arrays.copyOfRange(buf, used, buf.length);
        }
        assertThat(pending).isEmpty();
        return rec.events;
    }

    @Test
    void parsesAllLengthFormsWhateverTheReadBoundaries() {
        String small = "x".repeat(125), medium = "m".repeat(3000), large = "L".repeat(70_000);
        byte[] stream = concat(serverFrame(true, 1, small.getBytes()), serverFrame(true, 1, medium.getBytes()),
                serverFrame(true, 1, large.getBytes()));
        for (int chunk : new int[]{1, 2, 3, 7, 100, 4096, 1 << 20}) {
            assertThat(feedInChunks(stream, chunk)).containsExactly("msg:" + small, "msg:" + medium, "msg:" + large);
        }
    }

    @Test
    void joinsFragmentsAndPassesInterleavedControlFrames() {
        byte[] stream = concat(
                serverFrame(false, 1, "{\"type\":".getBytes()),
                serverFrame(true, 9, "hb".getBytes()),
                serverFrame(false, 0, "\"off".getBytes()),
                serverFrame(true, 0, "er\"}".getBytes()),
                serverFrame(true, 8, new byte[]{0x03, (byte) 0xF0, 'b', 'y', 'e'}));
        for (int chunk : new int[]{1, 5, 1000}) {
            assertThat(feedInChunks(stream, chunk)).containsExactly("ping:hb", "msg:{\"type\":\"offer\"}", "close:1008:bye");
        }
    }

    @Test
    void rejectsBrokenFraming() {
        assertThat(feedInChunks(serverFrame(true, 0, "x".getBytes()), 10)).singleElement().asString().startsWith("error:");
        assertThat(feedInChunks(serverFrame(false, 9, "x".getBytes()), 10)).singleElement().asString().startsWith("error:");
    }

    @Test
    void maskedFramesRoundTripThroughTheReader() {
        // a masked frame is what a server reads; our reader unmasks too, so it can check our encoder
        String text = "{\"type\":\"candidate\"}".repeat(20);
        byte[] f = WsFrames.maskedText(text, 0x12345678);
        assertThat(f[0] & 0xFF).isEqualTo(0x81);
        assertThat(f[1] & 0x80).isEqualTo(0x80);
        assertThat(feedInChunks(f, 3)).containsExactly("msg:" + text);
        byte[] big = WsFrames.maskedText("y".repeat(70_000), 0xCAFEBABE);
        assertThat(feedInChunks(big, 999)).containsExactly("msg:" + "y".repeat(70_000));
    }

    @Test
    void acceptKeyMatchesRfcExample() {
        assertThat(WsFrames.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
