package dev.parley.cli.chat;

import dev.parley.client.Contact;
import dev.parley.client.Parley;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Tab completion of the chat line (input thread): command names, then what the command takes (a contact or a path). */
final class ChatCompleter implements Completer {
    private final SlashCommands commands;
    private final Parley client;
    private final Completers.FileNameCompleter pathCompleter = new Completers.FileNameCompleter();

    ChatCompleter(SlashCommands commands, Parley client) {
        this.commands = commands;
        this.client = client;
    }

    @Override
    public void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
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
