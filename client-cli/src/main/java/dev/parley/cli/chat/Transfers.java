package dev.parley.cli.chat;

import dev.parley.cli.LocalFiles;
import dev.parley.client.Direction;
import dev.parley.client.Parley;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The file transfers of the chat screen: numbered #1, #2… for {@code /accept N}, {@code /reject N},
 * {@code /cancel N} (removed when they end), one progress line each in the status area, and the
 * commands {@code /send /accept /reject /cancel}.
 *
 * <p>Threads: commands on the input thread, the {@code on…} methods on the client's event thread, the
 * end of {@code /send} on whichever thread completes it; {@link #files} is concurrent and a
 * {@link FileView}'s changing fields are volatile.
 */
final class Transfers {
    private final Parley client;
    private final ChatScreen screen;
    private final Supplier<PeerId> current;
    private final Map<TransferId, FileView> files = new ConcurrentHashMap<>();
    private final AtomicInteger fileNumbers = new AtomicInteger();

    Transfers(Parley client, ChatScreen screen, Supplier<PeerId> current) {
        this.client = client;
        this.screen = screen;
        this.current = current;
    }

    /** A transfer as the screen shows it. */
    private static final class FileView {
        final int number;
        final TransferId id;
        final Direction direction;
        final PeerId peer;
        final String name;
        final long size;
        volatile boolean awaitingAnswer; // incoming: offered to us; outgoing: waiting for them to accept
        volatile TransferProgress progress;

        FileView(int number, TransferId id, Direction direction, PeerId peer, String name, long size, boolean awaitingAnswer) {
            this.number = number;
            this.id = id;
            this.direction = direction;
            this.peer = peer;
            this.name = name;
            this.size = size;
            this.awaitingAnswer = awaitingAnswer;
        }

        boolean offeredToUs() {
            return direction == Direction.INCOMING && awaitingAnswer;
        }
    }

    // ------------------------------------------------------------------ commands (input thread)

    void send(String args) {
        PeerId to = current.get();
        if (to == null) {
            screen.notice("no conversation open: /open CONTACT first, then /send PATH");
            return;
        }
        if (args.isBlank()) {
            screen.notice("usage: /send PATH (Tab completes paths)");
            return;
        }
        Path file = readableFile(args);
        long size = sizeOf(file);
        String name = file.getFileName().toString();
        client.sendFile(to, file).whenComplete((id, ex) -> {
            if (ex != null) {
                Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                screen.warn("cannot send " + name + ": " + c.getMessage());
                return;
            }
            FileView v = new FileView(fileNumbers.incrementAndGet(), id, Direction.OUTGOING, to, name, size, true);
            files.putIfAbsent(id, v);
            screen.notice("#" + v.number + " offering " + name + " (" + LocalFiles.size(size) + ") to " + label(to)
                    + " — waiting for them to accept (/cancel" + (v.number > 1 ? " " + v.number : "") + " withdraws it)");
            screen.refreshStatus();
        });
    }

    /** The file a {@code /send} argument names: unquoted, {@code ~} expanded, absolute; refused if not a readable file. */
    static Path readableFile(String args) {
        String p = Names.unquote(args);
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        Path file = Path.of(p).toAbsolutePath().normalize();
        LocalFiles.requireReadableFile(file, "file");
        return file;
    }

    /** {@code /accept [N]}: the latest offer, or offer #N. */
    void accept(String args) {
        FileView v = pickOffer(args, "accept");
        if (v == null) return;
        v.awaitingAnswer = false;
        client.acceptFile(v.id);
        screen.notice("#" + v.number + " receiving " + v.name + " from " + label(v.peer) + " into " + client.downloadDir());
        screen.refreshStatus();
    }

    /** {@code /reject [N]}: declines the latest offer, or offer #N. */
    void reject(String args) {
        FileView v = pickOffer(args, "reject");
        if (v == null) return;
        client.declineFile(v.id);
    }

    /** The next number of the one sequence 1:1 transfers and group files share on this screen. */
    int nextNumber() {
        return fileNumbers.incrementAndGet();
    }

    /** The number of the latest 1:1 offer to us that waits for an answer, or 0. */
    int latestOffer() {
        return files.values().stream().filter(FileView::offeredToUs).mapToInt(f -> f.number).max().orElse(0);
    }

    /** Whether an offer to us waits for {@code /accept} or {@code /reject}. */
    boolean offerWaiting() {
        return files.values().stream().anyMatch(FileView::offeredToUs);
    }

    /** {@code /cancel [N]}: stops a transfer in either direction (the latest, or #N). */
    void cancel(String args) {
        List<FileView> candidates = files.values().stream()
                .filter(f -> !f.offeredToUs()).sorted(Comparator.comparingInt(f -> f.number)).toList();
        FileView v = pick(candidates, args, "cancel", "no transfer to cancel (an offer to you is refused with /reject)");
        if (v != null) client.cancelFile(v.id);
    }

    private FileView pickOffer(String args, String verb) {
        List<FileView> offers = files.values().stream().filter(FileView::offeredToUs)
                .sorted(Comparator.comparingInt(f -> f.number)).toList();
        return pick(offers, args, verb, "no file offer is waiting");
    }

    private FileView pick(List<FileView> candidates, String args, String verb, String none) {
        if (candidates.isEmpty()) {
            screen.notice(none);
            return null;
        }
        if (args.isBlank()) return candidates.get(candidates.size() - 1);
        try {
            int n = Integer.parseInt(args.strip().replaceFirst("^#", ""));
            for (FileView f : candidates) if (f.number == n) return f;
        } catch (NumberFormatException ignored) {
            // fall through to the list
        }
        screen.notice("usage: /" + verb + " [N] with N one of " + candidates.stream().map(f -> "#" + f.number + " " + f.name)
                .collect(Collectors.joining(", ")));
        return null;
    }

    // ------------------------------------------------------------------ events (client event thread)

    void onFileOffered(TransferOffer o) {
        FileView v = new FileView(fileNumbers.incrementAndGet(), o.id(), Direction.INCOMING, o.peer(), o.name(), o.size(), true);
        if (files.putIfAbsent(o.id(), v) != null) return;
        long waiting = files.values().stream().filter(FileView::offeredToUs).count();
        String sha = o.sha256Hex().substring(0, 16) + "…";
        screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("⇣ #" + v.number + " ").style(ChatScreen.THEM)
                .append(label(o.peer())).style(AttributedStyle.BOLD).append(" offers " + o.name()).style(AttributedStyle.DEFAULT)
                .append(" (" + LocalFiles.size(o.size()) + ", " + o.mediaType() + ", sha256 " + sha + ") — ")
                .style(AttributedStyle.BOLD).append(waiting > 1 ? "/accept " + v.number + " or /reject " + v.number : "/accept or /reject")
                .toAttributedString());
        screen.refreshStatus();
    }

    void onFileStarted(TransferId id) {
        FileView v = files.get(id);
        if (v != null) v.awaitingAnswer = false;
        screen.refreshStatus();
    }

    void onFileProgress(TransferProgress p) {
        FileView v = files.get(p.id());
        if (v != null) {
            v.awaitingAnswer = false;
            v.progress = p;
        }
        screen.refreshStatus();
    }

    void onFileCompleted(TransferId id, Direction direction, Path file) {
        FileView v = files.remove(id);
        String n = v == null ? "" : "#" + v.number + " ";
        String name = v == null ? file.getFileName().toString() : v.name;
        long size = v == null ? sizeOf(file) : v.size;
        if (direction == Direction.INCOMING) {
            screen.print(new AttributedStringBuilder().style(ChatScreen.THEM).append("✓ " + n + "received " + name).style(AttributedStyle.DEFAULT)
                    .append(v == null ? "" : " from " + label(v.peer)).append(" (" + LocalFiles.size(size) + ", sha256 verified) → " + file)
                    .toAttributedString());
        } else {
            screen.print(new AttributedStringBuilder().style(ChatScreen.THEM).append("✓ " + n + (v == null ? "" : label(v.peer) + " ") + "received " + name)
                    .style(AttributedStyle.DEFAULT).append(" (" + LocalFiles.size(size) + ", sha256 verified at their end)").toAttributedString());
        }
        screen.refreshStatus();
    }

    void onFileFailed(TransferId id, String reason) {
        FileView v = files.remove(id);
        screen.warn((v == null ? "a transfer" : "#" + v.number + " " + v.name) + " failed: " + reason + "; nothing was kept, send it again");
        screen.refreshStatus();
    }

    void onFileCancelled(TransferId id, boolean byPeer) {
        FileView v = files.remove(id);
        String what = v == null ? "a transfer" : "#" + v.number + " " + v.name;
        screen.notice(byPeer ? (v == null ? "the contact" : label(v.peer)) + " cancelled " + what : what + " cancelled");
        screen.refreshStatus();
    }

    void onFileDeclined(TransferId id, String reason) {
        FileView v = files.remove(id);
        String what = v == null ? "a file" : "#" + v.number + " " + v.name;
        if (v != null && v.direction == Direction.INCOMING) screen.notice("declined " + what + " from " + label(v.peer));
        else screen.notice((v == null ? "the contact" : label(v.peer)) + " declined " + what
                + ("declined".equals(reason) ? "" : " (" + ("no-space".equals(reason) ? "not enough disk space at their end" : reason) + ")"));
        screen.refreshStatus();
    }

    // ------------------------------------------------------------------ drawing

    /** One line per transfer that is waiting or moving: name, %, rate, ETA. */
    List<AttributedString> statusLines() {
        List<AttributedString> lines = new ArrayList<>();
        files.values().stream().sorted(Comparator.comparingInt(f -> f.number)).forEach(v -> {
            StringBuilder b = new StringBuilder(v.direction == Direction.INCOMING ? " ⇣ #" : " ⇡ #").append(v.number).append(' ').append(v.name).append("  ");
            TransferProgress p = v.progress;
            if (p != null) {
                int pct = p.size() == 0 ? 100 : (int) (p.bytes() * 100 / p.size());
                b.append(bar(pct)).append(' ').append(pct).append("%  ").append(LocalFiles.size(p.bytes())).append(" of ")
                        .append(LocalFiles.size(p.size())).append("  ").append(LocalFiles.rate(p.bytesPerSecond()))
                        .append(p.eta() == null ? "" : "  ETA " + LocalFiles.clock(p.eta()));
            } else if (v.awaitingAnswer) {
                b.append(LocalFiles.size(v.size)).append(v.direction == Direction.INCOMING ? "  offered: /accept or /reject"
                        : "  waiting for " + label(v.peer) + " to accept");
            } else {
                b.append(LocalFiles.size(v.size)).append("  starting…");
            }
            lines.add(new AttributedString(b.append(' ').toString(), AttributedStyle.INVERSE));
        });
        return lines;
    }

    private static String bar(int pct) {
        int filled = Math.max(0, Math.min(20, pct / 5));
        return "[" + "#".repeat(filled) + "-".repeat(20 - filled) + "]";
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private String label(PeerId peer) {
        return Names.label(client, peer);
    }
}
