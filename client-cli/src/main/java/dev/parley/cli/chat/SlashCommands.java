package dev.parley.cli.chat;

import dev.parley.cli.chat.Slash.Completion;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The table of slash commands. Call and file commands are listed so {@code /help} shows the whole
 * client, and answer "not in this build yet" until their ParleyClient methods exist: wiring one is
 * replacing its {@link #notYet} handler with a method of {@link ChatSession}.
 */
public final class SlashCommands {
    private final Map<String, Slash> byName = new LinkedHashMap<>();
    private final Map<String, String> aliases = Map.of("exit", "quit", "chat", "open", "contacts", "peers", "?", "help");

    public SlashCommands() {
        add(new Slash("open", "CONTACT", "open the conversation with a contact (shows recent history)", Completion.CONTACT, ChatSession::open));
        add(new Slash("peers", "", "your contacts: online, connected, verified, unread", Completion.NONE, (s, a) -> s.peers()));
        add(new Slash("history", "[N]", "the last N messages of this conversation (default 20), with receipts", Completion.NONE, ChatSession::history));
        add(new Slash("verify", "[CONTACT]", "show the safety number and mark the contact verified after comparing", Completion.CONTACT, ChatSession::verify));
        later("call", "", "call the open contact", Completion.NONE, "calls");
        later("answer", "", "answer an incoming call", Completion.NONE, "calls");
        later("decline", "", "decline an incoming call", Completion.NONE, "calls");
        later("hangup", "", "end the call", Completion.NONE, "calls");
        later("mute", "", "mute or unmute your microphone during a call", Completion.NONE, "calls");
        later("send", "PATH", "offer a file to the open contact", Completion.PATH, "file transfer");
        later("accept", "", "accept the file you were offered", Completion.NONE, "file transfer");
        later("cancel", "", "cancel or refuse a file transfer", Completion.NONE, "file transfer");
        add(new Slash("help", "", "this list", Completion.NONE, (s, a) -> s.help()));
        add(new Slash("quit", "", "leave (Ctrl-D does too)", Completion.NONE, (s, a) -> s.quit()));
    }

    private void add(Slash s) {
        byName.put(s.name(), s);
    }

    /** A command whose feature is not wired yet: listed in /help, answers with a clear notice. */
    private void later(String name, String args, String help, Completion completion, String feature) {
        add(new Slash(name, args, help + " (not in this build yet)", completion, notYet(name, feature)));
    }

    private static Slash.Handler notYet(String name, String feature) {
        return (s, a) -> s.notice("/" + name + ": " + feature + " is not available in this build yet; chat, receipts and /verify are");
    }

    /** The command for {@code name} (without the slash; aliases resolved). */
    public Optional<Slash> find(String name) {
        String n = aliases.getOrDefault(name, name);
        return Optional.ofNullable(byName.get(n));
    }

    public Collection<Slash> all() {
        return byName.values();
    }
}
