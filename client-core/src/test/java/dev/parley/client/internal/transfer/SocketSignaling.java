package dev.parley.client.internal.transfer;

import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.SignalingChannel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Minimal signaling between a test and a child JVM over a local TCP socket, one line per message:
 * {@code desc OFFER|ANSWER <b64 sdp>}, {@code cand <index> <b64 mid> <b64 candidate>}, and
 * {@code evt ...} lines that carry test events. Delivery to the session happens on the reader thread.
 */
final class SocketSignaling implements SignalingChannel, AutoCloseable {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder D64 = Base64.getDecoder();
    private final Socket socket;
    private final PrintWriter out;
    private volatile PeerSession target;

    SocketSignaling(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new PrintWriter(new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    void connectTo(PeerSession session) {
        this.target = session;
    }

    /** Starts the reader thread; {@code events} gets each {@code evt} line's payload. */
    void start(Consumer<String> events) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] f = line.split(" ", 2);
                    switch (f[0]) {
                        case "desc" -> {
                            String[] d = f[1].split(" ");
                            target.onRemoteDescription(DescriptionType.valueOf(d[0]), text(d[1]), null);
                        }
                        case "cand" -> {
                            String[] c = f[1].split(" ");
                            target.onRemoteCandidate(text(c[2]), text(c[1]), Integer.parseInt(c[0]));
                        }
                        case "evt" -> events.accept(f[1]);
                        default -> { }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the other process went away
            }
            events.accept("eof");
        }, "signaling-reader");
        t.setDaemon(true);
        t.start();
    }

    private static String text(String b64) {
        return new String(D64.decode(b64), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return B64.encodeToString((s == null ? "" : s).getBytes(StandardCharsets.UTF_8));
    }

    synchronized void event(String payload) {
        out.println("evt " + payload);
    }

    @Override
    public synchronized void sendDescription(DescriptionType type, String sdp) {
        out.println("desc " + type.name() + " " + b64(sdp));
    }

    @Override
    public synchronized void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
        out.println("cand " + sdpMLineIndex + " " + b64(sdpMid) + " " + b64(candidate));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
