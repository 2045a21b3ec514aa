package dev.parley.client;

import dev.parley.client.GroupMemberProcess.Child;
import dev.parley.client.GroupMemberProcess.Shown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group members in separate JVMs (real server, real WebRTC, real SQLite in temp profiles) where
 * restarts matter: the author's process killed (-9) before a member who was offline comes back, and
 * members killed in the middle of a catch-up. Each member acknowledges its events by hand after it
 * "displayed" them ({@link GroupMemberProcess}), as an app that wants exactly-once display does.
 * (Five members posting at once is {@code GroupEngineTest} in process and {@code ./parley bench groups}
 * in five JVMs.)
 */
@Tag("native")
class GroupRestartTest {
    @TempDir
    Path dir;
    TestNetwork net;
    final List<Child> children = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Child c : children) if (c.process.isAlive()) c.kill();
        if (net != null) net.close();
    }

    Child start(String name) throws Exception {
        Child c = new Child(name, net.profile(name), net.uri(), dir.resolve(name + ".err"));
        children.add(c);
        return c;
    }

    /** Alice founds a group with Bob and Carol (her contacts; they are not each other's); all three show "hello". */
    String group(Child a, Child b, Child c) throws Exception {
        for (Child x : List.of(b, c)) {
            a.cmd("ADD " + x.contact, "OK");
            x.cmd("ADD " + a.contact, "OK");
        }
        String gid = a.cmd("CREATE Family", "GROUP ").substring(6);
        a.cmd("INVITE " + gid + " " + b.peerId + " " + c.peerId, "OK");
        for (Child x : List.of(b, c)) {
            x.await("INVITED " + gid, 60);
            x.cmd("ACCEPT " + gid, "OK");
        }
        a.cmd("SEND " + gid + " 1 hello", "SENDDONE hello");
        for (Child x : List.of(a, b, c)) x.awaitShown("hello", 1, 60);
        return gid;
    }

    @Test
    void aMemberOfflineWhileTheAuthorPostedGetsEverythingFromAThirdAfterTheAuthorWasKilled() throws Exception {
        net = new TestNetwork(dir);
        Child alice = start("alice"), bob = start("bob"), carol = start("carol");
        String gid = group(alice, bob, carol);
        carol.stop();
        alice.cmd("SEND " + gid + " 40 missed", "SENDDONE missed");
        List<String> posted = alice.sent("missed");
        bob.awaitShown("missed", 40, 60);
        alice.kill(); // the author is gone for good, not even a clean close

        Child carol2 = start("carol");
        carol2.awaitShown("missed", 40, 120);
        assertThat(carol2.shown("missed")).extracting(Shown::id).containsExactlyInAnyOrderElementsOf(posted);
        // A last post closes the window: nothing else (no repeat of "hello", no duplicate) came before it.
        bob.cmd("SEND " + gid + " 1 sentinel", "SENDDONE sentinel");
        carol2.awaitShown("sentinel", 1, 60);
        assertThat(carol2.shown()).extracting(Shown::tag).hasSize(41).containsOnly("missed", "sentinel");
        assertThat(carol2.history(gid)).hasSize(42).isEqualTo(bob.history(gid));
    }

    @Test
    void killingTheCatchingUpMemberAndItsSourceMidSyncLosesNothingAndShowsNothingTwice() throws Exception {
        net = new TestNetwork(dir);
        Child alice = start("alice"), bob = start("bob"), carol = start("carol");
        String gid = group(alice, bob, carol);
        carol.stop();
        int n = 600;
        alice.cmd("SEND " + gid + " " + n + " burst", "SENDDONE burst");
        Set<String> posted = new HashSet<>(alice.sent("burst"));
        bob.awaitShown("burst", n, 120);
        alice.stop(); // Bob is the only source now

        // Carol comes back and is killed once the catch-up is under way.
        Child carol1 = start("carol");
        carol1.awaitShown("burst", 1, 120);
        carol1.kill();
        List<Shown> first = carol1.shown("burst");
        long acked = carol1.lastAcked();
        System.out.printf("carol was killed after showing %d of %d (acknowledged up to seq %d)%n", first.size(), n, acked);

        // Again; this time her source is killed under her and restarted.
        Child carol2 = start("carol");
        carol2.awaitShown("burst", 1, 120);
        bob.kill();
        Child bob2 = start("bob");
        List<Shown> all = new ArrayList<>(first);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            Set<String> seen = new HashSet<>(first.stream().map(Shown::id).toList());
            carol2.shown("burst").forEach(s -> seen.add(s.id()));
            if (seen.containsAll(posted)) break;
            assertThat(System.nanoTime()).as("carol caught up (" + seen.size() + " of " + n + ")").isLessThan(end);
            synchronized (carol2) {
                carol2.wait(200); // woken by each shown line
            }
        }
        all.addAll(carol2.shown("burst"));

        // Nothing lost: every post shown; nothing twice: one event (one seq) per message ever, an
        // acknowledged event never again, and within one run nothing repeated.
        Map<String, Set<Long>> bySeq = GroupMemberProcess.seqsById(all);
        assertThat(bySeq.keySet()).containsExactlyInAnyOrderElementsOf(posted);
        assertThat(bySeq.values()).allSatisfy(seqs -> assertThat(seqs).hasSize(1));
        assertThat(first).extracting(Shown::id).doesNotHaveDuplicates();
        assertThat(carol2.shown("burst")).extracting(Shown::id).doesNotHaveDuplicates();
        assertThat(carol2.shown()).extracting(Shown::seq).allSatisfy(seq -> assertThat(seq).isGreaterThan(acked));
        assertThat(carol2.shown()).extracting(Shown::tag).containsOnly("burst");
        assertThat(carol2.history(gid)).hasSize(n + 1).isEqualTo(bob2.history(gid));
    }
}
