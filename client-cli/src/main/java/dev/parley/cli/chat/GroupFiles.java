package dev.parley.cli.chat;

import dev.parley.cli.Groups;
import dev.parley.cli.LocalFiles;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMessageId;
import dev.parley.client.Parley;
import dev.parley.client.ParleySwarm;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Files shared into groups on the chat screen (docs/cli.md § Interactive chat): {@code /send} in an
 * open group shares the file into it; offers from members are numbered with the 1:1 transfers (one
 * sequence, so {@code /accept N} is never ambiguous) and taken with {@code /accept} / {@code /reject};
 * a progress line per download shows bytes, rate, ETA and how many members serve it; completions say
 * where the file landed and who it came from; for a file this member shared, each member that holds it.
 *
 * <p>Threads: commands on the input thread, {@link #on} on the swarm's event thread.
 */
final class GroupFiles {
    private final Parley client;
    private final ParleySwarm swarm;
    private final ChatScreen screen;
    private final Supplier<GroupInfo> current;
    private final IntSupplier numbers;
    private final Map<GroupMessageId, View> files = new ConcurrentHashMap<>();

    private static final class View {
        final int number;
        final GroupFileOffer offer;
        final boolean mine;
        volatile boolean awaitingAnswer;
        volatile GroupFileEvent.Progress progress;

        View(int number, GroupFileOffer offer, boolean mine, boolean awaitingAnswer) {
            this.number = number;
            this.offer = offer;
            this.mine = mine;
            this.awaitingAnswer = awaitingAnswer;
        }
    }

    GroupFiles(Parley client, ParleySwarm swarm, ChatScreen screen, Supplier<GroupInfo> current, IntSupplier numbers) {
        this.client = client;
        this.swarm = swarm;
        this.screen = screen;
        this.current = current;
        this.numbers = numbers;
    }

    /** Whether a group is open, so that {@code /send} shares into it. */
    boolean groupOpen() {
        return current.get() != null;
    }

    /** {@code /send PATH} in an open group. */
    void send(String args) {
        GroupInfo g = current.get();
        if (args.isBlank()) {
            screen.notice("usage: /send PATH (Tab completes paths)");
            return;
        }
        Path file = Transfers.readableFile(args);
        GroupFileOffer offer;
        try {
            offer = swarm.shareFileToGroup(g.id(), file);
        } catch (IOException | RuntimeException e) {
            screen.warn("cannot share " + file.getFileName() + ": " + e.getMessage());
            return;
        }
        View v = new View(numbers.getAsInt(), offer, true, false);
        files.put(offer.id(), v);
        screen.notice("#" + v.number + " sharing " + offer.name() + " (" + LocalFiles.size(offer.size()) + ") into " + g.name()
                + ": members who /accept it fetch it from everyone who has it");
    }

    /** The number of the latest group-file offer waiting for an answer, or 0. */
    int latestOffer() {
        return files.values().stream().filter(v -> v.awaitingAnswer).mapToInt(v -> v.number).max().orElse(0);
    }

    /** Whether {@code #n} is a group-file offer waiting for an answer. */
    boolean hasOffer(int n) {
        return files.values().stream().anyMatch(v -> v.awaitingAnswer && v.number == n);
    }

    /** {@code /accept} of offer {@code #n}. */
    void accept(int n) {
        View v = offer(n);
        v.awaitingAnswer = false;
        swarm.acceptGroupFile(v.offer.id());
        screen.notice("#" + v.number + " fetching " + v.offer.name() + " in pieces from every member of " + groupName(v.offer.group())
                + " that has it, into " + client.downloadDir());
        screen.refreshStatus();
    }

    /** {@code /reject} of offer {@code #n}. */
    void reject(int n) {
        View v = offer(n);
        files.remove(v.offer.id());
        swarm.declineGroupFile(v.offer.id());
        screen.notice("declined #" + v.number + " " + v.offer.name());
        screen.refreshStatus();
    }

    private View offer(int n) {
        return files.values().stream().filter(v -> v.awaitingAnswer && v.number == n).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ events (the swarm's event thread)

    void on(GroupFileEvent e) {
        View v = files.get(e.file());
        if (e instanceof GroupFileEvent.Offered o) {
            if (v != null || o.offer().from().equals(client.peerId())) return;
            View n = new View(numbers.getAsInt(), o.offer(), false, true);
            if (files.putIfAbsent(o.offer().id(), n) != null) return;
            GroupFileOffer f = o.offer();
            screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("⇣ #" + n.number + " ").style(ChatScreen.THEM)
                    .append(label(f.from())).style(AttributedStyle.BOLD).append(" shares " + f.name() + " in " + groupName(f.group()))
                    .style(AttributedStyle.DEFAULT).append(" (" + LocalFiles.size(f.size()) + ", " + f.mediaType() + ", sha256 "
                            + f.sha256Hex().substring(0, 16) + "…) — ").style(AttributedStyle.BOLD)
                    .append(latestOffer() == n.number && files.values().stream().filter(x -> x.awaitingAnswer).count() == 1
                            ? "/accept or /reject" : "/accept " + n.number + " or /reject " + n.number).toAttributedString());
        } else if (v == null) {
            return; // a file this screen did not offer or show (e.g. accepted in an earlier run): nothing to update
        } else if (e instanceof GroupFileEvent.Accepted a) {
            if (!a.automatically() || !v.awaitingAnswer) return; // our own /accept said so already
            v.awaitingAnswer = false;
            screen.notice("#" + v.number + " " + v.offer.name() + " accepted by the auto-accept rule for " + groupName(v.offer.group())
                    + ": fetching it into " + client.downloadDir());
        } else if (e instanceof GroupFileEvent.Progress p) {
            v.progress = p;
        } else if (e instanceof GroupFileEvent.Completed c) {
            files.remove(c.file());
            String from = c.sources().entrySet().stream().filter(x -> x.getValue() > 0)
                    .map(x -> label(x.getKey()) + " " + LocalFiles.size(x.getValue())).collect(Collectors.joining(", "));
            screen.print(new AttributedStringBuilder().style(ChatScreen.THEM).append("✓ #" + v.number + " received " + v.offer.name())
                    .style(AttributedStyle.DEFAULT).append(" (" + LocalFiles.size(v.offer.size()) + ", sha256 verified; from " + from + ") → " + c.path())
                    .toAttributedString());
        } else if (e instanceof GroupFileEvent.Held h && v.mine) {
            screen.notice("#" + v.number + " " + label(h.member()) + " has " + v.offer.name() + " (verified)");
        } else if (e instanceof GroupFileEvent.HolderDropped d) {
            screen.warn("#" + v.number + " " + v.offer.name() + ": " + label(d.holder()) + " sent data that failed the check (" + d.reason()
                    + "); nothing more is taken from it");
        } else if (e instanceof GroupFileEvent.Refused r) {
            screen.notice("#" + v.number + " " + label(r.holder()) + " does not serve " + v.offer.name() + " to you (" + r.reason() + ")");
        } else if (e instanceof GroupFileEvent.Failed f) {
            files.remove(f.file());
            screen.warn("#" + v.number + " " + v.offer.name() + " failed: " + f.reason() + "; nothing was kept");
        }
        screen.refreshStatus();
    }

    /** One line per group file waiting for an answer or downloading. */
    List<AttributedString> statusLines() {
        List<AttributedString> lines = new ArrayList<>();
        files.values().stream().filter(v -> !v.mine).sorted(Comparator.comparingInt(v -> v.number)).forEach(v -> {
            StringBuilder b = new StringBuilder(" ⇣ #").append(v.number).append(' ').append(v.offer.name()).append("  ");
            GroupFileEvent.Progress p = v.progress;
            if (v.awaitingAnswer) {
                b.append(LocalFiles.size(v.offer.size())).append("  shared in ").append(groupName(v.offer.group())).append(": /accept or /reject");
            } else if (p != null) {
                int pct = p.size() == 0 ? 100 : (int) (p.bytes() * 100 / p.size());
                b.append(pct).append("%  ").append(LocalFiles.size(p.bytes())).append(" of ").append(LocalFiles.size(p.size())).append("  ")
                        .append(LocalFiles.rate(p.bytesPerSecond())).append(p.eta() == null ? "" : "  ETA " + LocalFiles.clock(p.eta()))
                        .append("  from ").append(p.holdersServing()).append(p.holdersServing() == 1 ? " member" : " members");
            } else {
                b.append(LocalFiles.size(v.offer.size())).append("  starting…");
            }
            lines.add(new AttributedString(b.append(' ').toString(), AttributedStyle.INVERSE));
        });
        return lines;
    }

    private String label(PeerId p) {
        return Groups.label(client, p);
    }

    private String groupName(GroupId g) {
        return client.group(g).map(GroupInfo::name).orElse(g.value().substring(0, 8));
    }
}
