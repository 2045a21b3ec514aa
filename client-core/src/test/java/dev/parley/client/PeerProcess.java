package dev.parley.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Path;

/**
 * A Parley client in its own JVM, for tests that kill a client for real (kill -9). Usage:
 * {@code PeerProcess PROFILE_DIR SERVER_URI [CONTACT_TO_ADD]}. Prints {@code READY <contact string>}
 * once started, {@code RECEIVED <seq>} per new incoming message; exits when stdin closes. With
 * {@code -Dparley.test.haltOnIncoming=true} it halts (exit 3) inside the first incoming message's callback.
 */
public final class PeerProcess {
    public static void main(String[] args) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onMessage(ChatMessage m) {
                        // A crash after the message was committed but before the app handled it.
                        if (m.direction() == Direction.INCOMING && Boolean.getBoolean("parley.test.haltOnIncoming")) {
                            System.out.println("HALTING " + m.seq());
                            System.out.flush();
                            Runtime.getRuntime().halt(3);
                        }
                        if (m.direction() == Direction.INCOMING) System.out.println("RECEIVED " + m.seq());
                    }
                });
        if (args.length > 2) c.addContact(args[2], null);
        c.start();
        System.out.println("READY " + c.contactString(null));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) {
            // wait for stdin to close
        }
        c.close();
        System.out.println("CLOSED");
        System.out.flush();
        System.exit(0);
    }
}
