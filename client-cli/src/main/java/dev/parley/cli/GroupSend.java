package dev.parley.cli;

import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupPost;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley message --group GROUP TEXT}: posts once and exits 0 when another member has stored the
 * post (with {@code --all}, every current member), as their delivery events say. On timeout the post
 * stays stored here and the others get it from whichever member is online later (exit
 * {@link ExitCodes#PEER_UNREACHABLE}).
 */
final class GroupSend {
    private GroupSend() {}

    static int send(Profile profile, PrintWriter out, String groupQuery, String text, boolean all, int timeoutSeconds, boolean json)
            throws InterruptedException {
        EventRecorder events = new EventRecorder();
        try (Parley client = profile.open(events)) {
            GroupInfo g = Groups.resolve(client, groupQuery);
            if (g.status() != GroupInfo.Status.JOINED) {
                throw new CliException(ExitCodes.GROUP, g.status() == GroupInfo.Status.INVITED
                        ? "you are invited to " + g.name() + " but have not joined: 'parley group accept " + GroupCommand.quoteIfNeeded(g.name()) + "' first"
                        : "you are no longer a member of " + g.name());
            }
            PeerId me = client.peerId();
            Set<PeerId> others = new LinkedHashSet<>(client.members(g.id()).stream().map(GroupMember::peer).filter(p -> !p.equals(me)).toList());
            Online.start(client, profile, events, e -> { });
            long t0 = System.nanoTime();
            GroupPost post;
            try {
                post = client.sendToGroup(g.id(), text);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "cannot send: " + e.getMessage());
            } catch (IllegalStateException e) {
                throw new CliException(ExitCodes.GROUP, "cannot send: " + e.getMessage());
            }
            Set<PeerId> storedBy = new LinkedHashSet<>();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!others.isEmpty() && !(all ? storedBy.containsAll(others) : !storedBy.isEmpty())) {
                EventRecorder.Event e = events.next(deadline);
                if (e == null) break;
                if (e instanceof EventRecorder.GroupDelivered d && d.message().equals(post.id())) storedBy.add(d.member());
            }
            boolean done = others.isEmpty() || (all ? storedBy.containsAll(others) : !storedBy.isEmpty());
            if (!done) {
                String queued = "; the message is stored and reaches them from whichever member is online later";
                throw new CliException(ExitCodes.PEER_UNREACHABLE, (all ? storedBy.size() + " of " + others.size() + " members"
                        : "no other member of " + g.name()) + " stored it within " + timeoutSeconds + " s" + queued);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (json) {
                out.println(Json.object().put("id", post.id().value()).put("group", g.id().value()).put("groupName", g.name())
                        .put("state", others.isEmpty() ? "stored" : "delivered")
                        .put("deliveredTo", List.copyOf(storedBy).stream().map(PeerId::value).toList())
                        .put("members", others.size() + 1).put("ms", ms));
            } else if (others.isEmpty()) {
                out.println("Posted to " + g.name() + " (no other members yet).");
            } else {
                out.println("Delivered to " + storedBy.size() + " of " + others.size() + " in " + g.name() + " ("
                        + String.join(", ", storedBy.stream().map(p -> Groups.label(client, p)).toList()) + ", " + ms + " ms).");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
