package dev.parley.cli.chat;

import dev.parley.cli.CallSupport;
import dev.parley.cli.CliException;
import dev.parley.cli.Contacts;
import dev.parley.cli.LocalFiles;
import dev.parley.cli.Profile;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.protocol.PeerId;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interactive client ({@code parley chat}): a line-oriented screen where incoming events are
 * printed above the line being typed (never into it), a status line at the bottom, and slash
 * commands from {@link SlashCommands}.
 *
 * <p>Threads: the input thread runs {@link #run} and every slash command; ParleyListener calls arrive
 * on the client's event thread. Both write to the terminal only through {@link #ui}, which runs the
 * drawing under JLine's own lock while a line is being read.
 */
public final class ChatSession implements ParleyListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final String UI_WIDGET = "parley-ui";
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT + AttributedStyle.BLACK);
    private static final AttributedStyle ME = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle THEM = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle WARN = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    private static final AttributedStyle NOTE = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);

    private final Profile profile;
    private final SlashCommands commands = new SlashCommands();
    private final Object uiLock = new Object();
    private final Map<PeerId, Boolean> typing = new ConcurrentHashMap<>();
    private final Map<PeerId, String> sessionStates = new ConcurrentHashMap<>();

    private Terminal terminal;
    private LineReader reader;
    private Status status;
    private ParleyClient client;
    private Runnable uiTask;
    private volatile PeerId current;
    private volatile MessageId lastSent;
    private volatile MessageState lastSentState;
    private volatile Boolean serverOnline;
    private volatile String serverDetail = "connecting";
    private volatile boolean quit;

    private final Path play;
    private final Path record;

    // file transfers: numbered #1, #2… for /accept N, /reject N, /cancel N; removed when they end
    private final Map<TransferId, FileView> files = new ConcurrentHashMap<>();
    private final AtomicInteger fileNumbers = new AtomicInteger();

    // the one call: dialling, ringing (either way) or answered
    private volatile CallId call;
    private volatile PeerId callPeer;
    private volatile String callState;
    private volatile boolean dialing;
    private volatile boolean hangUpWhenDialed;
    private volatile boolean muted;
    private volatile CallStats callStats;
    private volatile Instant answeredAt;
    private volatile boolean audioNoticeShown;
    private int statusHeight; // lines of the status area now (guarded by uiLock)

    public ChatSession(Profile profile) {
        this(profile, null, null);
    }

    /** {@code play}/{@code record}: headless call audio (a WAV as our voice, the peer recorded); both null for the real devices. */
    public ChatSession(Profile profile, Path play, Path record) {
        this.profile = profile;
        this.play = play;
        this.record = record;
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
    }

    /** Runs until /quit or Ctrl-D; returns the exit code. {@code contact} may be null. */
    public int run(String contact) throws IOException {
        terminal = TerminalBuilder.builder().system(true).dumb(true).name("parley").build(); // dumb: piped input still works, without a warning
        try {
            DefaultParser parser = new DefaultParser();
            parser.setEofOnUnclosedQuote(false);
            parser.setEofOnEscapedNewLine(false);
            parser.setEscapeChars(new char[0]);
            reader = LineReaderBuilder.builder().terminal(terminal).appName("parley").parser(parser)
                    .completer(this::complete)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                    .option(LineReader.Option.AUTO_FRESH_LINE, true)
                    .build();
            reader.getWidgets().put(UI_WIDGET, () -> {
                Runnable t = uiTask;
                if (t != null) t.run();
                return true;
            });
            Widget selfInsert = reader.getWidgets().get(LineReader.SELF_INSERT);
            reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
                boolean r = selfInsert.apply();
                typed();
                return r;
            });
            if (!Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                status = Status.getStatus(terminal);
            }
            boolean devices = play == null && record == null;
            client = profile.open(this, b -> {
                if (devices) b.audioDevices(null, null);
            });
            try {
                PeerId first = contact == null ? null : Contacts.resolve(client, contact).peerId();
                banner();
                client.start();
                if (first != null) open(first);
                else conversations();
                refreshStatus();
                loop();
            } finally {
                PeerId c = current;
                if (c != null) client.setTyping(c, false);
                client.close();
            }
            return 0;
        } finally {
            if (status != null) status.close();
            terminal.close();
        }
    }

    private void loop() {
        while (!quit) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                if (e.getPartialLine() == null || e.getPartialLine().isBlank()) notice("(type /quit or press Ctrl-D to leave)");
                continue;
            } catch (EndOfFileException e) {
                return;
            }
            try {
                handle(line);
            } catch (CliException e) {
                notice(e.getMessage());
            } catch (Exception e) {
                warn("that did not work: " + e.getMessage());
            }
        }
    }

    private String prompt() {
        PeerId c = current;
        return c == null ? "> " : label(c) + "> ";
    }

    void handle(String line) throws Exception {
        if (line.isBlank()) return;
        if (line.startsWith("/") && !line.startsWith("//")) {
            String trimmed = line.strip();
            int sp = trimmed.indexOf(' ');
            String name = (sp < 0 ? trimmed.substring(1) : trimmed.substring(1, sp)).toLowerCase(Locale.ROOT);
            String args = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
            print(new AttributedString("> " + trimmed, DIM));
            Optional<Slash> s = commands.find(name);
            if (s.isEmpty()) {
                notice("unknown command /" + name + ": /help lists them (start a message with // to send a literal /)");
                return;
            }
            s.get().handler().run(this, args);
        } else {
            send(line.startsWith("//") ? line.substring(1) : line);
        }
    }

    // ------------------------------------------------------------------ commands

    private void send(String text) {
        PeerId to = current;
        if (to == null) {
            notice("no conversation open: /open CONTACT first (/peers lists them), or start with 'parley chat CONTACT'");
            return;
        }
        ChatMessage m;
        try {
            m = client.send(to, text);
        } catch (IllegalArgumentException e) {
            notice("not sent: " + e.getMessage());
            return;
        }
        lastSent = m.id();
        lastSentState = m.state();
        print(line(m));
        refreshStatus();
    }

    void open(String args) {
        if (args.isBlank()) {
            notice("usage: /open CONTACT (Tab completes names)");
            return;
        }
        open(Contacts.resolve(client, unquote(args)).peerId());
    }

    private void open(PeerId peer) {
        PeerId before = current;
        if (before != null && !before.equals(peer)) client.setTyping(before, false);
        current = peer;
        lastSent = null;
        lastSentState = null;
        Contact c = client.contact(peer).orElseThrow();
        print(new AttributedStringBuilder().style(DIM).append("-- conversation with ").style(THEM).append(c.label())
                .style(DIM).append(" (" + peer.shortForm() + "…, " + (c.verified() ? "verified" : "not verified: /verify") + ") --")
                .toAttributedString());
        showHistory(peer, 20);
        client.markRead(peer);
        if (client.isOnline(peer)) client.connect(peer);
        refreshStatus();
    }

    void history(String args) {
        PeerId peer = current;
        if (peer == null) {
            notice("no conversation open: /open CONTACT first");
            return;
        }
        int n = 20;
        if (!args.isBlank()) {
            try {
                n = Math.max(1, Math.min(1000, Integer.parseInt(args.strip())));
            } catch (NumberFormatException e) {
                notice("usage: /history [N], e.g. /history 50");
                return;
            }
        }
        if (showHistory(peer, n) == 0) notice("no messages with " + label(peer) + " yet");
    }

    private int showHistory(PeerId peer, int n) {
        List<ChatMessage> items = new ArrayList<>(client.history(peer, null, n).items());
        java.util.Collections.reverse(items);
        for (ChatMessage m : items) print(line(m));
        return items.size();
    }

    void peers() {
        List<Contact> all = client.contacts();
        if (all.isEmpty()) {
            notice("no contacts yet: leave with /quit, run 'parley id' to get your contact string and "
                    + "'parley contacts add CONTACT_STRING --name NAME' for theirs");
            return;
        }
        for (Contact c : all) {
            boolean online = client.isOnline(c.peerId());
            int unread = client.unreadCount(c.peerId());
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.style(online ? THEM : DIM).append(online ? "● " : "○ ").style(AttributedStyle.BOLD).append(c.label()).style(AttributedStyle.DEFAULT)
                    .append("  ").append(online ? (client.isConnected(c.peerId()) ? "online, connected" : "online") : "offline")
                    .append(", ").append(c.keyChanged() ? "KEY CHANGED" : c.verified() ? "verified" : "not verified")
                    .append(unread > 0 ? ", " + unread + " unread" : "").style(DIM).append("  " + c.peerId().shortForm() + "…")
                    .append(c.peerId().equals(current) ? "  (open)" : "");
            print(b.toAttributedString());
        }
    }

    void verify(String args) {
        PeerId peer = args.isBlank() ? current : Contacts.resolve(client, unquote(args)).peerId();
        if (peer == null) {
            notice("usage: /verify CONTACT (or open a conversation first)");
            return;
        }
        Contact c = client.contact(peer).orElseThrow();
        if (c.keyChanged()) {
            warn("the identity key of " + c.label() + " changed: Parley blocks them until you find out why (ask them another way)");
            return;
        }
        Optional<String> number = client.safetyNumber(peer);
        if (number.isEmpty()) {
            notice("no key known for " + c.label() + " yet: it is pinned when you first connect");
            return;
        }
        print(new AttributedString("Safety number with " + c.label() + ":"));
        String digits = number.get();
        for (int i = 0; i < digits.length(); i += 20) {
            StringBuilder row = new StringBuilder("    ");
            for (int j = i; j < Math.min(digits.length(), i + 20); j += 5) row.append(digits, j, j + 5).append(' ');
            print(new AttributedString(row.toString().stripTrailing(), AttributedStyle.BOLD));
        }
        if (c.verified()) {
            notice(c.label() + " is verified.");
            return;
        }
        notice("Compare it with " + c.label() + " in person or over a call you trust (they see the same digits).");
        String answer;
        try {
            answer = reader.readLine("Do the numbers match? Mark " + c.label() + " verified [y/N] ");
        } catch (UserInterruptException | EndOfFileException e) {
            answer = "";
        }
        if (answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
            client.markVerified(peer, digits);
            notice(c.label() + " is verified now.");
        } else {
            notice("not marked verified");
        }
        refreshStatus();
    }

    // ------------------------------------------------------------------ files

    void sendFile(String args) {
        PeerId to = current;
        if (to == null) {
            notice("no conversation open: /open CONTACT first, then /send PATH");
            return;
        }
        if (args.isBlank()) {
            notice("usage: /send PATH (Tab completes paths)");
            return;
        }
        String p = unquote(args);
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        Path file = Path.of(p).toAbsolutePath().normalize();
        LocalFiles.requireReadableFile(file, "file");
        long size = sizeOf(file);
        String name = file.getFileName().toString();
        client.sendFile(to, file).whenComplete((id, ex) -> {
            if (ex != null) {
                Throwable c = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                warn("cannot send " + name + ": " + c.getMessage());
                return;
            }
            FileView v = new FileView(fileNumbers.incrementAndGet(), id, Direction.OUTGOING, to, name, size, true);
            files.putIfAbsent(id, v);
            notice("#" + v.number + " offering " + name + " (" + LocalFiles.size(size) + ") to " + label(to)
                    + " — waiting for them to accept (/cancel" + (v.number > 1 ? " " + v.number : "") + " withdraws it)");
            refreshStatus();
        });
    }

    /** {@code /accept [N]}: the latest offer, or offer #N. */
    void acceptFile(String args) {
        FileView v = pickOffer(args, "accept");
        if (v == null) return;
        v.awaitingAnswer = false;
        client.acceptFile(v.id);
        notice("#" + v.number + " receiving " + v.name + " from " + label(v.peer) + " into " + client.downloadDir());
        refreshStatus();
    }

    /** {@code /reject [N]}: declines the latest offer, or offer #N. */
    void rejectFile(String args) {
        FileView v = pickOffer(args, "reject");
        if (v == null) return;
        client.declineFile(v.id);
    }

    /** {@code /decline}: a ringing call first, else the latest file offer. */
    void decline(String args) {
        CallId c = call;
        if (c != null && "incoming".equals(callState)) {
            client.declineCall(c);
            return;
        }
        if (files.values().stream().anyMatch(f -> f.direction == Direction.INCOMING && f.awaitingAnswer)) {
            rejectFile(args);
            return;
        }
        notice("nothing to decline: no call is ringing and no file offer is waiting");
    }

    /** {@code /cancel [N]}: stops a transfer in either direction (the latest, or #N). */
    void cancelFile(String args) {
        List<FileView> candidates = files.values().stream()
                .filter(f -> !(f.direction == Direction.INCOMING && f.awaitingAnswer)).sorted(Comparator.comparingInt(f -> f.number)).toList();
        FileView v = pick(candidates, args, "cancel", "no transfer to cancel (an offer to you is refused with /reject)");
        if (v != null) client.cancelFile(v.id);
    }

    private FileView pickOffer(String args, String verb) {
        List<FileView> offers = files.values().stream().filter(f -> f.direction == Direction.INCOMING && f.awaitingAnswer)
                .sorted(Comparator.comparingInt(f -> f.number)).toList();
        return pick(offers, args, verb, "no file offer is waiting");
    }

    private FileView pick(List<FileView> candidates, String args, String verb, String none) {
        if (candidates.isEmpty()) {
            notice(none);
            return null;
        }
        if (args.isBlank()) return candidates.get(candidates.size() - 1);
        try {
            int n = Integer.parseInt(args.strip().replaceFirst("^#", ""));
            for (FileView f : candidates) if (f.number == n) return f;
        } catch (NumberFormatException ignored) {
            // fall through to the list
        }
        notice("usage: /" + verb + " [N] with N one of " + candidates.stream().map(f -> "#" + f.number + " " + f.name).collect(Collectors.joining(", ")));
        return null;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ calls

    /** {@code /call [CONTACT]}: calls the open contact (or the one named). */
    void call(String args) {
        PeerId to = args.isBlank() ? current : Contacts.resolve(client, unquote(args)).peerId();
        if (to == null) {
            notice("usage: /call CONTACT (or open a conversation first)");
            return;
        }
        if (call != null || dialing) {
            notice("already in a call with " + label(callPeer) + ": /hangup first");
            return;
        }
        CallMedia media = media();
        showAudioNotice();
        dialing = true;
        hangUpWhenDialed = false;
        callPeer = to;
        callState = "connecting";
        notice("calling " + label(to) + "… (/hangup to give up)");
        try {
            client.call(to, media).whenComplete((id, ex) -> {
                dialing = false;
                if (ex != null) {
                    if (call == null) {
                        callPeer = null;
                        callState = null;
                    }
                    Throwable c = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    warn("cannot call " + label(to) + ": " + c.getMessage());
                } else if (hangUpWhenDialed) {
                    client.hangUp(id);
                }
                refreshStatus();
            });
        } catch (IllegalArgumentException e) {
            dialing = false;
            callPeer = null;
            callState = null;
            warn("cannot call: " + e.getMessage());
        }
        refreshStatus();
    }

    void answer() {
        CallId c = call;
        if (c == null || !"incoming".equals(callState)) {
            notice("no call is ringing");
            return;
        }
        try {
            client.answerCall(c, media());
        } catch (IllegalArgumentException e) {
            warn("cannot answer: " + e.getMessage());
        }
    }

    void hangUp() {
        CallId c = call;
        if (c == null) {
            if (dialing) {
                hangUpWhenDialed = true;
                notice("giving up the call once it rings");
            } else {
                notice("no call to hang up");
            }
            return;
        }
        if ("incoming".equals(callState)) client.declineCall(c);
        else client.hangUp(c);
    }

    void mute() {
        CallId c = call;
        if (c == null || !"active".equals(callState)) {
            notice("no call in progress");
            return;
        }
        client.setMuted(c, !muted);
    }

    /** Headless (--play/--record) or the devices; each call gets its own recording file. */
    private CallMedia media() {
        Path rec = null;
        if (record != null) {
            Path base = record.toAbsolutePath();
            String stem = base.getFileName().toString().replaceFirst("\\.wav$", "");
            rec = base;
            for (int n = 2; Files.exists(rec); n++) rec = base.resolveSibling(stem + "-" + n + ".wav");
        }
        return CallSupport.media(play, rec);
    }

    private void showAudioNotice() {
        if (audioNoticeShown || play != null || record != null) return;
        audioNoticeShown = true;
        client.audioNotice().ifPresent(n -> notice("audio: " + n));
    }

    void help() {
        print(new AttributedString("Type a message and press Enter to send it to the open conversation. Commands:", AttributedStyle.BOLD));
        int w = commands.all().stream().mapToInt(s -> s.synopsis().length()).max().orElse(10);
        for (Slash s : commands.all()) {
            print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(String.format("  %-" + w + "s", s.synopsis()))
                    .style(AttributedStyle.DEFAULT).append("  " + s.help()).toAttributedString());
        }
        print(new AttributedString("File offers are numbered: /accept and /reject take the latest, /accept N a given one. "
                + "/decline refuses a ringing call first, else the latest file offer.", DIM));
        print(new AttributedString("Tab completes commands, contacts and paths. Ctrl-D leaves. Start a message with // to send a leading /.", DIM));
    }

    void quit() {
        quit = true;
    }

    /** A line for the user that is neither a message nor an error. */
    void notice(String text) {
        print(new AttributedString("· " + text, NOTE));
    }

    private void warn(String text) {
        print(new AttributedString("⚠ " + text, WARN));
    }

    // ------------------------------------------------------------------ events (client event thread)

    @Override
    public void onMessage(ChatMessage m) {
        if (m.direction() != Direction.INCOMING) return;
        typing.remove(m.peer());
        boolean open = m.peer().equals(current);
        if (open) {
            print(line(m));
            client.markRead(m.peer());
        } else {
            print(new AttributedStringBuilder().append(line(m)).style(DIM).append("   (/open " + firstWord(m.peer()) + " to reply)")
                    .toAttributedString());
        }
        refreshStatus();
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        if (id.equals(lastSent)) {
            MessageState before = lastSentState;
            if (before == null || state.rank() > before.rank()) lastSentState = state;
            refreshStatus();
        }
    }

    @Override
    public void onTyping(PeerId peer, boolean isTyping) {
        if (isTyping) typing.put(peer, true);
        else typing.remove(peer);
        refreshStatus();
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        print(new AttributedString("· " + label(peer) + (online ? " is online" : " went offline"), DIM));
        if (!online) typing.remove(peer);
        if (online && peer.equals(current)) client.connect(peer);
        refreshStatus();
    }

    @Override
    public void onSessionState(PeerId peer, SessionStatus state, String detail) {
        sessionStates.put(peer, state.wire());
        refreshStatus();
    }

    @Override
    public void onServerState(ServerStatus status) {
        boolean online = status.online();
        String detail = status.describe();
        Boolean before = serverOnline;
        serverOnline = online;
        serverDetail = detail;
        if (online && !Boolean.TRUE.equals(before)) {
            print(new AttributedString("· connected to " + profile.server() + (before == null ? "" : " again"), DIM));
        } else if (!online && !Boolean.FALSE.equals(before)) {
            warn(detail + ". Messages you send are kept and go out once we are back. "
                    + (detail.startsWith("cannot reach") ? "Is the server running ('parley serve')? Check --server." : ""));
        }
        refreshStatus();
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        warn("SECURITY: " + label(peer) + ": " + reason + ". Nothing from this session was accepted; compare safety numbers (/verify).");
    }

    @Override
    public void onStrangerRefused(PeerId peer) {
        notice("someone who is not your contact (" + peer.shortForm() + "…) tried to reach you; nothing was accepted");
    }

    @Override
    public void onFileOffered(TransferOffer o) {
        FileView v = new FileView(fileNumbers.incrementAndGet(), o.id(), Direction.INCOMING, o.peer(), o.name(), o.size(), true);
        if (files.putIfAbsent(o.id(), v) != null) return;
        long waiting = files.values().stream().filter(f -> f.direction == Direction.INCOMING && f.awaitingAnswer).count();
        String sha = o.sha256Hex().substring(0, 16) + "…";
        print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("⇣ #" + v.number + " ").style(THEM).append(label(o.peer()))
                .style(AttributedStyle.BOLD).append(" offers " + o.name()).style(AttributedStyle.DEFAULT)
                .append(" (" + LocalFiles.size(o.size()) + ", " + o.mediaType() + ", sha256 " + sha + ") — ")
                .style(AttributedStyle.BOLD).append(waiting > 1 ? "/accept " + v.number + " or /reject " + v.number : "/accept or /reject")
                .toAttributedString());
        refreshStatus();
    }

    @Override
    public void onFileStarted(TransferId id, Direction direction, long offset) {
        FileView v = files.get(id);
        if (v != null) v.awaitingAnswer = false;
        refreshStatus();
    }

    @Override
    public void onFileProgress(TransferProgress p) {
        FileView v = files.get(p.id());
        if (v != null) {
            v.awaitingAnswer = false;
            v.progress = p;
        }
        refreshStatus();
    }

    @Override
    public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        FileView v = files.remove(id);
        String n = v == null ? "" : "#" + v.number + " ";
        String name = v == null ? file.getFileName().toString() : v.name;
        long size = v == null ? sizeOf(file) : v.size;
        if (direction == Direction.INCOMING) {
            print(new AttributedStringBuilder().style(THEM).append("✓ " + n + "received " + name).style(AttributedStyle.DEFAULT)
                    .append(v == null ? "" : " from " + label(v.peer)).append(" (" + LocalFiles.size(size) + ", sha256 verified) → " + file)
                    .toAttributedString());
        } else {
            print(new AttributedStringBuilder().style(THEM).append("✓ " + n + (v == null ? "" : label(v.peer) + " ") + "received " + name)
                    .style(AttributedStyle.DEFAULT).append(" (" + LocalFiles.size(size) + ", sha256 verified at their end)").toAttributedString());
        }
        refreshStatus();
    }

    @Override
    public void onFileFailed(TransferId id, Direction direction, String reason) {
        FileView v = files.remove(id);
        warn((v == null ? "a transfer" : "#" + v.number + " " + v.name) + " failed: " + reason + "; nothing was kept, send it again");
        refreshStatus();
    }

    @Override
    public void onFileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        FileView v = files.remove(id);
        String what = v == null ? "a transfer" : "#" + v.number + " " + v.name;
        notice(byPeer ? (v == null ? "the contact" : label(v.peer)) + " cancelled " + what : what + " cancelled");
        refreshStatus();
    }

    @Override
    public void onFileDeclined(TransferId id, String reason) {
        FileView v = files.remove(id);
        String what = v == null ? "a file" : "#" + v.number + " " + v.name;
        if (v != null && v.direction == Direction.INCOMING) notice("declined " + what + " from " + label(v.peer));
        else notice((v == null ? "the contact" : label(v.peer)) + " declined " + what
                + ("declined".equals(reason) ? "" : " (" + ("no-space".equals(reason) ? "not enough disk space at their end" : reason) + ")"));
        refreshStatus();
    }

    @Override
    public void onCallDialing(CallId id, PeerId peer) {
        call = id;
        callPeer = peer;
        callState = "ringing";
        notice("ringing at " + label(peer) + "… (/hangup to give up)");
        refreshStatus();
    }

    @Override
    public void onCallRinging(CallId id, PeerId peer) {
        if (call != null && !id.equals(call)) return; // the engine answers "busy" for us
        call = id;
        callPeer = peer;
        callState = "incoming";
        showAudioNotice();
        print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("☎ ").style(THEM).append(label(peer))
                .style(AttributedStyle.BOLD).append(" is calling — /answer or /decline").toAttributedString());
        refreshStatus();
    }

    @Override
    public void onCallAnswered(CallId id, PeerId peer) {
        if (!id.equals(call)) return;
        callState = "active";
        answeredAt = Instant.now();
        muted = false;
        notice("in a call with " + label(peer) + " — /mute, /hangup");
        refreshStatus();
    }

    @Override
    public void onCallMuted(CallId id, boolean isMuted) {
        if (!id.equals(call)) return;
        muted = isMuted;
        notice(isMuted ? "microphone muted (/mute again to unmute)" : "microphone on");
        refreshStatus();
    }

    @Override
    public void onCallStats(CallStats stats) {
        callStats = stats;
        refreshStatus();
    }

    @Override
    public void onCallEnded(CallRecord r) {
        if (r.callId().equals(call)) {
            call = null;
            callPeer = null;
            callState = null;
            callStats = null;
            answeredAt = null;
            muted = false;
        }
        String text = CallSupport.endText(r, label(r.peer()));
        if (r.reason() == CallEndReason.COMPLETED || r.reason() == CallEndReason.DECLINED && r.endedLocally()) notice("☎ " + text);
        else warn("☎ " + text);
        refreshStatus();
    }

    // ------------------------------------------------------------------ drawing

    private AttributedString line(ChatMessage m) {
        AttributedStringBuilder b = new AttributedStringBuilder().style(DIM).append(TIME.format(m.direction() == Direction.INCOMING
                ? m.storedAt() : m.sentAt())).append("  ");
        if (m.direction() == Direction.INCOMING) {
            b.style(THEM).append(label(m.peer())).style(AttributedStyle.DEFAULT).append(": ").append(m.text());
        } else {
            b.style(ME).append("me").style(AttributedStyle.DEFAULT).append(": ").append(m.text());
            if (m.state().rank() >= MessageState.SENT.rank()) b.style(DIM).append("  " + mark(m.state()));
        }
        return b.toAttributedString();
    }

    private static String mark(MessageState s) {
        return switch (s) {
            case PENDING -> "… queued";
            case SENT -> "→ sent";
            case DELIVERED -> "✓ delivered";
            case READ -> "✓✓ read";
            case RECEIVED -> "";
        };
    }

    private void refreshStatus() {
        if (status == null) return;
        ui(() -> {
            int width = Math.max(10, terminal.getWidth());
            List<AttributedString> lines = new ArrayList<>();
            lines.addAll(transferLines());
            AttributedString c = callLine();
            if (c != null) lines.add(c);
            lines.add(statusLine());
            List<AttributedString> fitted = new ArrayList<>();
            // Shrinking the status while no line is being read (a slash command just ran) left the next
            // prompt one row too high over the last printed line; keep the height then, shrink on a later update.
            while (!reader.isReading() && fitted.size() + lines.size() < statusHeight) fitted.add(AttributedString.EMPTY);
            for (AttributedString s : lines) fitted.add(s.columnLength() > width ? s.columnSubSequence(0, width - 1) : s);
            statusHeight = fitted.size();
            status.update(fitted);
        });
    }

    /** One line per transfer that is waiting or moving: name, %, rate, ETA. */
    private List<AttributedString> transferLines() {
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

    /** The call: who, how long, and its live statistics. */
    private AttributedString callLine() {
        PeerId peer = callPeer;
        String state = callState;
        if (peer == null || state == null) return null;
        StringBuilder b = new StringBuilder(" ☎ ").append(label(peer)).append("  ");
        switch (state) {
            case "connecting" -> b.append("connecting…");
            case "ringing" -> b.append("ringing… (/hangup to give up)");
            case "incoming" -> b.append("is calling: /answer or /decline");
            default -> {
                Instant at = answeredAt;
                b.append(at == null ? "0:00" : LocalFiles.clock(Duration.between(at, Instant.now())));
                CallStats st = callStats;
                if (st != null) b.append(" · ").append(CallSupport.statsText(st));
                if (muted) b.append(" · MUTED");
            }
        }
        return new AttributedString(b.append(' ').toString(), AttributedStyle.INVERSE);
    }

    private AttributedString statusLine() {
        AttributedStringBuilder b = new AttributedStringBuilder().style(AttributedStyle.INVERSE);
        b.append(" parley · ").append(client.peerId().shortForm()).append("… · ");
        Boolean online = serverOnline;
        b.append(online == null ? "server: connecting" : online ? "server ● online" : "server ○ offline, retrying");
        PeerId c = current;
        if (c != null) {
            b.append(" | ").append(label(c)).append(client.isOnline(c) ? " ● online" : " ○ offline");
            String session = sessionStates.get(c);
            if (session != null && !"closed".equals(session) && client.isOnline(c)) b.append(", ").append(session);
            MessageState last = lastSentState;
            if (last != null) b.append(" | last: ").append(mark(last));
            if (typing.containsKey(c)) b.append(" | ").append(label(c)).append(" is typing…");
        }
        StringBuilder unread = new StringBuilder();
        for (Contact k : client.contacts()) {
            if (k.peerId().equals(c)) continue;
            int n = client.unreadCount(k.peerId());
            if (n > 0) unread.append(unread.length() == 0 ? "" : ", ").append(k.label()).append(' ').append(n);
        }
        if (unread.length() > 0) b.append(" | unread: ").append(unread);
        b.append(' ');
        return b.toAttributedString();
    }

    private void print(AttributedString s) {
        ui(() -> reader.printAbove(s));
    }

    /** Runs terminal drawing under JLine's lock while a line is being read, so the line being typed is never corrupted. */
    private void ui(Runnable draw) {
        synchronized (uiLock) {
            if (reader.isReading()) {
                uiTask = draw;
                try {
                    reader.callWidget(UI_WIDGET);
                    reader.callWidget(LineReader.REDISPLAY);
                    return;
                } catch (IllegalStateException finishedMeanwhile) {
                    // readLine returned between the check and the call: draw directly below
                } finally {
                    uiTask = null;
                }
            }
            draw.run();
            terminal.flush();
        }
    }

    private void typed() {
        PeerId c = current;
        if (c != null && !reader.getBuffer().toString().startsWith("/")) client.setTyping(c, true);
    }

    private void banner() {
        print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("Parley chat").style(AttributedStyle.DEFAULT)
                .append(" — you are " + client.peerId().shortForm() + "… (profile " + profile.dir() + ", server " + profile.server() + ")")
                .toAttributedString());
        print(new AttributedString("/help lists commands, Tab completes, Ctrl-D leaves.", DIM));
    }

    private void conversations() {
        List<Contact> all = client.contacts();
        if (all.isEmpty()) {
            peers();
            return;
        }
        notice("open a conversation with /open CONTACT:");
        peers();
    }

    private String label(PeerId peer) {
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm() + "…");
    }

    private String firstWord(PeerId peer) {
        return client.contact(peer).map(Contact::displayName).filter(n -> n.matches("[A-Za-z0-9._-]+")).orElse(peer.value());
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) return t.substring(1, t.length() - 1);
        return t;
    }

    // ------------------------------------------------------------------ completion

    private final Completers.FileNameCompleter pathCompleter = new Completers.FileNameCompleter();

    private void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
        if (!line.line().startsWith("/")) return;
        if (line.wordIndex() == 0) {
            for (Slash s : commands.all()) {
                candidates.add(new Candidate("/" + s.name(), "/" + s.name(), null, s.help(), null, null, true));
            }
            return;
        }
        Optional<Slash> s = commands.find(line.words().get(0).substring(1).toLowerCase(Locale.ROOT));
        if (s.isEmpty() || line.wordIndex() != 1) return;
        switch (s.get().completion()) {
            case CONTACT -> {
                for (Contact c : client.contacts()) {
                    String v = c.displayName() != null && c.displayName().matches("\\S+") ? c.displayName() : c.peerId().value();
                    candidates.add(new Candidate(v, v, null, c.peerId().shortForm() + "…", null, null, true));
                }
            }
            case PATH -> pathCompleter.complete(r, line, candidates);
            case NONE -> { }
        }
    }
}
