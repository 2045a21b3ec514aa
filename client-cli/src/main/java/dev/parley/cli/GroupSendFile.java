package dev.parley.cli;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.Parley;
import dev.parley.client.ParleySwarm;
import dev.parley.client.PeerId;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley send-file --group GROUP PATH [--all]}: shares a file into a group and exits 0 once
 * one other member (with {@code --all}: every current member) announces it holds every piece
 * verified; exit 6 if that does not happen within {@code --timeout} seconds of no news. The file
 * stays shared (served by this profile whenever it runs).
 */
final class GroupSendFile {
    private GroupSendFile() {}

    static int run(SharedOptions.Context context, String groupQuery, boolean all, Path source, int timeoutSeconds, boolean json)
            throws InterruptedException {
        Profile profile = context.profile();
        EventRecorder events = new EventRecorder();
        PrintWriter out = context.out();
        PrintWriter err = context.err();
        try (Parley client = profile.open(events)) {
            ParleySwarm swarm = client;
            events.listenToGroupFiles(client);
            GroupInfo g = Groups.resolve(client, groupQuery);
            Online.start(client, profile, events, e -> { });
            long t0 = System.nanoTime();
            GroupFileOffer offer;
            try {
                offer = swarm.shareFileToGroup(g.id(), source);
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException(ExitCodes.FILE, "cannot share " + source + ": " + e.getMessage());
            } catch (IllegalStateException e) {
                throw new CliException(ExitCodes.REJECTED, "cannot share into " + g.name() + ": " + e.getMessage());
            }
            Set<PeerId> waitingFor = new HashSet<>();
            for (GroupMember m : client.members(g.id())) if (!m.peer().equals(client.peerId())) waitingFor.add(m.peer());
            if (waitingFor.isEmpty()) throw new CliException(ExitCodes.USAGE, g.name() + " has no other member to share with");
            Set<PeerId> holders = new HashSet<>();
            if (!json) err.println("Shared " + offer.name() + " into " + g.name() + "; waiting for " + (all ? "every member" : "a member") + " to hold it…");
            err.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (true) {
                EventRecorder.Event e = events.next(deadline);
                if (e == null) break;
                if (e instanceof EventRecorder.GroupFile gf && gf.event() instanceof GroupFileEvent.Held h && h.file().equals(offer.id())) {
                    holders.add(h.member());
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                    if (all ? holders.containsAll(waitingFor) : !holders.isEmpty()) {
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (json) {
                            out.println(Json.object().put("id", offer.id().value()).put("group", g.id().value()).put("groupName", g.name())
                                    .put("file", source.toString()).put("size", offer.size()).put("sha256", offer.sha256Hex())
                                    .put("holders", holders.stream().map(PeerId::value).sorted().toList()).put("state", "held").put("ms", ms));
                        } else {
                            out.println("Shared " + offer.name() + " into " + g.name() + ": held by " + holders.size() + " member(s) after " + ms
                                    + " ms; sha256 " + offer.sha256Hex() + ".");
                        }
                        out.flush();
                        return ExitCodes.OK;
                    }
                }
            }
            throw new CliException(ExitCodes.PEER_UNREACHABLE, (holders.isEmpty() ? "no member" : "not every member") + " of " + g.name()
                    + " holds " + offer.name() + " after " + timeoutSeconds + " s without news; it stays shared: members fetch it whenever "
                    + "this profile runs ('parley receive' keeps it online)");
        }
    }
}
