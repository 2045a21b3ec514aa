package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupPost;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code parley group create|invite|remove|leave|accept|decline|list|members|history}: group conversations of
 * up to 16 members (docs/cli.md § Groups). A change is stored at once; with a daemon serving the profile
 * it goes out to the members at once, otherwise the next time this profile is online.
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = {"Group conversations of up to 16 members, run between the members' devices. "
                + "GROUP is a group id, a group name or a unique prefix of either. A change is stored at once and reaches the "
                + "members when this profile is online (at once while 'parley daemon', 'parley receive' or 'parley chat' runs)."},
        subcommands = {GroupCommand.Create.class, GroupCommand.Invite.class, GroupCommand.Remove.class, GroupCommand.Leave.class,
                GroupCommand.Accept.class, GroupCommand.Decline.class, GroupCommand.ListGroups.class, GroupCommand.Members.class,
                GroupCommand.History.class},
        footer = {"", "Example: parley group create Family --json | jq -r .group",
                "         parley group invite Family Bob Carol && parley message --group Family \"dinner at 8\""})
final class GroupCommand implements Runnable {
    /** The library's limit (docs/protocol.md § Groups, Limits), checked here first so a refused invitation changes nothing. */
    static final int MAX_MEMBERS = 16;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Json groupJson(GroupInfo g) {
        return Json.object().put("group", g.id().value()).put("name", g.name()).put("status", g.status().name().toLowerCase(Locale.ROOT))
                .put("members", g.members()).put("admin", g.admin());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Found a group with you as its only member and admin.")
    static final class Create implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name, as every member sees it.")
        String name;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            if (name == null || name.isBlank()) throw new CliException(ExitCodes.USAGE, "the group name is empty");
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo[] g = new GroupInfo[1];
                Groups.change(() -> g[0] = client.createGroup(name.trim()));
                if (jsonOutput.on) out.println(Json.object().put("group", g[0].id().value()).put("name", g[0].name()));
                else out.println("Created group " + g[0].name() + " (id " + g[0].id() + "). Invite contacts with: parley group invite "
                        + quoteIfNeeded(g[0].name()) + " CONTACT...");
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "Invite contacts (each connected to you once, so their key is pinned) to a group you are an admin of; "
                    + "each must accept. At most 16 members.")
    static final class Invite implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Group id, name or unique prefix.")
        String group;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CONTACT", description = "Peer id, contact name, or a unique prefix of either.")
        List<String> contacts;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo g = Groups.resolve(client, group);
                List<Contact> who = new ArrayList<>();
                for (String c : contacts) {
                    Contact one = Contacts.resolve(client, c);
                    if (who.stream().noneMatch(w -> w.peerId().equals(one.peerId()))) who.add(one);
                }
                // Checked before any add, so a refused invitation changes nothing (the library refuses the 17th too).
                if (g.members() + who.size() > MAX_MEMBERS) {
                    throw new CliException(ExitCodes.GROUP, g.name() + " has " + g.members() + " members and a group holds at most "
                            + MAX_MEMBERS + ": inviting " + who.size() + " more would make " + (g.members() + who.size())
                            + "; nobody was invited");
                }
                Groups.change(() -> client.invite(g.id(), who.stream().map(Contact::peerId).toList()));
                out.println("Invited " + String.join(", ", who.stream().map(Contact::label).toList()) + " to " + g.name() + ".");
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a member from a group you are an admin of.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Group id, name or unique prefix.")
        String group;

        @Parameters(index = "1", paramLabel = "MEMBER", description = "The member's peer id, name, or a unique prefix of either.")
        String member;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo g = Groups.resolve(client, group);
                GroupMember m = Groups.member(client, g, member);
                Groups.change(() -> client.removeFromGroup(g.id(), m.peer()));
                out.println("Removed " + Groups.label(client, m.peer()) + " from " + g.name() + ".");
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    /** leave, accept, decline: one group, one library call. */
    abstract static class OneGroup implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Group id, name or unique prefix.")
        String group;

        abstract void apply(Parley client, GroupInfo g);

        abstract String done(GroupInfo g);

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo g = Groups.resolve(client, group);
                Groups.change(() -> apply(client, g));
                out.println(done(g));
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a group (the others are told; its history stays here).")
    static final class Leave extends OneGroup {
        void apply(Parley client, GroupInfo g) {
            client.leaveGroup(g.id());
        }

        String done(GroupInfo g) {
            return "Left " + g.name() + ".";
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true, description = "Accept an invitation: the group's history syncs from whichever members are online.")
    static final class Accept extends OneGroup {
        void apply(Parley client, GroupInfo g) {
            client.acceptGroup(g.id());
        }

        String done(GroupInfo g) {
            return "Joined " + g.name() + ".";
        }
    }

    @Command(name = "decline", mixinStandardHelpOptions = true, description = "Decline an invitation: nothing of the group is kept.")
    static final class Decline extends OneGroup {
        void apply(Parley client, GroupInfo g) {
            client.declineGroup(g.id());
        }

        String done(GroupInfo g) {
            return "Declined " + g.name() + ".";
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List your groups and invitations.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                List<GroupInfo> all = client.groups();
                if (jsonOutput.on) {
                    out.println(Json.array(all.stream().map(GroupCommand::groupJson).toList()));
                } else if (all.isEmpty()) {
                    out.println("No groups yet. Found one with: parley group create NAME");
                } else {
                    int w = Math.max(4, all.stream().mapToInt(g -> g.name().length()).max().orElse(4));
                    out.printf("%-" + w + "s  %-43s  %-7s  %s%n", "NAME", "GROUP ID", "STATUS", "MEMBERS");
                    for (GroupInfo g : all) {
                        out.printf("%-" + w + "s  %-43s  %-7s  %d%s%n", g.name(), g.id(), g.status().name().toLowerCase(Locale.ROOT),
                                g.members(), g.admin() ? " (admin)" : "");
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List a group's members: name, peer id, admin, verified, online.")
    static final class Members implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Group id, name or unique prefix.")
        String group;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo g = Groups.resolve(client, group);
                List<GroupMember> all = client.members(g.id());
                PeerId me = client.peerId();
                if (jsonOutput.on) {
                    List<Json> items = new ArrayList<>();
                    for (GroupMember m : all) {
                        items.add(Json.object().put("name", Groups.name(client, m)).put("peerId", m.peer().value()).put("admin", m.admin())
                                .put("verified", verified(client, m)).put("online", !m.peer().equals(me) && client.isOnline(m.peer()))
                                .put("you", m.peer().equals(me)));
                    }
                    out.println(Json.array(items));
                } else {
                    out.println(g.name() + ": " + all.size() + (all.size() == 1 ? " member" : " members"));
                    for (GroupMember m : all) {
                        String name = m.peer().equals(me) ? "you" : Groups.name(client, m) == null ? "?" : Groups.name(client, m);
                        out.printf("  %-16s  %-32s  %s%s%s%n", name, m.peer(), m.admin() ? "admin" : "member",
                                verified(client, m) ? ", verified" : "", !m.peer().equals(me) && client.isOnline(m.peer()) ? ", online" : "");
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }

        /** A contact verified by safety number, with the key the roster names for them. */
        private static boolean verified(Parley client, GroupMember m) {
            return client.contact(m.peer()).filter(Contact::verified)
                    .map(c -> m.key() == null || c.pinnedKey() == null || c.pinnedKey().equals(m.key())).orElse(false);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "A group's conversation: its last posts and, among them, its calls (joined: how long and with whom; missed).")
    static final class History implements Callable<Integer> {
        @Mixin
        SharedOptions.Context context;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Group id, name or unique prefix.")
        String group;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many posts and how many calls, each (default ${DEFAULT-VALUE}).")
        int limit;

        @Mixin
        SharedOptions.JsonOutput jsonOutput;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) throw new CliException(ExitCodes.USAGE, "--limit must be 1..1000, not " + limit);
            PrintWriter out = context.out();
            try (Parley client = context.profile().open(null)) {
                GroupInfo g = Groups.resolve(client, group);
                List<GroupPost> posts = Groups.lastPosts(client, g.id(), limit);
                List<Object> all = GroupCallText.merge(posts, client.groupCallHistory(g.id(), limit));
                if (jsonOutput.on) {
                    List<Json> items = new ArrayList<>();
                    for (Object o : all) {
                        if (o instanceof GroupCallRecord r) items.add(GroupCallText.json(r));
                        else if (o instanceof GroupPost p) {
                            items.add(Json.object().put("kind", "message").put("id", p.id().value()).put("author", p.author().value())
                                    .put("direction", p.direction().name().toLowerCase(Locale.ROOT)).put("sentAt", p.sentAt().toString())
                                    .put("text", p.text()));
                        }
                    }
                    out.println(Json.array(items));
                } else if (all.isEmpty()) {
                    out.println(g.name() + ": nothing yet");
                } else {
                    for (Object o : all) {
                        if (o instanceof GroupCallRecord r) {
                            out.println(TIME.format(r.startedAt()) + "  · " + GroupCallText.describe(r, p -> Groups.label(client, p)));
                        } else if (o instanceof GroupPost p) {
                            out.println(TIME.format(p.sentAt()) + "  " + (p.direction() == Direction.OUTGOING ? "me" : Groups.label(client, p.author()))
                                    + ": " + p.text());
                        }
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());
    }

    static String quoteIfNeeded(String s) {
        return s.matches("[A-Za-z0-9._-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
