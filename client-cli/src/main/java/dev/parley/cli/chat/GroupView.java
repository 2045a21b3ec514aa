package dev.parley.cli.chat;

import dev.parley.cli.Contacts;
import dev.parley.cli.GroupCallText;
import dev.parley.cli.Groups;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The open group conversation: posts with their authors' names, the receipts summary of the last post
 * sent here (delivered k of n, read by whom), who is typing, membership changes, and the commands
 * {@code /group /join /members /invite /remove /leave}. While a group is open, typed lines go to it.
 *
 * <p>Threads: commands run on the input thread, the {@code on…} methods on the client's event thread;
 * the state they share is volatile or concurrent, and all drawing goes through {@link ChatScreen}.
 */
final class GroupView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Parley client;
    private final ChatScreen screen;
    private final Runnable closeConversation;
    private volatile GroupInfo current;
    private volatile GroupMessageId lastSent;
    /** Roster names of members who are not contacts (the adding admin's label), for authors. */
    private final Map<PeerId, String> rosterNames = new ConcurrentHashMap<>();
    private final Set<PeerId> typing = ConcurrentHashMap.newKeySet();
    /** Ids of the posts this screen sent: their own event is not printed again. */
    private final Set<GroupMessageId> sentHere = ConcurrentHashMap.newKeySet();
    /** Guarded by this: a send is under way, and our posts' events that came meanwhile. */
    private boolean sending;
    private final List<GroupPost> early = new ArrayList<>();

    /** {@code closeConversation}: closes the open 1:1 conversation when a group opens. */
    GroupView(Parley client, ChatScreen screen, Runnable closeConversation) {
        this.client = client;
        this.screen = screen;
        this.closeConversation = closeConversation;
    }

    boolean isOpen() {
        return current != null;
    }

    /** The open group, or null. */
    GroupInfo current() {
        return current;
    }

    String prompt() {
        GroupInfo g = current;
        return g == null ? null : "[" + g.name() + "]> ";
    }

    // ------------------------------------------------------------------ commands (input thread)

    void open(String args) {
        if (args.isBlank()) {
            List<GroupInfo> all = client.groups();
            if (all.isEmpty()) screen.notice("no groups yet: 'parley group create NAME' founds one");
            for (GroupInfo g : all) {
                screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(g.name()).style(AttributedStyle.DEFAULT)
                        .append("  " + g.members() + " members, " + g.status().name().toLowerCase(Locale.ROOT) + (g.admin() ? ", admin" : ""))
                        .style(ChatScreen.DIM).append("  " + g.id().shortForm() + "…").toAttributedString());
            }
            return;
        }
        open(Groups.resolve(client, Names.unquote(args)));
    }

    /** {@code /join GROUP}: accepts an invitation and opens the group (an already joined group just opens). */
    void join(String args) {
        if (args.isBlank()) {
            screen.notice("usage: /join GROUP (a group you are invited to; /group lists them)");
            return;
        }
        GroupInfo g = Groups.resolve(client, Names.unquote(args));
        if (g.status() == GroupInfo.Status.INVITED) {
            Groups.change(() -> client.acceptGroup(g.id()));
            screen.notice("you joined " + g.name() + "; its history comes from whichever members are online");
        }
        open(client.group(g.id()).orElse(g));
    }

    void open(GroupInfo g) {
        if (g.status() != GroupInfo.Status.JOINED) {
            screen.notice(g.status() == GroupInfo.Status.INVITED ? "you are invited to " + g.name() + ": /join " + g.name() + " joins it"
                    : "you are no longer a member of " + g.name());
            return;
        }
        closeConversation.run();
        leave();
        current = g;
        lastSent = null;
        typing.clear();
        refreshNames(g.id());
        screen.print(new AttributedStringBuilder().style(ChatScreen.DIM).append("-- group ").style(ChatScreen.THEM).append(g.name())
                .style(ChatScreen.DIM).append(" (" + g.members() + " members: /members) --").toAttributedString());
        List<GroupPost> all = Groups.lastPosts(client, g.id(), 20); // paged: a daemon answers at most 1000 at a time
        List<Object> shown = GroupCallText.merge(all, client.groupCallHistory(g.id(), 5));
        for (Object o : shown) screen.print(o instanceof GroupPost p ? line(p) : callLine((GroupCallRecord) o));
        if (!all.isEmpty()) client.markGroupRead(g.id(), null);
        screen.refreshStatus();
    }

    /** Closes the group (a contact's conversation opens instead). */
    void close() {
        leave();
        current = null;
        lastSent = null;
        typing.clear();
    }

    void send(String text) {
        GroupInfo g = current;
        GroupPost p;
        synchronized (this) {
            sending = true;
        }
        try {
            p = client.sendToGroup(g.id(), text);
        } catch (IllegalArgumentException | IllegalStateException e) {
            screen.notice("not sent: " + e.getMessage());
            flushEarly(null);
            return;
        }
        flushEarly(p);
        lastSent = p.id();
        client.setGroupTyping(g.id(), false);
        screen.refreshStatus();
    }

    /** Prints our post once: its own event may have come while sendToGroup ran (then it waits in {@code early}). */
    private synchronized void flushEarly(GroupPost mine) {
        sending = false;
        boolean seen = false;
        for (GroupPost e : early) {
            if (mine != null && e.id().equals(mine.id())) seen = true;
            else screen.print(elsewhere(e));
        }
        early.clear();
        if (mine == null) return;
        if (!seen) sentHere.add(mine.id());
        screen.print(line(mine));
    }

    private AttributedString elsewhere(GroupPost p) {
        return new AttributedStringBuilder().append(line(p)).style(ChatScreen.DIM).append("   (sent from another command)").toAttributedString();
    }

    void members(String args) {
        GroupInfo g = requireOpen("/members");
        if (g == null) return;
        List<GroupMember> all = client.members(g.id());
        screen.print(new AttributedString(g.name() + ": " + all.size() + " members", AttributedStyle.BOLD));
        for (GroupMember m : all) {
            boolean me = m.peer().equals(client.peerId());
            boolean online = !me && client.isOnline(m.peer());
            boolean verified = client.contact(m.peer()).map(Contact::verified).orElse(false);
            screen.print(new AttributedStringBuilder().style(online || me ? ChatScreen.THEM : ChatScreen.DIM).append(online || me ? "● " : "○ ")
                    .style(AttributedStyle.BOLD).append(me ? "you" : author(m.peer())).style(AttributedStyle.DEFAULT)
                    .append(m.admin() ? "  admin" : "  member").append(me ? "" : online ? ", online" : ", offline")
                    .append(me ? "" : verified ? ", verified" : ", not verified").style(ChatScreen.DIM).append("  " + m.peer().shortForm() + "…")
                    .toAttributedString());
        }
    }

    void invite(String args) {
        GroupInfo g = requireOpen("/invite CONTACT...");
        if (g == null) return;
        if (args.isBlank()) {
            screen.notice("usage: /invite CONTACT... (names, peer ids or prefixes)");
            return;
        }
        List<Contact> who = new ArrayList<>();
        for (String a : args.split("\\s+")) who.add(Contacts.resolve(client, Names.unquote(a)));
        Groups.change(() -> client.invite(g.id(), who.stream().map(Contact::peerId).distinct().toList()));
        screen.notice("invited " + who.stream().map(Contact::label).collect(Collectors.joining(", ")) + " to " + g.name());
        refreshNames(g.id());
    }

    void remove(String args) {
        GroupInfo g = requireOpen("/remove MEMBER");
        if (g == null) return;
        if (args.isBlank()) {
            screen.notice("usage: /remove MEMBER (name, peer id or prefix; /members lists them)");
            return;
        }
        GroupMember m = Groups.member(client, g, Names.unquote(args));
        Groups.change(() -> client.removeFromGroup(g.id(), m.peer()));
        screen.notice("removed " + author(m.peer()) + " from " + g.name());
    }

    void leaveGroup(String args) {
        GroupInfo g = requireOpen("/leave");
        if (g == null) return;
        Groups.change(() -> client.leaveGroup(g.id()));
        close();
        screen.notice("you left " + g.name() + " (its history stays here)");
        screen.refreshStatus();
    }

    /** After each typed character: tell the open group we are typing, unless it is a command. */
    void typed(String lineSoFar) {
        GroupInfo g = current;
        if (g != null && !lineSoFar.startsWith("/")) client.setGroupTyping(g.id(), true);
    }

    /** On leaving the group view or the client: stop showing that we type. */
    void leave() {
        GroupInfo g = current;
        if (g != null) {
            try {
                client.setGroupTyping(g.id(), false);
            } catch (RuntimeException e) {
                // left or removed meanwhile: nothing to tell
            }
        }
    }

    private GroupInfo requireOpen(String usage) {
        GroupInfo g = current;
        if (g == null) screen.notice("no group open: /group GROUP first, then " + usage);
        return g;
    }

    // ------------------------------------------------------------------ events (client event thread)

    void onGroupMessage(GroupPost p) {
        GroupInfo g = current;
        boolean open = g != null && g.id().equals(p.group());
        if (p.direction() == Direction.OUTGOING) {
            synchronized (this) {
                if (sentHere.remove(p.id())) return; // printed by send()
                if (sending) {
                    early.add(p);
                    return;
                }
            }
            if (open) screen.print(elsewhere(p));
            return;
        }
        typing.remove(p.author());
        if (open) {
            screen.print(line(p));
            client.markGroupRead(p.group(), p.id());
        } else {
            String name = client.group(p.group()).map(GroupInfo::name).orElse(p.group().shortForm());
            screen.print(new AttributedStringBuilder().style(ChatScreen.DIM).append("[" + name + "] ").append(line(p))
                    .style(ChatScreen.DIM).append("   (/group " + name + " to reply)").toAttributedString());
        }
        screen.refreshStatus();
    }

    void onGroupInvited(GroupId group, String name, PeerId from) {
        screen.notice((from == null ? "someone" : Names.label(client, from)) + " invites you to the group " + name
                + ": /join " + name + " accepts ('parley group decline " + name + "' refuses)");
    }

    void onGroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) {
        GroupInfo g = current;
        if (g == null || !g.id().equals(group)) return;
        refreshNames(group);
        client.group(group).ifPresent(now -> current = now.status() == GroupInfo.Status.JOINED ? now : null);
        String who = member.equals(client.peerId()) ? "you" : author(member);
        screen.dim("· " + who + " " + switch (change) {
            case ADDED -> "joined the roster (invited)";
            case REMOVED -> "removed";
            case LEFT -> "left";
            case PROMOTED -> "is an admin now";
            case DEMOTED -> "is no longer an admin";
        });
        screen.refreshStatus();
    }

    /** A call of the open group went into its history: "call, 3 min, with Bob" or "missed call". */
    void onGroupCallRecorded(GroupCallRecord r) {
        GroupInfo g = current;
        if (g != null && g.id().equals(r.group())) screen.print(callLine(r));
        else if (r.missed()) {
            String name = client.group(r.group()).map(GroupInfo::name).orElse(r.group().shortForm());
            screen.print(new AttributedStringBuilder().style(ChatScreen.DIM).append("[" + name + "] ").append(callLine(r)).toAttributedString());
        }
    }

    void onGroupDelivered(GroupId group, GroupMessageId message) {
        if (message.equals(lastSent)) screen.refreshStatus();
    }

    void onGroupRead(GroupId group) {
        GroupInfo g = current;
        if (g != null && g.id().equals(group) && lastSent != null) screen.refreshStatus();
    }

    void onGroupTyping(GroupId group, PeerId peer, boolean isTyping) {
        GroupInfo g = current;
        if (g == null || !g.id().equals(group)) return;
        if (isTyping) typing.add(peer);
        else typing.remove(peer);
        screen.refreshStatus();
    }

    // ------------------------------------------------------------------ drawing

    private void refreshNames(GroupId group) {
        for (GroupMember m : client.members(group)) if (m.name() != null) rosterNames.put(m.peer(), m.name());
    }

    /** An author's name: the contact's label, else the roster's name for them, else the short peer id. */
    private String author(PeerId peer) {
        return client.contact(peer).map(Contact::label).orElseGet(() -> rosterNames.getOrDefault(peer, peer.shortForm() + "…"));
    }

    private AttributedString callLine(GroupCallRecord r) {
        return new AttributedStringBuilder().style(ChatScreen.DIM).append(TIME.format(r.startedAt())).append("  · ")
                .style(r.missed() ? AttributedStyle.BOLD : ChatScreen.DIM).append(GroupCallText.describe(r, this::author)).toAttributedString();
    }

    private AttributedString line(GroupPost p) {
        AttributedStringBuilder b = new AttributedStringBuilder().style(ChatScreen.DIM).append(TIME.format(p.sentAt())).append("  ");
        if (p.direction() == Direction.OUTGOING) b.style(ChatScreen.ME).append("me");
        else b.style(ChatScreen.THEM).append(author(p.author()));
        return b.style(AttributedStyle.DEFAULT).append(": ").append(p.text()).toAttributedString();
    }

    /** The group's status line: name, members, the last post's receipts, who is typing; null when no group is open. */
    AttributedString statusLine() {
        GroupInfo g = current;
        if (g == null) return null;
        AttributedStringBuilder b = new AttributedStringBuilder().style(AttributedStyle.INVERSE);
        int others = Math.max(0, g.members() - 1);
        b.append(" group ").append(g.name()).append(" · ").append(String.valueOf(g.members())).append(" members");
        GroupMessageId last = lastSent;
        if (last != null) {
            int delivered = client.groupDeliveredTo(last).size();
            List<PeerId> readBy = client.groupReadBy(last);
            b.append(" | last: ✓ delivered ").append(delivered + "/" + others);
            if (!readBy.isEmpty()) b.append(", read by ").append(readBy.stream().map(this::author).collect(Collectors.joining(", ")));
        }
        if (!typing.isEmpty()) {
            b.append(" | ").append(typing.stream().map(this::author).sorted().collect(Collectors.joining(", ")))
                    .append(typing.size() == 1 ? " is typing…" : " are typing…");
        }
        b.append(' ');
        return b.toAttributedString();
    }
}
