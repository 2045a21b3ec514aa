package dev.parley.client.example;

import dev.parley.client.*;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The example program of docs/library.md, on the public API only ({@code dev.parley.client.*}): a bot
 * that answers every message it receives exactly once, however often it is killed and restarted.
 * Usage: {@code EchoBot PROFILE_DIR SERVER_URI [CONTACT...]}; prints {@code READY <its contact string>}
 * once online and {@code REPLIED <message id>} per answer. It runs until it is stopped (kill it: that is
 * the point). {@code EchoBotTest} runs it against a real server and kills it with kill -9.
 */
public final class EchoBot {
    public static void main(String[] args) throws Exception {
        Path profile = Path.of(args[0]);
        ParleyConfig config = ParleyConfig.builder(profile)
                .server(URI.create(args[1]))
                .manualAck(true)                        // an event counts as handled when we ack it, not before
                .build();
        BlockingQueue<ParleyEvent> inbox = new LinkedBlockingQueue<>();
        try (ParleyClient client = ParleyClient.open(config, new ParleyListener() {
            @Override
            public void onEvent(ParleyEvent e) {
                inbox.add(e);                           // hand off: never block the event thread
            }
        })) {
            for (int i = 2; i < args.length; i++) {
                Contact c = client.addContact(args[i], null); // adding again after a restart changes nothing
                PeerId friend = c.peerId();
                System.out.println("CONTACT " + c.label() + " " + friend);
            }
            client.start();
            System.out.println("READY " + client.contactString("echo"));
            System.out.flush();

            // Events not acknowledged before the last stop come first, then new ones, in order.
            while (true) {
                ParleyEvent e = inbox.take();
                if (e instanceof ParleyEvent.Closed) break;
                if (e instanceof ParleyEvent.MessageAdded added && added.message().direction() == Direction.INCOMING) {
                    reply(client, added.message());
                }
                if (e instanceof ParleyEvent.Stored stored && stored.seq() > 0) {
                    client.ack(stored.seq());           // durable: this event is never delivered again
                }
            }
        }
    }

    /**
     * Answers {@code m}. The answer's id is derived from the message it answers, so when a crash comes
     * after this send and before the ack, the replayed event sends the same id again: Parley stores it
     * once and the contact sees one answer.
     */
    static void reply(ParleyClient client, ChatMessage m) {
        MessageId answerId = new MessageId(UUID.nameUUIDFromBytes(("echo:" + m.id()).getBytes(StandardCharsets.UTF_8)));
        client.send(m.peer(), "you said: " + m.text(), answerId); // stored before it returns, sent when reachable
        client.markRead(m.id());                                    // and a read receipt goes back
        System.out.println("REPLIED " + m.id());
        System.out.flush();
    }
}
