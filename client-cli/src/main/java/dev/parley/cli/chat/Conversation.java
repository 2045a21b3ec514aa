package dev.parley.cli.chat;

import dev.parley.cli.Contacts;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The open conversation and what the status line says about it and the server: messages in and out,
 * receipts, typing, presence, and the commands {@code /open /history /peers /verify}.
 *
 * <p>Threads: commands run on the input thread, the {@code on…} methods on the client's event thread;
 * the state they share is volatile or concurrent, and all drawing goes through {@link ChatScreen}.
 */
final class Conversation {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Parley client;
    private final ChatScreen screen;
    private final URI server;
    private final Map<PeerId, Boolean> typing = new ConcurrentHashMap<>();
    private final Map<PeerId, String> sessionStates = new ConcurrentHashMap<>();
    private volatile PeerId current;
    /** The last message this screen sent and its state (null until known), as one value: both change together. */
    private final AtomicReference<LastSent> lastSent = new AtomicReference<>();
    /** Ids of what this screen sent: any other outgoing message was sent by another command or app on this profile. */
    private final java.util.Set<MessageId> sentHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Boolean serverOnline;

    Conversation(Parley client, ChatScreen screen, URI server) {
        this.client = client;
        this.screen = screen;
        this.server = server;
    }

    /** The open conversation's peer, or null. */
    PeerId current() {
        return current;
    }

    String prompt() {
        PeerId c = current;
        return c == null ? "> " : label(c) + "> ";
    }

    // ------------------------------------------------------------------ commands (input thread)

    /** A line that is not a command: a message to the open conversation. */
    void send(String text) {
        PeerId to = current;
        if (to == null) {
            screen.notice("no conversation open: /open CONTACT first (/peers lists them), or start with 'parley chat CONTACT'");
            return;
        }
        ChatMessage m;
        MessageId id = MessageId.random();
        // Both before sending: through a daemon, its events (even "delivered") may come before send returns.
        sentHere.add(id);
        LastSent before = lastSent.getAndSet(new LastSent(id, null));
        try {
            m = client.send(to, text, id);
        } catch (IllegalArgumentException e) {
            sentHere.remove(id);
            lastSent.updateAndGet(l -> l != null && l.id().equals(id) ? before : l); // unless another send came since
            screen.notice("not sent: " + e.getMessage());
            return;
        }
        advanceLastSent(id, m.state());
        screen.print(line(m));
        screen.refreshStatus();
    }

    void open(String args) {
        if (args.isBlank()) {
            screen.notice("usage: /open CONTACT (Tab completes names)");
            return;
        }
        open(Contacts.resolve(client, Names.unquote(args)).peerId());
    }

    void open(PeerId peer) {
        PeerId before = current;
        if (before != null && !before.equals(peer)) client.setTyping(before, false);
        current = peer;
        lastSent.set(null);
        Contact c = client.contact(peer).orElseThrow();
        screen.print(new AttributedStringBuilder().style(ChatScreen.DIM).append("-- conversation with ").style(ChatScreen.THEM).append(c.label())
                .style(ChatScreen.DIM).append(" (" + peer.shortForm() + "…, " + (c.verified() ? "verified" : "not verified: /verify") + ") --")
                .toAttributedString());
        showHistory(peer, 20);
        client.markRead(peer);
        if (client.isOnline(peer)) client.connect(peer);
        screen.refreshStatus();
    }

    /** At start without a contact: the contacts, with a hint when there are some. */
    void conversations() {
        if (!client.contacts().isEmpty()) screen.notice("open a conversation with /open CONTACT:");
        peers();
    }

    void history(String args) {
        PeerId peer = current;
        if (peer == null) {
            screen.notice("no conversation open: /open CONTACT first");
            return;
        }
        int n = 20;
        if (!args.isBlank()) {
            try {
                n = Math.max(1, Math.min(1000, Integer.parseInt(args.strip())));
            } catch (NumberFormatException e) {
                screen.notice("usage: /history [N], e.g. /history 50");
                return;
            }
        }
        if (showHistory(peer, n) == 0) screen.notice("no messages with " + label(peer) + " yet");
    }

    private int showHistory(PeerId peer, int n) {
        List<ChatMessage> items = new ArrayList<>(client.history(peer, null, n).items());
        Collections.reverse(items);
        for (ChatMessage m : items) screen.print(line(m));
        return items.size();
    }

    void peers() {
        List<Contact> all = client.contacts();
        if (all.isEmpty()) {
            screen.notice("no contacts yet: leave with /quit, run 'parley id' to get your contact string and "
                    + "'parley contacts add CONTACT_STRING --name NAME' for theirs");
            return;
        }
        for (Contact c : all) {
            boolean online = client.isOnline(c.peerId());
            int unread = client.unreadCount(c.peerId());
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.style(online ? ChatScreen.THEM : ChatScreen.DIM).append(online ? "● " : "○ ").style(AttributedStyle.BOLD).append(c.label())
                    .style(AttributedStyle.DEFAULT)
                    .append("  ").append(online ? (client.isConnected(c.peerId()) ? "online, connected" : "online") : "offline")
                    .append(", ").append(c.keyChanged() ? "KEY CHANGED" : c.verified() ? "verified" : "not verified")
                    .append(unread > 0 ? ", " + unread + " unread" : "").style(ChatScreen.DIM).append("  " + c.peerId().shortForm() + "…")
                    .append(c.peerId().equals(current) ? "  (open)" : "");
            screen.print(b.toAttributedString());
        }
    }

    void verify(String args) {
        PeerId peer = args.isBlank() ? current : Contacts.resolve(client, Names.unquote(args)).peerId();
        if (peer == null) {
            screen.notice("usage: /verify CONTACT (or open a conversation first)");
            return;
        }
        Contact c = client.contact(peer).orElseThrow();
        if (c.keyChanged()) {
            screen.warn("the identity key of " + c.label() + " changed: Parley blocks them until you find out why (ask them another way)");
            return;
        }
        String digits = client.safetyNumber(peer).orElse(null);
        if (digits == null) {
            screen.notice("no key known for " + c.label() + " yet: it is pinned when you first connect");
            return;
        }
        screen.print(new AttributedString("Safety number with " + c.label() + ":"));
        for (int i = 0; i < digits.length(); i += 20) {
            StringBuilder row = new StringBuilder("    ");
            for (int j = i; j < Math.min(digits.length(), i + 20); j += 5) row.append(digits, j, j + 5).append(' ');
            screen.print(new AttributedString(row.toString().stripTrailing(), AttributedStyle.BOLD));
        }
        if (c.verified()) {
            screen.notice(c.label() + " is verified.");
            return;
        }
        screen.notice("Compare it with " + c.label() + " in person or over a call you trust (they see the same digits).");
        String answer;
        try {
            answer = screen.readLine("Do the numbers match? Mark " + c.label() + " verified [y/N] ");
        } catch (org.jline.reader.UserInterruptException | org.jline.reader.EndOfFileException e) {
            answer = "";
        }
        if (answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
            client.markVerified(peer, digits);
            screen.notice(c.label() + " is verified now.");
        } else {
            screen.notice("not marked verified");
        }
        screen.refreshStatus();
    }

    /** After each typed character: tell the open contact we are typing, unless it is a command. */
    void typed(String lineSoFar) {
        PeerId c = current;
        if (c != null && !lineSoFar.startsWith("/")) client.setTyping(c, true);
    }

    /** A group opens instead: no conversation is open. */
    void close() {
        leave();
        current = null;
        lastSent.set(null);
    }

    /** On leaving: stop showing the open contact that we type. */
    void leave() {
        PeerId c = current;
        if (c != null) client.setTyping(c, false);
    }

    // ------------------------------------------------------------------ events (client event thread)

    void onMessage(ChatMessage m) {
        if (m.direction() != Direction.INCOMING) {
            if (!sentHere.remove(m.id())) sentElsewhere(m); // each id's event comes once: the set stays small
            return;
        }
        typing.remove(m.peer());
        boolean open = m.peer().equals(current);
        if (open) {
            screen.print(line(m));
            client.markRead(m.peer());
        } else {
            screen.print(new AttributedStringBuilder().append(line(m)).style(ChatScreen.DIM)
                    .append("   (/open " + Names.firstWord(client, m.peer()) + " to reply)").toAttributedString());
        }
        screen.refreshStatus();
    }

    /** Sent on this profile by another command or app (through the daemon): shown as ours, marked so. */
    private void sentElsewhere(ChatMessage m) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (m.peer().equals(current)) {
            b.append(line(m));
        } else {
            b.style(ChatScreen.DIM).append(TIME.format(m.sentAt())).append("  ").style(ChatScreen.ME).append("me → " + label(m.peer()))
                    .style(AttributedStyle.DEFAULT).append(": ").append(m.text());
        }
        screen.print(b.style(ChatScreen.DIM).append("   (sent from another command)").toAttributedString());
    }

    void onMessageState(MessageId id, MessageState state) {
        if (advanceLastSent(id, state)) screen.refreshStatus();
    }

    /** The last sent message's state only moves forward, whichever of send's answer and its events comes first. */
    private boolean advanceLastSent(MessageId id, MessageState state) {
        LastSent now = lastSent.updateAndGet(l -> l != null && l.id().equals(id) && (l.state() == null || state.rank() > l.state().rank())
                ? new LastSent(id, state) : l);
        return now != null && now.id().equals(id);
    }

    private record LastSent(MessageId id, MessageState state) {
    }

    void onTyping(PeerId peer, boolean isTyping) {
        if (isTyping) typing.put(peer, true);
        else typing.remove(peer);
        screen.refreshStatus();
    }

    void onPresence(PeerId peer, boolean online) {
        screen.dim("· " + label(peer) + (online ? " is online" : " went offline"));
        if (!online) typing.remove(peer);
        if (online && peer.equals(current)) client.connect(peer);
        screen.refreshStatus();
    }

    /** The session with {@code peer} ({@code ParleyListener.onSessionState}); shown unless closed. */
    void onSessionState(PeerId peer, String state) {
        sessionStates.put(peer, state);
        screen.refreshStatus();
    }

    /** The signaling server came or went ({@code ParleyListener.onServerState}). */
    void onServerState(boolean online, String detail) {
        Boolean before = serverOnline;
        serverOnline = online;
        if (online && !Boolean.TRUE.equals(before)) {
            screen.dim("· connected to " + server + (before == null ? "" : " again"));
        } else if (!online && !Boolean.FALSE.equals(before)) {
            screen.warn(detail + ". Messages you send are kept and go out once we are back. "
                    + (detail.startsWith("cannot reach") ? "Is the server running ('parley serve')? Check --server." : ""));
        }
        screen.refreshStatus();
    }

    void onSecurityWarning(PeerId peer, String reason) {
        screen.warn("SECURITY: " + label(peer) + ": " + reason + ". Nothing from this session was accepted; compare safety numbers (/verify).");
    }

    void onStrangerRefused(PeerId peer) {
        screen.notice("someone who is not your contact (" + peer.shortForm() + "…) tried to reach you; nothing was accepted");
    }

    // ------------------------------------------------------------------ drawing

    private AttributedString line(ChatMessage m) {
        AttributedStringBuilder b = new AttributedStringBuilder().style(ChatScreen.DIM).append(TIME.format(m.direction() == Direction.INCOMING
                ? m.storedAt() : m.sentAt())).append("  ");
        if (m.direction() == Direction.INCOMING) {
            b.style(ChatScreen.THEM).append(label(m.peer())).style(AttributedStyle.DEFAULT).append(": ").append(m.text());
        } else {
            b.style(ChatScreen.ME).append("me").style(AttributedStyle.DEFAULT).append(": ").append(m.text());
            if (m.state().rank() >= MessageState.SENT.rank()) b.style(ChatScreen.DIM).append("  " + mark(m.state()));
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

    /** The bottom line: who we are, the server, the open conversation, unread elsewhere. */
    AttributedString statusLine() {
        AttributedStringBuilder b = new AttributedStringBuilder().style(AttributedStyle.INVERSE);
        b.append(" parley · ").append(client.peerId().shortForm()).append("… · ");
        Boolean online = serverOnline;
        b.append(online == null ? "server: connecting" : online ? "server ● online" : "server ○ offline, retrying");
        PeerId c = current;
        if (c != null) {
            b.append(" | ").append(label(c)).append(client.isOnline(c) ? " ● online" : " ○ offline");
            String session = sessionStates.get(c);
            if (session != null && !"closed".equals(session) && client.isOnline(c)) b.append(", ").append(session);
            LastSent l = lastSent.get();
            MessageState last = l == null ? null : l.state();
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

    private String label(PeerId peer) {
        return Names.label(client, peer);
    }
}
