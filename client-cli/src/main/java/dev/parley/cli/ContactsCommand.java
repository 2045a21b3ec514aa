package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.Parley;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code parley contacts add|list|verify|remove}: the address book of this profile. */
@Command(name = "contacts", mixinStandardHelpOptions = true,
        description = "Manage your contacts: add them from their contact string, list, verify safety numbers, remove.",
        subcommands = {ContactsCommand.Add.class, ContactsCommand.ListContacts.class, ContactsCommand.Verify.class,
                ContactsCommand.Remove.class})
final class ContactsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String verifiedText(Contact c) {
        if (c.keyChanged()) return "KEY CHANGED";
        if (c.verified()) return "verified";
        return c.pinnedKey() == null ? "no key yet" : "not verified";
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a contact from the string they got from 'parley id' (parley:<key>[?name=...]) or a bare peer id. "
                    + "Adding someone again just renames them."},
            footer = {"", "Example: parley contacts add 'parley:Xy3...' --name Bob"})
    static final class Add implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "CONTACT", description = "Their contact string (quote it in the shell) or peer id.")
        String contact;

        @Option(names = "--name", paramLabel = "NAME", description = "What you call them (default: the name in the contact string).")
        String name;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                Contact c;
                try {
                    c = client.addContact(contact, name);
                } catch (IllegalArgumentException e) {
                    String why = e.getMessage() == null ? "malformed" : e.getMessage();
                    if (why.contains("own identity")) {
                        throw new CliException(ExitCodes.CONTACT, "that contact string is your own identity: add the other person's "
                                + "(they get it from 'parley id')");
                    }
                    throw new CliException(ExitCodes.CONTACT, "bad contact string: " + why
                            + "; ask for it again and quote it in the shell: parley contacts add 'parley:...' --name NAME");
                }
                if (jsonOutput.on) {
                    out.println(contactJson(c));
                } else {
                    out.println("Added " + c.label() + " (peer id " + c.peerId() + ").");
                    if (c.pinnedKey() != null) {
                        out.println("Their key is pinned. Compare safety numbers with: parley contacts verify " + firstWord(c));
                    } else {
                        out.println("Their key will be pinned when you first connect; then compare safety numbers with "
                                + "'parley contacts verify " + firstWord(c) + "'.");
                    }
                    long sameName = c.displayName() == null ? 0 : client.contacts().stream()
                            .filter(o -> c.displayName().equalsIgnoreCase(o.displayName())).count();
                    if (sameName > 1) {
                        out.println("Note: " + sameName + " contacts are called '" + c.displayName() + "'; refer to this one by peer id.");
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List your contacts.")
    static final class ListContacts implements Callable<Integer> {
        private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneId.systemDefault());

        @Mixin
        SharedOptions.Context context;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                List<Contact> all = client.contacts();
                if (jsonOutput.on) {
                    List<Json> items = new ArrayList<>();
                    for (Contact c : all) items.add(contactJson(c).put("unread", client.unreadCount(c.peerId())));
                    out.println(Json.array(items));
                } else if (all.isEmpty()) {
                    out.println("No contacts yet. Add one with: parley contacts add 'parley:...' --name NAME");
                    out.println("(your own contact string is shown by 'parley id')");
                } else {
                    int w = Math.max(4, all.stream().mapToInt(c -> c.label().length()).max().orElse(4));
                    out.printf("%-" + w + "s  %-32s  %-12s  %-10s  %s%n", "NAME", "PEER ID", "STATUS", "ADDED", "UNREAD");
                    for (Contact c : all) {
                        out.printf("%-" + w + "s  %-32s  %-12s  %-10s  %d%n", c.label(), c.peerId(), verifiedText(c),
                                DATE.format(c.addedAt()), client.unreadCount(c.peerId()));
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Show the 60-digit safety number you share with a contact, and mark them verified once you have "
                    + "compared it with them in person or over a call you trust (they run the same command and see the same number)."},
            footer = {"", "Examples: parley contacts verify Bob                   (shows the number; asks if run in a terminal)",
                    "          parley contacts verify Bob --confirm '12345 67890 ...'"})
    static final class Verify implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "CONTACT", description = "Name, peer id or a unique prefix of either.")
        String who;

        @Option(names = "--confirm", paramLabel = "NUMBER",
                description = "The number you compared; marks the contact verified if it is the right one (spaces allowed).")
        String confirm;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                Contact found = Contacts.resolve(client, who);
                Contact c = found;
                if (c.keyChanged()) {
                    throw new CliException(ExitCodes.SECURITY, "the identity key of " + c.label() + " changed since you added them, "
                            + "so Parley blocks them: ask " + c.label() + " through another channel whether they reset their identity; "
                            + "if so, remove and add them again with their new contact string");
                }
                String number = client.safetyNumber(c.peerId()).orElseThrow(() -> new CliException(ExitCodes.SECURITY,
                        "no key known for " + found.label() + " yet (added by peer id only): it is pinned when you first connect, "
                                + "e.g. after a message; or add their full contact string"));
                if (confirm != null) {
                    try {
                        c = client.markVerified(c.peerId(), confirm);
                    } catch (IllegalStateException | IllegalArgumentException e) {
                        throw new CliException(ExitCodes.SECURITY, "that is not your safety number with " + c.label()
                                + ": do not trust this contact until you have found out why; compare again with "
                                + "'parley contacts verify " + firstWord(c) + "'");
                    }
                }
                if (jsonOutput.on) {
                    out.println(contactJson(c).put("safetyNumber", number));
                    out.flush();
                    return ExitCodes.OK;
                }
                out.println("Safety number with " + c.label() + " (" + c.peerId().shortForm() + "…):");
                out.println();
                for (String line : grouped(number)) out.println("    " + line);
                out.println();
                if (c.verified()) {
                    out.println(c.label() + " is verified" + (confirm != null ? " now." : "."));
                    out.flush();
                    return ExitCodes.OK;
                }
                out.println("Compare it with " + c.label() + " in person or over a call you trust; they run 'parley contacts verify' "
                        + "with your name and must see the same digits.");
                Console console = System.console();
                if (console == null) {
                    out.println("When they match, run: parley contacts verify " + firstWord(c) + " --confirm " + number);
                    out.flush();
                    return ExitCodes.OK;
                }
                out.flush();
                String answer = console.readLine("Do the numbers match? Mark %s verified [y/N]: ", c.label());
                if (answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    client.markVerified(c.peerId(), number);
                    out.println(c.label() + " is verified now.");
                } else {
                    out.println("Not marked verified.");
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Remove a contact together with your conversation history with them.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "CONTACT", description = "Name, peer id or a unique prefix of either.")
        String who;

        @Option(names = {"-y", "--yes"}, description = "Do not ask (needed when not run in a terminal).")
        boolean yes;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                Contact c = Contacts.resolve(client, who);
                if (!yes) {
                    Console console = System.console();
                    if (console == null) {
                        throw new CliException(ExitCodes.USAGE, "removing " + c.label() + " deletes your history with them; "
                                + "add --yes to confirm when not in a terminal");
                    }
                    String answer = console.readLine("Remove %s (%s…) and your history with them? [y/N]: ", c.label(), c.peerId().shortForm());
                    if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                        out.println("Kept " + c.label() + ".");
                        out.flush();
                        return ExitCodes.OK;
                    }
                }
                client.removeContact(c.peerId());
                out.println("Removed " + c.label() + " and your history with them.");
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    static Json contactJson(Contact c) {
        return Json.object().put("peerId", c.peerId().value()).put("name", c.displayName()).put("keyPinned", c.pinnedKey() != null)
                .put("verified", c.verified()).put("keyChanged", c.keyChanged());
    }

    static List<String> grouped(String digits) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 5) {
            if (i > 0 && i % 20 == 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(digits, i, Math.min(digits.length(), i + 5));
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }

    /** How to refer to a contact on a command line: the name if it is one word, else the peer id. */
    static String firstWord(Contact c) {
        return c.displayName() != null && c.displayName().matches("[A-Za-z0-9._-]+") ? c.displayName() : c.peerId().value();
    }
}
