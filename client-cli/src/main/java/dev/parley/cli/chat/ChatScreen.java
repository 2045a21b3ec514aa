package dev.parley.cli.chat;

import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Widget;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The terminal of {@code parley chat}: lines printed above the line being typed (never into it), and
 * a status area at the bottom (transfers, the call, then the status line), redrawn on
 * {@link #refreshStatus()} from what {@link #statusArea} supplies.
 *
 * <p>Threads: only the input thread reads lines ({@link #readLine}). Any thread may print or refresh
 * the status: drawing runs under JLine's own lock (through a widget) while a line is being read, else
 * under {@code uiLock}, so the line being typed is never corrupted. The status supplier is called
 * while drawing, under that lock.
 */
final class ChatScreen implements AutoCloseable {
    static final AttributedStyle DIM = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT + AttributedStyle.BLACK);
    static final AttributedStyle ME = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
    static final AttributedStyle THEM = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    static final AttributedStyle WARN = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    static final AttributedStyle NOTE = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final String UI_WIDGET = "parley-ui";

    private final Terminal terminal;
    private final LineReader reader;
    private final Status status; // null on a dumb terminal (piped input): no status area
    private final Object uiLock = new Object();
    private Runnable uiTask;
    private int statusHeight; // lines of the status area now (guarded by uiLock)
    private volatile Supplier<List<AttributedString>> statusArea = List::of;

    private ChatScreen(Terminal terminal, LineReader reader, Status status) {
        this.terminal = terminal;
        this.reader = reader;
        this.status = status;
    }

    /**
     * Opens the system terminal. {@code completer} runs on Tab and {@code typed} after each typed
     * character with the line so far, both on the input thread while a line is read.
     */
    static ChatScreen open(Completer completer, Consumer<String> typed) throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).name("parley").build(); // dumb: piped input still works, without a warning
        try {
            DefaultParser parser = new DefaultParser();
            parser.setEofOnUnclosedQuote(false);
            parser.setEofOnEscapedNewLine(false);
            parser.setEscapeChars(new char[0]);
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("parley").parser(parser)
                    .completer(completer)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                    .option(LineReader.Option.AUTO_FRESH_LINE, true)
                    .build();
            Status status = null;
            if (!Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                status = Status.getStatus(terminal);
            }
            ChatScreen screen = new ChatScreen(terminal, reader, status);
            reader.getWidgets().put(UI_WIDGET, () -> {
                Runnable t = screen.uiTask;
                if (t != null) t.run();
                return true;
            });
            Widget selfInsert = reader.getWidgets().get(LineReader.SELF_INSERT);
            reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
                boolean r = selfInsert.apply();
                typed.accept(reader.getBuffer().toString());
                return r;
            });
            return screen;
        } catch (RuntimeException | Error e) {
            terminal.close();
            throw e;
        }
    }

    /** What the status area shows, top to bottom; called while drawing. */
    void statusArea(Supplier<List<AttributedString>> lines) {
        statusArea = lines;
    }

    /** Input thread only. Throws JLine's {@code UserInterruptException} (Ctrl-C) and {@code EndOfFileException} (Ctrl-D). */
    String readLine(String prompt) {
        return reader.readLine(prompt);
    }

    void print(AttributedString s) {
        ui(() -> reader.printAbove(s));
    }

    /** A line for the user that is neither a message nor an error. */
    void notice(String text) {
        print(new AttributedString("· " + text, NOTE));
    }

    void warn(String text) {
        print(new AttributedString("⚠ " + text, WARN));
    }

    void dim(String text) {
        print(new AttributedString(text, DIM));
    }

    void refreshStatus() {
        if (status == null) return;
        ui(() -> {
            int width = Math.max(10, terminal.getWidth());
            List<AttributedString> lines = statusArea.get();
            List<AttributedString> fitted = new ArrayList<>();
            // Shrinking the status while no line is being read (a slash command just ran) left the next
            // prompt one row too high over the last printed line; keep the height then, shrink on a later update.
            while (!reader.isReading() && fitted.size() + lines.size() < statusHeight) fitted.add(AttributedString.EMPTY);
            for (AttributedString s : lines) fitted.add(s.columnLength() > width ? s.columnSubSequence(0, width - 1) : s);
            statusHeight = fitted.size();
            status.update(fitted);
        });
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

    @Override
    public void close() throws IOException {
        if (status != null) status.close();
        terminal.close();
    }
}
