package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.Parley;
import dev.parley.client.TransferId;
import dev.parley.client.TransferProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley send-file --to X PATH}: offers one file and exits 0 once the receiver's device has
 * stored the whole file and verified its SHA-256. Exit 9 if the contact declines or cancels, 8 for a
 * file that cannot be sent, 6 if nothing moves for {@code --timeout} seconds (the offer is withdrawn).
 */
@Command(name = "send-file", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Offer one file to a contact and wait until their device has received all of it and checked its SHA-256. "
                + "They accept it in 'parley chat' (/accept) or with 'parley receive --auto-accept'. "
                + "If the offer is not answered, or the transfer stalls, for --timeout seconds, it is withdrawn (exit 6)."},
        footer = {"", "Example: parley send-file --to Bob report.pdf && echo 'Bob has it'"})
final class SendFileCommand implements java.util.concurrent.Callable<Integer> {
    static final int DEFAULT_TIMEOUT_SECONDS = 60; // in OptionHelp.properties too

    @Mixin
    SharedOptions.Context context;

    @picocli.CommandLine.Option(names = "--to", paramLabel = "CONTACT", description = "Peer id, contact name, or a unique prefix of either.")
    String toContact;

    @picocli.CommandLine.Option(names = "--group", paramLabel = "GROUP",
            description = "Share into a group instead: every member that has pieces serves them; exits 0 once another member holds it all, verified.")
    String group;

    @picocli.CommandLine.Option(names = "--all", description = "With --group: wait until every current member holds it.")
    boolean all;

    @Mixin
    SharedOptions.Timeout timeout;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Parameters(index = "0", paramLabel = "PATH", description = "The file to send.")
    Path file;

    @Override
    public Integer call() throws InterruptedException {
        int timeoutSeconds = timeout.orElse(DEFAULT_TIMEOUT_SECONDS);
        boolean json = jsonOutput.on;
        if ((toContact == null) == (group == null)) throw new CliException(ExitCodes.USAGE, "say either --to CONTACT or --group GROUP");
        if (all && group == null) throw new CliException(ExitCodes.USAGE, "--all only makes sense with --group");
        LocalFiles.requireReadableFile(file, "file");
        if (group != null) return GroupSendFile.run(context, group, all, file.toAbsolutePath().normalize(), timeoutSeconds, json);
        Path source = file.toAbsolutePath().normalize();
        Profile profile = context.profile();
        EventRecorder events = new EventRecorder();
        PrintWriter out = context.out();
        PrintWriter err = context.err();
        boolean tty = System.console() != null && !json;
        try (Parley client = profile.open(events)) {
            Contact contact = Contacts.resolve(client, toContact);
            Online.start(client, profile, events, e -> { });
            long t0 = System.nanoTime();
            TransferId id;
            try {
                id = client.sendFile(contact.peerId(), source).get();
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.FILE, "cannot send " + source + ": " + e.getMessage());
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                throw new CliException(ExitCodes.FILE, "cannot read " + source + ": " + c.getMessage() + "; check the file", c);
            }
            long size = sizeOf(source);
            String label = contact.label();
            String name = source.getFileName().toString();
            boolean seenOnline = client.isOnline(contact.peerId());
            boolean started = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            if (tty) err.println("Offering " + name + " (" + LocalFiles.size(size) + ") to " + label + "…");
            err.flush();
            try {
                while (true) {
                    EventRecorder.Event e = events.next(deadline);
                    if (e == null) break;
                    if (e instanceof EventRecorder.FileProgress p && p.progress().id().equals(id)) {
                        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                        if (tty) {
                            err.print("\r" + progressLine(name, p.progress()) + "   ");
                            err.flush();
                        }
                    } else if (e instanceof EventRecorder.FileStarted s && s.id().equals(id)) {
                        started = true;
                        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                    } else if (e instanceof EventRecorder.FileCompleted c && c.id().equals(id)) {
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (tty) err.println();
                        if (json) {
                            out.println(Json.object().put("id", id.toString()).put("to", contact.peerId().value())
                                    .put("name", contact.displayName()).put("file", source.toString()).put("size", size)
                                    .put("sha256", c.sha256()).put("state", "delivered").put("ms", ms));
                        } else {
                            out.println("Delivered " + name + " (" + LocalFiles.size(size) + ") to " + label + " in " + ms
                                    + " ms; their device verified sha256 " + c.sha256() + ".");
                        }
                        out.flush();
                        id = null;
                        return ExitCodes.OK;
                    } else if (e instanceof EventRecorder.FileDeclined d && d.id().equals(id)) {
                        id = null;
                        throw new CliException(ExitCodes.REJECTED, label + " declined " + name + declineReason(d.reason()));
                    } else if (e instanceof EventRecorder.FileCancelled c && c.id().equals(id)) {
                        id = null;
                        throw new CliException(ExitCodes.REJECTED, (c.byPeer() ? label + " cancelled the transfer of " : "the transfer was cancelled: ")
                                + name + (c.reason() == null || "cancelled".equals(c.reason()) ? "" : " (" + c.reason() + ")"));
                    } else if (e instanceof EventRecorder.FileFailed f && f.id().equals(id)) {
                        id = null;
                        throw new CliException(ExitCodes.FILE, "the transfer of " + name + " to " + label + " failed: " + f.reason()
                                + "; nothing was kept at their end, try again");
                    } else if (e instanceof EventRecorder.Presence p && p.peer().equals(contact.peerId()) && p.online()) {
                        seenOnline = true;
                    } else if (e instanceof EventRecorder.Security s && s.peer().equals(contact.peerId())) {
                        throw new CliException(ExitCodes.SECURITY, "security check failed for " + label + ": " + s.reason()
                                + "; nothing was sent. Compare safety numbers with 'parley contacts verify " + ContactsCommand.firstWord(contact) + "'");
                    }
                }
                if (tty) err.println();
                seenOnline |= client.isOnline(contact.peerId());
                if (!seenOnline) {
                    throw new CliException(ExitCodes.PEER_UNREACHABLE, label + " is offline (not connected to " + profile.server() + " within "
                            + timeoutSeconds + " s); the offer was withdrawn: send it again when they are online");
                }
                if (!started) {
                    throw new CliException(ExitCodes.PEER_UNREACHABLE, label + " did not accept " + name + " within " + timeoutSeconds
                            + " s; the offer was withdrawn. They accept with /accept in 'parley chat' or run 'parley receive --auto-accept'");
                }
                throw new CliException(ExitCodes.PEER_UNREACHABLE, "the transfer of " + name + " to " + label + " stalled for " + timeoutSeconds
                        + " s and was cancelled: check the connection and send it again (a larger --timeout waits longer)");
            } finally {
                if (id != null) client.cancelFile(id); // withdrawn: the contact is told, nothing lingers in the queue
            }
        }
    }

    private static String declineReason(String reason) {
        if (reason == null || reason.equals("declined")) return ": nothing was sent";
        if (reason.equals("no-space")) return ": not enough disk space at their end";
        if (reason.equals("too-large")) return ": it is larger than they accept";
        return " (" + reason + ")";
    }

    static String progressLine(String name, TransferProgress p) {
        int pct = p.size() == 0 ? 100 : (int) (p.bytes() * 100 / p.size());
        return name + "  " + pct + "%  " + LocalFiles.size(p.bytes()) + " of " + LocalFiles.size(p.size()) + "  "
                + LocalFiles.rate(p.bytesPerSecond()) + (p.eta() == null ? "" : "  ETA " + LocalFiles.clock(p.eta()));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
