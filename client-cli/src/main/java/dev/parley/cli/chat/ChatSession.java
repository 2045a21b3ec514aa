package dev.parley.cli.chat;

import dev.parley.cli.CliException;
import dev.parley.cli.Contacts;
import dev.parley.cli.Groups;
import dev.parley.cli.Profile;
import dev.parley.client.CallId;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.Parley;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.PeerId;
import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The interactive client ({@code parley chat}): wires the screen and the views that own the state it
 * shows, runs the input loop, and is the client's one {@link ParleyListener}, handing each event to
 * the view that owns it.
 *
 * <ul>
 *   <li>{@link ChatScreen}: the terminal: printing above the typed line, the status area;</li>
 *   <li>{@link Conversation}: the open conversation, messages, receipts, typing, presence, server state;</li>
 *   <li>{@link GroupView}: the open group (instead of a conversation), its posts, receipts summary, typing, members;</li>
 *   <li>{@link Transfers}: numbered file transfers and their progress lines;</li>
 *   <li>{@link CallView}: the one call and its line;</li>
 *   <li>{@link SlashCommands} (the commands, each a method of one of those) and {@link ChatCompleter}.</li>
 * </ul>
 *
 * <p>Threads: the input thread runs {@link #run}, every slash command, completion and the typing
 * hook; ParleyListener calls arrive on the client's event thread. The views are created before the
 * client starts, so no event finds them missing. Both threads draw only through {@link ChatScreen}.
 */
public final class ChatSession implements ParleyListener {
    private final Profile profile;
    private final Path play;
    private final Path record;

    private Parley client;
    private Conversation chat;
    private GroupView groups;
    private Transfers files;
    private GroupFiles groupFiles;
    private CallView calls;
    private GroupCallView groupCalls;
    private SlashCommands commands;
    private ChatCompleter completer;
    private volatile boolean quit;

    public ChatSession(Profile profile) {
        this(profile, null, null);
    }

    /** {@code play}/{@code record}: headless call audio (a WAV as our voice, the peer recorded); both null for the real devices. */
    public ChatSession(Profile profile, Path play, Path record) {
        this.profile = profile;
        this.play = play;
        this.record = record;
    }

    /** Runs until /quit or Ctrl-D; returns the exit code. {@code contact} (a contact, else a group) may be null. */
    public int run(String contact) throws IOException {
        // completion and typing only happen while a line is read, after the wiring below
        try (ChatScreen screen = ChatScreen.open((r, line, candidates) -> completer.complete(r, line, candidates), l -> {
            chat.typed(l);
            groups.typed(l);
        })) {
            boolean devices = play == null && record == null;
            client = profile.open(this, b -> {
                if (devices) b.audioDevices(null, null);
            });
            try {
                chat = new Conversation(client, screen, profile.server());
                groups = new GroupView(client, screen, chat::close);
                files = new Transfers(client, screen, chat::current);
                groupFiles = new GroupFiles(client, client, screen, groups::current, files::nextNumber);
                client.addGroupFileListener(groupFiles::on);
                calls = new CallView(client, screen, chat::current, play, record);
                groupCalls = new GroupCallView(client, screen, groups::current, play, record);
                commands = new SlashCommands(screen, chat, groups, files, groupFiles, calls, groupCalls, () -> quit = true);
                completer = new ChatCompleter(commands, client);
                screen.statusArea(this::statusArea);
                PeerId first = null;
                GroupInfo firstGroup = null;
                if (contact != null) {
                    try {
                        first = Contacts.resolve(client, contact).peerId();
                    } catch (CliException notContact) {
                        try {
                            firstGroup = Groups.resolve(client, contact);
                        } catch (CliException notGroup) {
                            throw new CliException(notContact.exitCode(), notContact.getMessage() + " (nor does any group: " + notGroup.getMessage() + ")");
                        }
                    }
                }
                banner(screen);
                client.start();
                if (first != null) chat.open(first);
                else if (firstGroup != null) groups.open(firstGroup);
                else chat.conversations();
                screen.refreshStatus();
                loop(screen);
            } finally {
                if (chat != null) chat.leave();
                if (groups != null) groups.leave();
                if (groupCalls != null) groupCalls.quit();
                client.close();
            }
            return 0;
        }
    }

    private void loop(ChatScreen screen) {
        while (!quit) {
            String line;
            try {
                line = screen.readLine(groups.isOpen() ? groups.prompt() : chat.prompt());
            } catch (UserInterruptException e) {
                if (e.getPartialLine() == null || e.getPartialLine().isBlank()) screen.notice("(type /quit or press Ctrl-D to leave)");
                continue;
            } catch (EndOfFileException e) {
                return;
            }
            try {
                handle(screen, line);
            } catch (CliException e) {
                screen.notice(e.getMessage());
            } catch (Exception e) {
                screen.warn("that did not work: " + e.getMessage());
            }
        }
    }

    private void handle(ChatScreen screen, String line) throws Exception {
        if (line.isBlank()) return;
        if (line.startsWith("/") && !line.startsWith("//")) {
            String trimmed = line.strip();
            int sp = trimmed.indexOf(' ');
            String name = (sp < 0 ? trimmed.substring(1) : trimmed.substring(1, sp)).toLowerCase(Locale.ROOT);
            String args = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
            screen.dim("> " + trimmed);
            Optional<Slash> s = commands.find(name);
            if (s.isEmpty()) {
                screen.notice("unknown command /" + name + ": /help lists them (start a message with // to send a literal /)");
                return;
            }
            s.get().handler().run(args);
        } else if (groups.isOpen()) {
            groups.send(line.startsWith("//") ? line.substring(1) : line);
        } else {
            chat.send(line.startsWith("//") ? line.substring(1) : line);
        }
    }

    /** Top to bottom: a line per transfer, the call's line, the status line. */
    private List<AttributedString> statusArea() {
        List<AttributedString> lines = new ArrayList<>(files.statusLines());
        lines.addAll(groupFiles.statusLines());
        AttributedString c = calls.statusLine();
        if (c != null) lines.add(c);
        AttributedString gc = groupCalls.statusLine();
        if (gc != null) lines.add(gc);
        AttributedString g = groups.statusLine();
        if (g != null) lines.add(g);
        lines.add(chat.statusLine());
        return lines;
    }

    private void banner(ChatScreen screen) {
        screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("Parley chat").style(AttributedStyle.DEFAULT)
                .append(" — you are " + client.peerId().shortForm() + "… (profile " + profile.dir() + ", server " + profile.server() + ")")
                .toAttributedString());
        screen.dim("/help lists commands, Tab completes, Ctrl-D leaves.");
    }

    // ------------------------------------------------------------------ events (client event thread): one hop to the owner

    @Override
    public void onMessage(ChatMessage m) {
        chat.onMessage(m);
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        chat.onMessageState(id, state);
    }

    @Override
    public void onTyping(PeerId peer, boolean isTyping) {
        chat.onTyping(peer, isTyping);
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        chat.onPresence(peer, online);
    }

    @Override
    public void onSessionState(PeerId peer, SessionStatus state, String detail) {
        chat.onSessionState(peer, state.wire());
    }

    @Override
    public void onServerState(ServerStatus status) {
        chat.onServerState(status.online(), status.describe());
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        chat.onSecurityWarning(peer, reason);
    }

    @Override
    public void onStrangerRefused(PeerId peer) {
        chat.onStrangerRefused(peer);
    }

    @Override
    public void onFileOffered(TransferOffer o) {
        files.onFileOffered(o);
    }

    @Override
    public void onFileStarted(TransferId id, Direction direction, long offset) {
        files.onFileStarted(id);
    }

    @Override
    public void onFileProgress(TransferProgress p) {
        files.onFileProgress(p);
    }

    @Override
    public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        files.onFileCompleted(id, direction, file);
    }

    @Override
    public void onFileFailed(TransferId id, Direction direction, String reason) {
        files.onFileFailed(id, reason);
    }

    @Override
    public void onFileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        files.onFileCancelled(id, byPeer);
    }

    @Override
    public void onFileDeclined(TransferId id, String reason) {
        files.onFileDeclined(id, reason);
    }

    @Override
    public void onCallDialing(CallId id, PeerId peer) {
        calls.onCallDialing(id, peer);
    }

    @Override
    public void onCallRinging(CallId id, PeerId peer) {
        calls.onCallRinging(id, peer);
    }

    @Override
    public void onCallAnswered(CallId id, PeerId peer) {
        calls.onCallAnswered(id, peer);
    }

    @Override
    public void onCallMuted(CallId id, boolean isMuted) {
        calls.onCallMuted(id, isMuted);
    }

    @Override
    public void onCallStats(CallStats stats) {
        calls.onCallStats(stats);
    }

    @Override
    public void onCallEnded(CallRecord r) {
        calls.onCallEnded(r);
    }

    @Override
    public void onGroupMessage(GroupPost post) {
        groups.onGroupMessage(post);
    }

    @Override
    public void onGroupInvited(GroupId group, String name, PeerId from) {
        groups.onGroupInvited(group, name, from);
    }

    @Override
    public void onGroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) {
        groups.onGroupMemberChanged(group, member, change);
    }

    @Override
    public void onGroupDelivered(GroupId group, GroupMessageId message, PeerId member) {
        groups.onGroupDelivered(group, message);
    }

    @Override
    public void onGroupRead(GroupId group, PeerId member, GroupMessageId upTo) {
        groups.onGroupRead(group);
    }

    @Override
    public void onGroupTyping(GroupId group, PeerId peer, boolean typing) {
        groups.onGroupTyping(group, peer, typing);
    }

    @Override
    public void onGroupCallRecorded(GroupCallRecord record) {
        groups.onGroupCallRecorded(record);
    }

    @Override
    public void onGroupCallStarted(GroupId group, CallId call, PeerId by) {
        groupCalls.onStarted(group, call, by);
    }

    @Override
    public void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {
        groupCalls.onJoined(group, call, participant);
    }

    @Override
    public void onGroupCallParticipantLeft(GroupId group, CallId call, PeerId participant, String reason) {
        groupCalls.onLeft(group, call, participant, reason);
    }

    @Override
    public void onGroupCallEnded(GroupId group, CallId call) {
        groupCalls.onEnded(group, call);
    }

    @Override
    public void onGroupCallSpeaker(GroupId group, CallId call, PeerId speaker, double levelDbfs) {
        groupCalls.onSpeaker(group, call, speaker);
    }
}
