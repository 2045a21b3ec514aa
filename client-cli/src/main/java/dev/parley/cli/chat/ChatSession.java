package dev.parley.cli.chat;

import dev.parley.cli.CliException;
import dev.parley.cli.Contacts;
import dev.parley.cli.Profile;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
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

    public ChatSession(Profile profile) {
        this.profile = profile;
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
            client = profile.open(this);
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

    void help() {
        print(new AttributedString("Type a message and press Enter to send it to the open conversation. Commands:", AttributedStyle.BOLD));
        int w = commands.all().stream().mapToInt(s -> s.synopsis().length()).max().orElse(10);
        for (Slash s : commands.all()) {
            print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(String.format("  %-" + w + "s", s.synopsis()))
                    .style(AttributedStyle.DEFAULT).append("  " + s.help()).toAttributedString());
        }
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
    public void onSessionState(PeerId peer, String state, String detail) {
        sessionStates.put(peer, state);
        refreshStatus();
    }

    @Override
    public void onServerState(boolean online, String detail) {
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
            AttributedString s = statusLine();
            int width = Math.max(10, terminal.getWidth());
            if (s.columnLength() > width) s = s.columnSubSequence(0, width - 1);
            status.update(List.of(s));
        });
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

    private final Completers.FileNameCompleter files = new Completers.FileNameCompleter();

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
            case PATH -> files.complete(r, line, candidates);
            case NONE -> { }
        }
    }
}
