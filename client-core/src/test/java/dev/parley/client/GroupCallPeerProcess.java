package dev.parley.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A group-call member in its own JVM (for tests that put it in a network namespace and cut its path).
 * Usage: {@code GroupCallPeerProcess PROFILE_DIR SERVER_URI CONTACT...}: adds each contact, prints
 * {@code READY <contact string>}, accepts every group invitation ({@code ACCEPTED <group>}) and prints
 * each group-call event as one line: {@code STARTED <group> <callId>}, {@code JOINED <peer>},
 * {@code LEFT <peer> <reason>}, {@code RECONNECTING <peer> <true|false>}, {@code ENDED}. Commands on
 * stdin: {@code JOIN <group> <toneHz> <wav>} joins the call playing a tone and recording the mix
 * (answers {@code JOINING <callId>} or {@code ERROR <message>}); {@code LEAVE <group>}. Exits when stdin closes.
 */
public final class GroupCallPeerProcess {
    private GroupCallPeerProcess() {}

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        ParleyClient[] self = new ParleyClient[1];
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onGroupInvited(GroupId group, String name, PeerId from) {
                        new Thread(() -> { // not on the event thread: accepting waits for the client
                            self[0].acceptGroup(group);
                            say("ACCEPTED " + group.value());
                        }).start();
                    }

                    @Override
                    public void onGroupCallStarted(GroupId group, CallId call, PeerId by) {
                        say("STARTED " + group.value() + " " + call);
                    }

                    @Override
                    public void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {
                        say("JOINED " + participant.value());
                    }

                    @Override
                    public void onGroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) {
                        say("LEFT " + participant.value() + " " + reason);
                    }

                    @Override
                    public void onGroupCallParticipantReconnecting(GroupId group, CallId call, PeerId participant, boolean reconnecting) {
                        say("RECONNECTING " + participant.value() + " " + reconnecting);
                    }

                    @Override
                    public void onGroupCallEnded(GroupId group, CallId call) {
                        say("ENDED");
                    }
                });
        self[0] = c;
        for (int i = 2; i < args.length; i++) c.addContact(args[i], null);
        c.start();
        say("READY " + c.contactString(null));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            try {
                switch (w[0]) {
                    case "JOIN" -> say("JOINING " + c.joinGroupCall(GroupId.of(w[1]),
                            CallMedia.tone(Double.parseDouble(w[2]), null).record(Path.of(w[3]))));
                    case "LEAVE" -> c.leaveGroupCall(GroupId.of(w[1]));
                    default -> say("ERROR unknown command " + w[0]);
                }
            } catch (RuntimeException e) {
                say("ERROR " + e.getMessage());
            }
        }
        c.close();
        say("CLOSED");
        System.exit(0);
    }
}
