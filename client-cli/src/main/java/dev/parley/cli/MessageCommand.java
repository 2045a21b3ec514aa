package dev.parley.cli;

import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.MessageState;
import dev.parley.client.Parley;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley message --to X TEXT}: sends one message and exits 0 once the receiver has stored and
 * acknowledged it. On timeout the message stays queued in this profile and goes out the next time
 * this profile is online (exit {@link ExitCodes#PEER_UNREACHABLE}).
 */
@Command(name = "message", aliases = "msg", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send one message and wait until the contact's device has acknowledged it. "
                + "If they are not reachable in time the message stays queued and is delivered the next time "
                + "this profile is online ('parley chat' or 'parley receive')."},
        footer = {"", "Example: parley message --to Bob \"see you at 8\" && echo delivered",
                "         parley message --group Family --json \"dinner at 8\" | jq -r '.deliveredTo[]'"})
final class MessageCommand implements Callable<Integer> {
    static final int DEFAULT_TIMEOUT_SECONDS = 30; // in OptionHelp.properties too

    @Mixin
    SharedOptions.Context context;

    /** Exactly one of {@code --to CONTACT} and {@code --group GROUP}. */
    static final class Target {
        @Option(names = "--to", required = true, paramLabel = "CONTACT", description = "Peer id, contact name, or a unique prefix of either.")
        String contact;

        @Option(names = "--group", required = true, paramLabel = "GROUP",
                description = "Post to this group (id, name or unique prefix) instead; exits 0 once another member has stored it.")
        String group;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--all", description = "With --group: wait until every current member has stored the message.")
    boolean all;

    @Mixin
    SharedOptions.Timeout timeout;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The message; several words are joined with spaces.")
    List<String> words;

    @Override
    public Integer call() throws InterruptedException {
        int timeoutSeconds = timeout.orElse(DEFAULT_TIMEOUT_SECONDS);
        boolean json = jsonOutput.on;
        String text = String.join(" ", words);
        if (text.isBlank()) throw new CliException(ExitCodes.USAGE, "the message is empty: give some text after the options");
        if (all && target.group == null) throw new CliException(ExitCodes.USAGE, "--all only makes sense with --group");
        Profile profile = context.profile();
        if (target.group != null) return GroupSend.send(profile, context.out(), target.group, text, all, timeoutSeconds, json);
        EventRecorder events = new EventRecorder();
        PrintWriter out = context.out();
        try (Parley client = profile.open(events)) {
            Contact contact = Contacts.resolve(client, target.contact);
            Online.start(client, profile, events, e -> { });
            long t0 = System.nanoTime();
            ChatMessage sent;
            try {
                sent = client.send(contact.peerId(), text);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "cannot send: " + e.getMessage());
            }
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            boolean seenOnline = client.isOnline(contact.peerId());
            while (true) {
                EventRecorder.Event e = events.next(deadline);
                if (e == null) break;
                if (e instanceof EventRecorder.StateChange s && s.id().equals(sent.id())
                        && s.state().rank() >= MessageState.DELIVERED.rank()) {
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    if (json) {
                        out.println(Json.object().put("id", sent.id().toString()).put("to", contact.peerId().value())
                                .put("name", contact.displayName()).put("state", "delivered").put("ms", ms));
                    } else {
                        out.println("Delivered to " + contact.label() + " (" + ms + " ms).");
                    }
                    out.flush();
                    return ExitCodes.OK;
                } else if (e instanceof EventRecorder.Presence p && p.peer().equals(contact.peerId()) && p.online()) {
                    seenOnline = true;
                } else if (e instanceof EventRecorder.Security s && s.peer().equals(contact.peerId())) {
                    throw new CliException(ExitCodes.SECURITY, "security check failed for " + contact.label() + ": " + s.reason()
                            + "; nothing was delivered. Compare safety numbers with 'parley contacts verify "
                            + ContactsCommand.firstWord(contact) + "'");
                }
            }
            seenOnline |= client.isOnline(contact.peerId());
            String queued = "; the message is queued and goes out the next time this profile is online ('parley chat' or 'parley receive')";
            if (!seenOnline) {
                throw new CliException(ExitCodes.PEER_UNREACHABLE, contact.label() + " is offline (not connected to " + profile.server()
                        + " within " + timeoutSeconds + " s)" + queued);
            }
            throw new CliException(ExitCodes.PEER_UNREACHABLE, contact.label() + " is online but did not acknowledge within "
                    + timeoutSeconds + " s (no direct connection?)" + queued);
        }
    }
}
