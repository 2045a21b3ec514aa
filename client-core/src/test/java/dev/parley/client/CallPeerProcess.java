package dev.parley.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A 1:1 call peer in its own JVM (for tests that put it in a network namespace and cut its path).
 * Usage: {@code CallPeerProcess PROFILE_DIR SERVER_URI CONTACT TONE_HZ WAV}: adds the contact, prints
 * {@code READY <contact string>}, answers the first incoming call playing the tone and recording the
 * caller to the WAV, and prints {@code RINGING <callId>}, {@code ANSWERED <callId>},
 * {@code SESSION <state>} per session change, {@code STATS <packetsSent> <packetsReceived>} per call
 * statistics sample, and {@code ENDED <reason>}. Exits when stdin closes.
 */
public final class CallPeerProcess {
    private CallPeerProcess() {}

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        ParleyClient[] self = new ParleyClient[1];
        double hz = Double.parseDouble(args[3]);
        Path wav = Path.of(args[4]);
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onCallRinging(CallId id, PeerId peer) {
                        say("RINGING " + id);
                        self[0].answerCall(id, CallMedia.tone(hz, null).record(wav));
                    }

                    @Override
                    public void onCallAnswered(CallId id, PeerId peer) {
                        say("ANSWERED " + id);
                    }

                    @Override
                    public void onSessionState(PeerId peer, SessionStatus state, String detail) {
                        say("SESSION " + state.wire());
                    }

                    @Override
                    public void onCallStats(CallStats s) {
                        say("STATS " + s.packetsSent() + " " + s.packetsReceived());
                    }

                    @Override
                    public void onCallEnded(CallRecord r) {
                        say("ENDED " + r.reason());
                    }
                });
        self[0] = c;
        c.addContact(args[2], null);
        c.start();
        say("READY " + c.contactString(null));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for stdin to close
        }
        c.close();
        say("CLOSED");
        System.exit(0);
    }
}
