package dev.parley.cli.chat;

import dev.parley.cli.chat.Slash.Completion;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The table of slash commands, in {@code /help} order: chat, groups, files, calls. Each runs a method of the
 * view that owns what it changes ({@link Conversation}, {@link Transfers}, {@link CallView}); adding
 * one is one entry here and that method. Everything here runs on the input thread.
 */
final class SlashCommands {
    private final Map<String, Slash> byName = new LinkedHashMap<>();
    private final Map<String, String> aliases = Map.of("exit", "quit", "chat", "open", "contacts", "peers", "?", "help", "hang", "hangup", "refuse", "reject");
    private final ChatScreen screen;

    SlashCommands(ChatScreen screen, Conversation chat, GroupView groups, Transfers files, GroupFiles groupFiles, CallView calls,
                  GroupCallView groupCalls, Runnable quit) {
        this.screen = screen;
        add(new Slash("open", "CONTACT", "open the conversation with a contact (shows recent history)", Completion.CONTACT, a -> {
            chat.open(a);
            if (chat.current() != null) groups.close();
        }));
        add(new Slash("peers", "", "your contacts: online, connected, verified, unread", Completion.NONE, a -> chat.peers()));
        add(new Slash("history", "[N]", "the last N messages of this conversation (default 20), with receipts", Completion.NONE, chat::history));
        add(new Slash("verify", "[CONTACT]", "show the safety number and mark the contact verified after comparing", Completion.CONTACT, chat::verify));
        add(new Slash("group", "[GROUP]", "open a group (typed lines go to it); without GROUP, your groups", Completion.NONE, groups::open));
        add(new Slash("join", "[GROUP]", "accept an invitation to a group and open it; without GROUP, join the open group's call",
                Completion.NONE, a -> {
            if (!groupCalls.join(a)) groups.join(a);
        }));
        add(new Slash("members", "", "the open group's members: admin, online, verified", Completion.NONE, groups::members));
        add(new Slash("invite", "CONTACT...", "invite contacts to the open group (admins only)", Completion.CONTACT, groups::invite));
        add(new Slash("remove", "MEMBER", "remove a member from the open group (admins only)", Completion.NONE, groups::remove));
        add(new Slash("leave", "", "leave the group call you are in; else leave the open group (the others are told)", Completion.NONE, a -> {
            if (!groupCalls.leave()) groups.leaveGroup(a);
        }));
        add(new Slash("send", "PATH", "offer a file to the open contact, or share it into the open group (Tab completes paths)", Completion.PATH,
                a -> {
            if (groupFiles.groupOpen()) groupFiles.send(a);
            else files.send(a);
        }));
        add(new Slash("accept", "[N]", "accept the latest file offer (a group's too), or offer #N", Completion.NONE, a -> {
            int n = groupOffer(files, groupFiles, a);
            if (n > 0) groupFiles.accept(n);
            else files.accept(a);
        }));
        add(new Slash("reject", "[N]", "refuse the latest file offer (a group's too), or offer #N", Completion.NONE, a -> {
            int n = groupOffer(files, groupFiles, a);
            if (n > 0) groupFiles.reject(n);
            else files.reject(a);
        }));
        add(new Slash("cancel", "[N]", "stop a file transfer in either direction (the latest, or #N)", Completion.NONE, files::cancel));
        add(new Slash("call", "[CONTACT]", "call the open contact (or CONTACT); in an open group, start or join its call", Completion.CONTACT, a -> {
            if (!groupCalls.call(a)) calls.call(a);
        }));
        add(new Slash("answer", "", "answer the ringing call", Completion.NONE, a -> calls.answer()));
        add(new Slash("decline", "[N]", "refuse the ringing call; with no call ringing, the latest file offer (like /reject)", Completion.NONE,
                a -> decline(calls, files, groupFiles, a)));
        add(new Slash("hangup", "", "end the call (or give up while it rings); leave a group call", Completion.NONE, a -> {
            if (!groupCalls.leave()) calls.hangUp();
        }));
        add(new Slash("mute", "", "mute or unmute your microphone during a call (a group's too)", Completion.NONE, a -> {
            if (!groupCalls.mute()) calls.mute();
        }));
        add(new Slash("help", "", "this list", Completion.NONE, a -> help()));
        add(new Slash("quit", "", "leave (Ctrl-D does too)", Completion.NONE, a -> quit.run()));
    }

    private void add(Slash s) {
        byName.put(s.name(), s);
    }

    /** The command for {@code name} (without the slash; aliases resolved). */
    Optional<Slash> find(String name) {
        String n = aliases.getOrDefault(name, name);
        return Optional.ofNullable(byName.get(n));
    }

    Collection<Slash> all() {
        return byName.values();
    }

    /**
     * The group-file offer {@code /accept} or {@code /reject} with {@code args} means, or 0 for a 1:1 one:
     * {@code #N} / {@code N} if it is a group file's number; no argument, the latest offer of either kind.
     */
    private static int groupOffer(Transfers files, GroupFiles groupFiles, String args) {
        if (args.isBlank()) {
            int g = groupFiles.latestOffer();
            return g > files.latestOffer() ? g : 0;
        }
        try {
            int n = Integer.parseInt(args.strip().replaceFirst("^#", ""));
            return groupFiles.hasOffer(n) ? n : 0;
        } catch (NumberFormatException e) {
            return 0; // the 1:1 side says what is expected
        }
    }

    /** {@code /decline}: a ringing call first, else the latest file offer. */
    private void decline(CallView calls, Transfers files, GroupFiles groupFiles, String args) {
        if (calls.declineRinging()) return;
        int g = groupOffer(files, groupFiles, args);
        if (g > 0) {
            groupFiles.reject(g);
            return;
        }
        if (files.offerWaiting()) {
            files.reject(args);
            return;
        }
        screen.notice("nothing to decline: no call is ringing and no file offer is waiting");
    }

    private void help() {
        screen.print(new AttributedString("Type a message and press Enter to send it to the open conversation. Commands:", AttributedStyle.BOLD));
        int w = all().stream().mapToInt(s -> s.synopsis().length()).max().orElse(10);
        for (Slash s : all()) {
            screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(String.format("  %-" + w + "s", s.synopsis()))
                    .style(AttributedStyle.DEFAULT).append("  " + s.help()).toAttributedString());
        }
        screen.dim("File offers are numbered: /accept and /reject take the latest, /accept N a given one. "
                + "/decline refuses a ringing call first, else the latest file offer.");
        screen.dim("Tab completes commands, contacts and paths. Ctrl-D leaves. Start a message with // to send a leading /.");
    }
}
