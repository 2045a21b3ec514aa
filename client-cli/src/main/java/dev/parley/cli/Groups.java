package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupId;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the one group a user means by its id, its name or a unique prefix of either (like
 * {@link Contacts}), and the one member of a group by peer id, name or prefix; the library's group
 * refusals become {@link ExitCodes#GROUP} with its message.
 */
public final class Groups {
    private Groups() {}

    /** The matching group; a {@link CliException} ({@link ExitCodes#GROUP}) when none or several match. */
    public static GroupInfo resolve(Parley client, String query) {
        List<GroupInfo> all = client.groups();
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) throw new CliException(ExitCodes.GROUP, "no group given: name one from 'parley group list'");
        List<GroupInfo> byId = all.stream().filter(g -> g.id().value().equals(q)).toList();
        if (byId.size() == 1) return byId.get(0);
        List<GroupInfo> matches = Contacts.matching(all, q, q, GroupInfo::name, g -> g.id().value());
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) {
            throw new CliException(ExitCodes.GROUP, "no group matches '" + q + "': 'parley group list' shows your groups, "
                    + "'parley group create NAME' founds one");
        }
        throw new CliException(ExitCodes.GROUP, "'" + q + "' matches " + matches.size() + " groups ("
                + matches.stream().map(g -> g.name() + " " + g.id().shortForm()).collect(Collectors.joining(", "))
                + "): use more of the name or the group id");
    }

    /** The matching member of {@code group}, by peer id, contact or roster name, or a unique prefix. */
    public static GroupMember member(Parley client, GroupInfo group, String query) {
        List<GroupMember> all = client.members(group.id());
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) throw new CliException(ExitCodes.GROUP, "no member given: 'parley group members " + group.name() + "' lists them");
        if (PeerId.isValid(q)) {
            PeerId id = PeerId.of(q);
            return all.stream().filter(m -> m.peer().equals(id)).findFirst().orElseThrow(() -> new CliException(ExitCodes.GROUP,
                    "peer " + id.shortForm() + "… is not a member of " + group.name()));
        }
        List<GroupMember> matches = Contacts.matching(all, q, q, m -> name(client, m), m -> m.peer().value());
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) {
            throw new CliException(ExitCodes.GROUP, "no member of " + group.name() + " matches '" + q + "': 'parley group members "
                    + group.name() + "' lists them");
        }
        throw new CliException(ExitCodes.GROUP, "'" + q + "' matches " + matches.size() + " members of " + group.name() + " ("
                + matches.stream().map(m -> label(client, m.peer()) + " " + m.peer().shortForm()).collect(Collectors.joining(", "))
                + "): use more of the name or the peer id");
    }

    /** What this user calls a member: the contact's name, else the name the roster gives, else null. */
    public static String name(Parley client, GroupMember m) {
        return client.contact(m.peer()).map(Contact::displayName).filter(n -> n != null && !n.isBlank()).orElse(m.name());
    }

    /** A member or author for display: the contact's label, else "you", else the short peer id. */
    public static String label(Parley client, PeerId peer) {
        if (peer.equals(client.peerId())) return "you";
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm());
    }

    /** Runs a group change, turning the library's refusals into exit {@link ExitCodes#GROUP} with its reason. */
    public static void change(Runnable r) {
        try {
            r.run();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.GROUP, e.getMessage());
        }
    }

    /**
     * The group's last {@code n} posts in display order, read in pages of 1000 (the daemon API's most
     * per request), so a long history works through a daemon as in process.
     */
    public static List<GroupPost> lastPosts(Parley client, GroupId group, int n) {
        java.util.ArrayDeque<GroupPost> last = new java.util.ArrayDeque<>();
        GroupMessageId after = null;
        while (true) {
            List<GroupPost> page = client.groupHistory(group, after, 1000);
            for (GroupPost p : page) {
                last.addLast(p);
                if (last.size() > n) last.removeFirst();
            }
            if (page.size() < 1000) return List.copyOf(last);
            after = page.get(page.size() - 1).id();
        }
    }
}
