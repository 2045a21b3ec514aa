package dev.parley.cli.chat;

import dev.parley.cli.chat.Slash.Completion;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The table of slash commands, in {@code /help} order: chat, files, calls. Adding one is one entry
 * here and a method of {@link ChatSession}.
 */
public final class SlashCommands {
    private final Map<String, Slash> byName = new LinkedHashMap<>();
    private final Map<String, String> aliases = Map.of("exit", "quit", "chat", "open", "contacts", "peers", "?", "help", "hang", "hangup", "refuse", "reject");

    public SlashCommands() {
        add(new Slash("open", "CONTACT", "open the conversation with a contact (shows recent history)", Completion.CONTACT, ChatSession::open));
        add(new Slash("peers", "", "your contacts: online, connected, verified, unread", Completion.NONE, (s, a) -> s.peers()));
        add(new Slash("history", "[N]", "the last N messages of this conversation (default 20), with receipts", Completion.NONE, ChatSession::history));
        add(new Slash("verify", "[CONTACT]", "show the safety number and mark the contact verified after comparing", Completion.CONTACT, ChatSession::verify));
        add(new Slash("send", "PATH", "offer a file to the open contact (Tab completes paths)", Completion.PATH, ChatSession::sendFile));
        add(new Slash("accept", "[N]", "accept the latest file offer, or offer #N", Completion.NONE, ChatSession::acceptFile));
        add(new Slash("reject", "[N]", "refuse the latest file offer, or offer #N", Completion.NONE, ChatSession::rejectFile));
        add(new Slash("cancel", "[N]", "stop a file transfer in either direction (the latest, or #N)", Completion.NONE, ChatSession::cancelFile));
        add(new Slash("call", "[CONTACT]", "call the open contact (or CONTACT)", Completion.CONTACT, ChatSession::call));
        add(new Slash("answer", "", "answer the ringing call", Completion.NONE, (s, a) -> s.answer()));
        add(new Slash("decline", "[N]", "refuse the ringing call; with no call ringing, the latest file offer (like /reject)", Completion.NONE, ChatSession::decline));
        add(new Slash("hangup", "", "end the call (or give up while it rings)", Completion.NONE, (s, a) -> s.hangUp()));
        add(new Slash("mute", "", "mute or unmute your microphone during a call", Completion.NONE, (s, a) -> s.mute()));
        add(new Slash("help", "", "this list", Completion.NONE, (s, a) -> s.help()));
        add(new Slash("quit", "", "leave (Ctrl-D does too)", Completion.NONE, (s, a) -> s.quit()));
    }

    private void add(Slash s) {
        byName.put(s.name(), s);
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
