package dev.parley.cli;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupFileState;
import dev.parley.client.GroupId;
import dev.parley.client.GroupMessageId;
import dev.parley.client.ParleyClient;
import dev.parley.client.PeerId;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The demo's group file: the first member shares it into the group; the second fetches it from the
 * sharer; then the third, with the sharer's uploads capped, fetches it from both at once, each piece
 * checked against the signed Merkle tree. Every copy's SHA-256 is compared with the original.
 */
final class GroupFileDemo {
    static final int BYTES = 8 << 20;
    /** The sharer's upload cap while the last member fetches: the other holder serves the rest. */
    static final long SHARER_CAP = 2 << 20;

    private GroupFileDemo() {}

    /** One member's group-file events, for the script to wait on. */
    private static final class FileEvents {
        final BlockingQueue<GroupFileEvent> events = new LinkedBlockingQueue<>();

        <T extends GroupFileEvent> T await(Class<T> type, GroupMessageId file, String who, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                GroupFileEvent e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (type.isInstance(e) && e.file().equals(file)) return type.cast(e);
                if (e instanceof GroupFileEvent.Failed f && f.file().equals(file)) {
                    throw new DemoCommand.TimeoutException(who + ": the group file failed: " + f.reason());
                }
                if (System.nanoTime() >= deadline) {
                    throw new DemoCommand.TimeoutException(who + ": no " + type.getSimpleName() + " for the group file within " + seconds + " s");
                }
            }
        }
    }

    /** Returns the seconds the last fetch took (from two holders); throws if a copy is not the original. */
    static double run(Path dir, GroupId group, List<ParleyClient> members, List<String> names, BiConsumer<String, String> say)
            throws Exception {
        ParleyClient sharer = members.get(0), second = members.get(1), third = members.get(2);
        FileEvents atSecond = new FileEvents(), atThird = new FileEvents();
        second.addGroupFileListener(atSecond.events::add);
        third.addGroupFileListener(atThird.events::add);
        Path file = dir.resolve("trail-map.bin");
        DemoCommand.writeRandom(file, BYTES);
        String hash = DemoCommand.sha256(file);
        Map<PeerId, String> who = Map.of(sharer.peerId(), names.get(0), second.peerId(), names.get(1), third.peerId(), names.get(2));

        GroupFileOffer offer = sharer.shareFileToGroup(group, file);
        say.accept(names.get(0), String.format("shares \"%s\" (%d MiB) into the group: a signed offer with the Merkle root of its pieces",
                offer.name(), BYTES >> 20));
        atSecond.await(GroupFileEvent.Offered.class, offer.id(), names.get(1), 20);
        second.acceptGroupFile(offer.id());
        GroupFileEvent.Completed first = atSecond.await(GroupFileEvent.Completed.class, offer.id(), names.get(1), 60);
        check(first, hash, names.get(1));
        say.accept(names.get(1), "accepts; fetched every piece from " + sources(first, who) + ", each checked against the tree; SHA-256 verified");

        atThird.await(GroupFileEvent.Offered.class, offer.id(), names.get(2), 20);
        sharer.setGroupFileUploadLimit(SHARER_CAP);
        long start = System.nanoTime();
        third.acceptGroupFile(offer.id());
        GroupFileEvent.Completed last = atThird.await(GroupFileEvent.Completed.class, offer.id(), names.get(2), 60);
        double seconds = (System.nanoTime() - start) / 1e9;
        sharer.setGroupFileUploadLimit(0);
        check(last, hash, names.get(2));
        say.accept(names.get(2), String.format("accepts while %s's uploads are capped at %d MiB/s: pieces came from %s at once (%.1f s); SHA-256 verified",
                names.get(0), SHARER_CAP >> 20, sources(last, who), seconds));
        if (third.groupFile(offer.id()).map(f -> f.state() != GroupFileState.COMPLETED).orElse(true)
                || sharer.groupFile(offer.id()).map(f -> f.state() != GroupFileState.SHARED).orElse(true)) {
            throw new DemoCommand.TimeoutException("the group file's records do not say completed and shared");
        }
        return seconds;
    }

    private static void check(GroupFileEvent.Completed c, String hash, String who) throws Exception {
        if (!DemoCommand.sha256(c.path()).equals(hash)) throw new DemoCommand.TimeoutException(who + ": the group file's copy differs");
    }

    private static String sources(GroupFileEvent.Completed c, Map<PeerId, String> who) {
        return c.sources().entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> who.get(a).compareTo(who.get(b))))
                .map(e -> String.format("%s (%.1f MiB)", who.get(e.getKey()), e.getValue() / 1048576.0))
                .collect(Collectors.joining(" and "));
    }
}
