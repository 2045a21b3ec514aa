package dev.parley.cli;

import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.GroupPost;
import dev.parley.client.Parley;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley receive}: stays online and reports what arrives, one line per event (with
 * {@code --json}, one JSON object per line). Exits 0 at {@code --timeout}, or on Ctrl-C.
 */
@Command(name = "receive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stay online and print what arrives: messages (1:1 and group), group invitations and membership changes, and files. Messages queued for you "
                + "arrive as soon as their senders see you online. File offers are accepted with --auto-accept (up to --max-size) "
                + "and saved in --dir once their SHA-256 is verified; without --auto-accept they are declined and reported. "
                + "With --json every event is one JSON object on its own line; lines not starting with '{' are not events."},
        footer = {"", "Example: parley receive --json --timeout 60 | jq -r 'select(.event==\"message\") | .text'",
                "         parley receive --auto-accept --dir ~/inbox --json | jq -r 'select(.event==\"file\") | .path'"})
final class ReceiveCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    @Mixin
    SharedOptions.Context context;

    @Option(names = "--auto-accept", description = "Accept every file offer (up to --max-size). Without it offers are declined and reported.")
    boolean autoAccept;

    @Option(names = "--max-size", paramLabel = "SIZE", description = "With --auto-accept, decline files larger than this (e.g. 500k, 20M, 2G).")
    String maxSize;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where accepted files go (created if missing; default: <profile>/downloads).")
    Path dir;

    @Mixin
    SharedOptions.Timeout timeout;

    @Option(names = "--count", paramLabel = "N", description = "Exit 0 after N messages (1:1 and group) and files (together) have arrived.")
    Integer count;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    private boolean json;
    private PrintWriter out;
    private PrintWriter err;
    private Parley client;
    private int received;
    private long maxBytes = Long.MAX_VALUE;
    private final java.util.Map<TransferId, TransferOffer> offers = new java.util.HashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        Integer timeoutSeconds = timeout.seconds();
        json = jsonOutput.on;
        if (count != null && count <= 0) throw new CliException(ExitCodes.USAGE, "--count must be a positive number of messages");
        if (maxSize != null) {
            if (!autoAccept) throw new CliException(ExitCodes.USAGE, "--max-size only makes sense with --auto-accept");
            try {
                maxBytes = LocalFiles.parseSize(maxSize);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--max-size: " + e.getMessage());
            }
        }
        Profile profile = context.profile();
        Path downloads = dir == null ? null : LocalFiles.requireWritableDir(dir, "--dir");
        out = context.out();
        err = context.err();
        EventRecorder events = new EventRecorder();
        if (downloads != null && profile.daemon().isPresent()) {
            throw new CliException(ExitCodes.USAGE, "--dir cannot apply while 'parley daemon' (pid " + profile.daemon().get().pid()
                    + ") serves this profile: files go to the daemon's download folder; leave out --dir, or stop the daemon");
        }
        client = profile.open(events, b -> {
            if (downloads != null) b.downloadDir(downloads);
        });
        events.listenToGroupFiles(client);
        Thread hook = new Thread(client::close, "parley-receive-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long start = System.nanoTime();
            long deadline = timeoutSeconds == null ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            Online.start(client, profile, events, this::show);
            if (json) {
                out.println(Json.object().put("event", "online").put("peerId", client.peerId().value()).put("server", profile.server().toString()));
            } else {
                err.println("Listening as " + client.peerId().shortForm() + "… on " + profile.server()
                        + (timeoutSeconds == null ? " until Ctrl-C" : " for " + timeoutSeconds + " s") + ".");
                err.flush();
            }
            out.flush();
            while (count == null || received < count) {
                long wait = deadline == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.HOURS.toNanos(1) : deadline;
                EventRecorder.Event e = events.next(wait);
                if (e == null) {
                    if (System.nanoTime() - deadline >= 0) return ExitCodes.OK;
                    continue;
                }
                if (e instanceof EventRecorder.Closed) return ExitCodes.OK;
                show(e);
            }
            return ExitCodes.OK;
        } finally {
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: nothing to undo
            }
        }
    }

    private void show(EventRecorder.Event e) {
        if (e instanceof EventRecorder.Message m && m.message().direction() == Direction.INCOMING) {
            ChatMessage msg = m.message();
            received++;
            String name = name(msg.peer());
            if (json) {
                out.println(Json.object().put("event", "message").put("id", msg.id().toString()).put("from", msg.peer().value())
                        .put("name", name).put("text", msg.text()).put("sentAt", msg.sentAt().toString())
                        .put("receivedAt", msg.storedAt().toString()));
            } else {
                out.println(TIME.format(msg.storedAt()) + " " + (name != null ? name : msg.peer().shortForm()) + ": " + msg.text());
            }
        } else if (e instanceof EventRecorder.GroupMessage m && m.post().direction() == Direction.INCOMING) {
            GroupPost p = m.post();
            received++;
            String name = name(p.author()), groupName = groupName(p.group());
            if (json) {
                out.println(Json.object().put("event", "message").put("id", p.id().value()).put("group", p.group().value())
                        .put("groupName", groupName).put("from", p.author().value()).put("name", name).put("text", p.text())
                        .put("sentAt", p.sentAt().toString()).put("receivedAt", java.time.Instant.now().toString()));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " [" + groupName + "] " + (name != null ? name : p.author().shortForm()) + ": " + p.text());
            }
        } else if (e instanceof EventRecorder.GroupInvited i) {
            if (json) {
                out.println(Json.object().put("event", "group-invite").put("group", i.group().value()).put("groupName", i.name())
                        .put("from", i.from() == null ? null : i.from().value()).put("name", i.from() == null ? null : name(i.from())));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " " + (i.from() == null ? "someone" : label(i.from())) + " invites you to group "
                        + i.name() + ": 'parley group accept " + GroupCommand.quoteIfNeeded(i.name()) + "' or 'parley group decline …'");
            }
        } else if (e instanceof EventRecorder.GroupMemberChanged c) {
            String action = c.change().name().toLowerCase(Locale.ROOT);
            if (json) {
                out.println(Json.object().put("event", "group-member").put("group", c.group().value()).put("groupName", groupName(c.group()))
                        .put("peer", c.member().value()).put("name", name(c.member())).put("action", action));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " [" + groupName(c.group()) + "] " + Groups.label(client, c.member()) + " " + action);
            }
        } else if (e instanceof EventRecorder.GroupFile g) {
            groupFile(g.event());
        } else if (e instanceof EventRecorder.FileOffered o) {
            offer(o.offer());
        } else if (e instanceof EventRecorder.FileCompleted c && c.direction() == Direction.INCOMING) {
            TransferOffer o = offers.remove(c.id());
            received++;
            PeerId from = o == null ? peerOf(c.id()) : o.peer();
            long size = sizeOf(c.file());
            if (json) {
                out.println(Json.object().put("event", "file").put("id", c.id().toString()).put("from", from == null ? null : from.value())
                        .put("name", from == null ? null : name(from)).put("path", c.file().toAbsolutePath().toString())
                        .put("sha256", c.sha256()).put("size", size));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " " + (from == null ? "?" : label(from)) + " sent " + c.file().getFileName()
                        + " (" + LocalFiles.size(size) + ", sha256 verified): " + c.file().toAbsolutePath());
            }
        } else if (e instanceof EventRecorder.FileFailed f && f.direction() == Direction.INCOMING) {
            fileFailed(f.id(), f.reason());
        } else if (e instanceof EventRecorder.FileCancelled c && c.direction() == Direction.INCOMING) {
            fileFailed(c.id(), c.byPeer() ? "cancelled by the sender" : c.reason());
        } else if (e instanceof EventRecorder.Presence p) {
            if (json) out.println(Json.object().put("event", "presence").put("peer", p.peer().value()).put("name", name(p.peer())).put("online", p.online()));
        } else if (e instanceof EventRecorder.ServerState s) {
            if (json) out.println(Json.object().put("event", "server").put("online", s.online()).put("detail", s.detail()));
            else err.println("[server] " + (s.online() ? "back online" : s.detail()));
        } else if (e instanceof EventRecorder.Security s) {
            if (json) out.println(Json.object().put("event", "security").put("peer", s.peer().value()).put("name", name(s.peer())).put("reason", s.reason()));
            else err.println("SECURITY WARNING about " + label(s.peer()) + ": " + s.reason());
        }
        out.flush();
        err.flush();
    }

    /** Accepts (with --auto-accept, within --max-size) or declines an offer, and reports which. */
    private void offer(TransferOffer o) {
        String declined = !autoAccept ? "not accepting files: run with --auto-accept to receive them"
                : o.size() > maxBytes ? "larger than --max-size " + maxSize : null;
        if (declined == null) {
            offers.put(o.id(), o);
            client.acceptFile(o.id());
        } else {
            client.declineFile(o.id());
        }
        if (json) {
            out.println(Json.object().put("event", "offer").put("id", o.id().toString()).put("from", o.peer().value())
                    .put("name", name(o.peer())).put("file", o.name()).put("size", o.size()).put("mediaType", o.mediaType())
                    .put("sha256", o.sha256Hex()).put("action", declined == null ? "accepted" : "declined").put("reason", declined));
        } else {
            out.println(TIME.format(java.time.Instant.now()) + " " + label(o.peer()) + " offers " + o.name() + " (" + LocalFiles.size(o.size())
                    + ", " + o.mediaType() + "): " + (declined == null ? "accepted, receiving…" : "declined, " + declined));
        }
    }

    /** Group files: offers accepted like 1:1 ones (--auto-accept, --max-size); completions with their sources. */
    private void groupFile(dev.parley.client.GroupFileEvent ev) {
        dev.parley.client.ParleySwarm swarm = client;
        if (ev instanceof dev.parley.client.GroupFileEvent.Offered of) {
            dev.parley.client.GroupFileOffer o = of.offer();
            String declined = !autoAccept ? "not accepting files: run with --auto-accept to receive them"
                    : o.size() > maxBytes ? "larger than --max-size " + maxSize : null;
            String reason = declined;
            if (declined == null) {
                swarm.acceptGroupFile(o.id()); // no-op if the profile's own rule took it already
            } else {
                try {
                    swarm.declineGroupFile(o.id());
                } catch (IllegalStateException taken) {
                    // "the file is accepted" (or already "completed"): the profile's auto-accept rule for the group (set by an
                    // app, e.g. through the daemon) took it before this offer reached us. Say so rather than "declined".
                    String m = String.valueOf(taken.getMessage());
                    if (!m.endsWith("accepted") && !m.endsWith("completed")) throw taken;
                    declined = null;
                    reason = "accepted by the profile's auto-accept rule for the group";
                }
            }
            if (json) {
                out.println(Json.object().put("event", "offer").put("id", o.id().value()).put("group", o.group().value())
                        .put("groupName", groupName(o.group())).put("from", o.from().value()).put("name", name(o.from()))
                        .put("file", o.name()).put("size", o.size()).put("mediaType", o.mediaType()).put("sha256", o.sha256Hex())
                        .put("action", declined == null ? "accepted" : "declined").put("reason", reason));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " [" + groupName(o.group()) + "] " + label(o.from()) + " shares " + o.name()
                        + " (" + LocalFiles.size(o.size()) + "): " + (declined == null ? "accepted" + (reason == null ? "" : " (" + reason + ")")
                        + ", receiving from every member that has it…" : "declined, " + declined));
            }
        } else if (ev instanceof dev.parley.client.GroupFileEvent.Completed c) {
            received++;
            if (json) {
                Json sources = Json.object();
                c.sources().forEach((p, bytes) -> sources.put(p.value(), bytes));
                out.println(Json.object().put("event", "file").put("id", c.file().value()).put("group", c.group().value())
                        .put("groupName", groupName(c.group())).put("path", c.path().toAbsolutePath().toString())
                        .put("sha256", c.sha256Hex()).put("size", sizeOf(c.path())).put("sources", sources));
            } else {
                out.println(TIME.format(java.time.Instant.now()) + " [" + groupName(c.group()) + "] received " + c.path().getFileName() + " ("
                        + LocalFiles.size(sizeOf(c.path())) + ", verified) from " + c.sources().size() + " member(s): " + c.path().toAbsolutePath());
            }
        } else if (ev instanceof dev.parley.client.GroupFileEvent.HolderDropped d) {
            if (json) {
                out.println(Json.object().put("event", "file-holder-dropped").put("id", d.file().value()).put("group", d.group().value())
                        .put("peer", d.holder().value()).put("reason", d.reason()));
            } else {
                err.println("[" + groupName(d.group()) + "] " + label(d.holder()) + " sent corrupt data (" + d.reason() + "): no longer used for this file");
            }
        } else if (ev instanceof dev.parley.client.GroupFileEvent.Failed f) {
            if (json) {
                out.println(Json.object().put("event", "file-failed").put("id", f.file().value()).put("group", f.group().value()).put("reason", f.reason()));
            } else {
                err.println("[" + groupName(f.group()) + "] group file " + f.file().shortForm() + " not received: " + f.reason());
            }
        }
    }

    private void fileFailed(TransferId id, String reason) {
        TransferOffer o = offers.remove(id);
        if (json) {
            out.println(Json.object().put("event", "file-failed").put("id", id.toString()).put("from", o == null ? null : o.peer().value())
                    .put("name", o == null ? null : name(o.peer())).put("file", o == null ? null : o.name()).put("reason", reason));
        } else {
            err.println("file " + (o == null ? id.toString() : o.name() + " from " + label(o.peer())) + " not received: " + reason);
        }
    }

    /** The sender of a transfer accepted before this run (it resumed without a new offer). */
    private PeerId peerOf(TransferId id) {
        for (Contact c : client.contacts()) {
            if (client.transfers(c.peerId()).stream().anyMatch(t -> t.id().equals(id))) return c.peerId();
        }
        return null;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private String groupName(dev.parley.client.GroupId group) {
        return client.group(group).map(dev.parley.client.GroupInfo::name).orElse(group.shortForm());
    }

    private String name(PeerId peer) {
        return client.contact(peer).map(Contact::displayName).orElse(null);
    }

    private String label(PeerId peer) {
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm());
    }
}
