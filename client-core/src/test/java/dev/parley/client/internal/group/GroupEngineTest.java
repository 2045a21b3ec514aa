package dev.parley.client.internal.group;

import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.store.event.GroupMessageAdded;
import dev.parley.client.internal.time.ManualScheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.peer.GroupPosts;
import dev.parley.protocol.peer.PeerMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group engines over real SQLite profiles, joined by in-memory chat channels that carry the real wire
 * encoding (no WebRTC): limits, bounded catch-up, relaying once, restarts mid-sync, removal cutoffs.
 */
class GroupEngineTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    final ManualScheduler scheduler = new ManualScheduler();
    /** Everyone's key, as each member's contact book would have it. */
    final Map<PeerId, IdentityKey> keys = new HashMap<>();
    final List<Member> members = new ArrayList<>();
    final List<PipeLink> pipes = new ArrayList<>();

    /** One member: a profile database, the engine, and every group message the store announced. */
    final class Member {
        final String name;
        final IdentityKeyPair key;
        ProfileStore store;
        GroupEngine engine;
        final List<GroupPost> shown = new ArrayList<>();
        /** Hidden/shown-again and rename announcements, in order. */
        final List<dev.parley.client.internal.store.event.StoreEvent> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

        Member(String name) throws IOException {
            this.name = name;
            this.key = IdentityKeyPair.generate();
            keys.put(peer(), key.publicKey());
            open();
            members.add(this);
        }

        PeerId peer() {
            return key.publicKey().peerId();
        }

        void open() throws IOException {
            store = ProfileStore.open(dir.resolve(name), key.publicKey(), scheduler.clock());
            store.database().addListener(e -> {
                if (e instanceof dev.parley.client.internal.store.event.GroupMessageVisibility
                        || e instanceof dev.parley.client.internal.store.event.GroupRenamed) {
                    changes.add(e);
                }
                if (e instanceof GroupMessageAdded a) {
                    synchronized (shown) {
                        shown.add(a.post());
                        shown.notifyAll();
                    }
                }
            });
            engine = new GroupEngine(key, store.groups(), p -> Optional.ofNullable(keys.get(p)), scheduler.clock(), scheduler, () -> {});
        }

        void restart() throws IOException {
            close();
            open();
        }

        void close() {
            engine.close();
            store.close();
        }

        /** Waits (on the store's announcements, no sleeping) until {@code n} group messages were shown here in all. */
        void awaitShown(int n) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            synchronized (shown) {
                while (shown.size() < n) {
                    long left = end - System.nanoTime();
                    if (left <= 0) throw new AssertionError(name + " showed " + shown.size() + " of " + n + " group messages");
                    shown.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        List<GroupMessageId> shownIds() {
            synchronized (shown) {
                return shown.stream().map(GroupPost::id).toList();
            }
        }
    }

    /** Links two members both ways; returns the pipe from a to b. */
    PipeLink[] link(Member a, Member b) {
        PipeLink ab = new PipeLink(a.peer(), b.peer(), b.engine), ba = new PipeLink(b.peer(), a.peer(), a.engine);
        pipes.add(ab);
        pipes.add(ba);
        a.engine.onLinkUp(ab);
        b.engine.onLinkUp(ba);
        ab.open();
        ba.open();
        return new PipeLink[] {ab, ba};
    }

    void unlink(Member a, Member b, PipeLink[] p) {
        a.engine.onLinkDown(b.peer());
        b.engine.onLinkDown(a.peer());
        p[0].close();
        p[1].close();
    }

    @AfterEach
    void closeAll() {
        pipes.forEach(PipeLink::close);
        members.forEach(Member::close);
    }

    /** Alice's group with the others invited and accepted. */
    GroupId group(Member admin, Member... invitees) throws Exception {
        GroupInfo g = admin.engine.create("Team");
        admin.engine.invite(Ids.wire(g.id()), java.util.Arrays.stream(invitees).map(Member::peer).toList());
        for (Member m : invitees) {
            PipeLink[] p = link(admin, m);
            awaitInvited(m, Ids.wire(g.id()));
            unlink(admin, m, p);
            m.engine.accept(Ids.wire(g.id()));
        }
        return Ids.wire(g.id());
    }

    void awaitInvited(Member m, GroupId g) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (m.engine.group(g).isEmpty()) {
            if (System.nanoTime() > end) throw new AssertionError(m.name + " never got the invitation");
            synchronized (this) {
                wait(5); // the engine announces invitations only as store events; this polls its own answer
            }
        }
    }

    @Test
    void theSeventeenthMemberIsRefusedWithAClearError() throws Exception {
        Member alice = new Member("alice");
        GroupInfo g = alice.engine.create("Big");
        List<PeerId> fifteen = new ArrayList<>();
        for (int i = 0; i < GroupLimits.MAX_MEMBERS - 1; i++) {
            IdentityKey k = IdentityKeyPair.generate().publicKey();
            keys.put(k.peerId(), k);
            fifteen.add(k.peerId());
        }
        alice.engine.invite(Ids.wire(g.id()), fifteen);
        assertThat(alice.engine.members(Ids.wire(g.id()))).hasSize(16);
        IdentityKey seventeenth = IdentityKeyPair.generate().publicKey();
        keys.put(seventeenth.peerId(), seventeenth);
        assertThatThrownBy(() -> alice.engine.invite(Ids.wire(g.id()), List.of(seventeenth.peerId())))
                .isInstanceOf(GroupRefusedException.class).hasMessage("the group is full: at most 16 members");
        assertThat(alice.engine.members(Ids.wire(g.id()))).hasSize(16);
        alice.restart();
        assertThat(alice.engine.members(Ids.wire(g.id()))).hasSize(16);
        assertThat(alice.engine.group(Ids.wire(g.id())).orElseThrow().members()).isEqualTo(16);
    }

    @Test
    void aMemberFarBehindCatchesUpInBoundedBatchesAndARestartMidSyncLosesAndRepeatsNothing() throws Exception {
        Member alice = new Member("alice"), bob = new Member("bob");
        GroupId g = group(alice, bob);
        int n = 1000;
        for (int i = 0; i < n; i++) alice.engine.send(g, "message " + i + " " + "ü".repeat(i % 500));
        alice.awaitShown(n);

        PipeLink[] p = link(alice, bob);
        bob.awaitShown(100);
        unlink(alice, bob, p);
        bob.restart();
        int before = bob.shown.size();
        assertThat(bob.engine.history(g, null, 2 * n)).hasSize(before);
        link(alice, bob);
        bob.awaitShown(n);

        assertThat(bob.shownIds()).doesNotHaveDuplicates().hasSize(n);
        assertThat(bob.engine.history(g, null, 2 * n)).extracting(GroupPost::id)
                .isEqualTo(alice.engine.history(g, null, 2 * n).stream().map(GroupPost::id).toList());
        for (PipeLink pipe : pipes) {
            for (PeerMessage m : pipe.sent) {
                if (m instanceof GroupPosts posts) assertThat(posts.messages()).hasSizeLessThanOrEqualTo(GroupLimits.MAX_BATCH);
            }
        }
        assertThat(bob.engine.rejections(g)).isEmpty();
    }

    @Test
    void eachNewMessageIsRelayedOnceToMembersTheAuthorNeverMeets() throws Exception {
        Member alice = new Member("alice"), bob = new Member("bob"), carol = new Member("carol");
        GroupId g = group(alice, bob, carol);
        // Alice and Carol never meet: Bob is between them.
        PipeLink[] ab = link(alice, bob), bc = link(bob, carol);
        GroupPost hello = alice.engine.send(g, "hello carol");
        carol.awaitShown(1);
        assertThat(carol.shownIds()).containsExactly(hello.id());
        GroupPost back = carol.engine.send(g, "hi alice");
        alice.awaitShown(2);
        assertThat(alice.shownIds()).containsExactly(hello.id(), back.id());
        // A round of summaries brings nothing new and repeats nothing.
        scheduler.advance(GroupEngine.SYNC_PERIOD);
        GroupPost sentinel = alice.engine.send(g, "sentinel");
        carol.awaitShown(3);
        assertThat(carol.shownIds()).containsExactly(hello.id(), back.id(), sentinel.id());
        long copiesToCarol = bc[0].sent.stream().filter(m -> m instanceof GroupPosts)
                .flatMap(m -> ((GroupPosts) m).messages().stream()).filter(m -> Ids.app(m.id()).equals(hello.id())).count();
        assertThat(copiesToCarol).as("Bob relays Alice's message to Carol once").isEqualTo(1);
        assertThat(bc[0].sent).as("nobody gets their own message back")
                .noneMatch(m -> m instanceof GroupPosts gp && gp.messages().stream().anyMatch(x -> Ids.app(x.id()).equals(back.id())));
        assertThat(ab[1].sent).as("Bob relays Carol's message to Alice once").filteredOn(m -> m instanceof GroupPosts gp
                && gp.messages().stream().anyMatch(x -> Ids.app(x.id()).equals(back.id()))).hasSize(1);
        assertThat(bob.engine.history(g, null, 10)).extracting(GroupPost::id).containsExactly(hello.id(), back.id(), sentinel.id());
    }

    @Test
    void aRemovedMembersPostAfterTheCutoffIsNeverShown() throws Exception {
        Member alice = new Member("alice"), bob = new Member("bob"), carol = new Member("carol");
        GroupId g = group(alice, bob, carol);
        PipeLink[] ab = link(alice, bob);
        GroupPost before = bob.engine.send(g, "before");
        alice.awaitShown(1);
        unlink(alice, bob, ab);
        alice.engine.remove(g, bob.peer());
        assertThat(alice.engine.members(g)).extracting(m -> Ids.wire(m.peer())).doesNotContain(bob.peer());
        // Bob, not told yet, posts again; Carol hears it from Bob only after she has the removal from Alice.
        GroupPost after = bob.engine.send(g, "after the removal");
        link(alice, carol);
        carol.awaitShown(1);
        assertThat(carol.shownIds()).containsExactly(before.id());
        assertThat(carol.engine.members(g)).extracting(m -> Ids.wire(m.peer())).doesNotContain(bob.peer());
        link(bob, carol);
        // Bob learns he was removed from Carol, and Carol refuses his late post: nothing more is shown.
        long end = System.nanoTime() + WAIT.toNanos();
        while (bob.engine.group(g).orElseThrow().status() != GroupInfo.Status.LEFT) {
            if (System.nanoTime() > end) throw new AssertionError("bob never learned of his removal");
            synchronized (this) {
                wait(5);
            }
        }
        GroupPost sentinel = alice.engine.send(g, "sentinel");
        carol.awaitShown(2);
        assertThat(carol.shownIds()).containsExactly(before.id(), sentinel.id());
        assertThat(carol.engine.history(g, null, 10)).extracting(GroupPost::id).doesNotContain(after.id());
        assertThatThrownBy(() -> bob.engine.send(g, "again")).isInstanceOf(GroupRefusedException.class);
    }

    /**
     * Carol shows Bob's post, then hears (late) that Alice removed Bob before it and renamed the
     * group: the post is hidden with an announcement, the new name is announced, once each, and a
     * restart announces neither again.
     */
    @Test
    void aLateRemovalHidingAShownPostAndARenameAreAnnouncedOnce() throws Exception {
        Member alice = new Member("alice"), bob = new Member("bob"), carol = new Member("carol");
        GroupId g = group(alice, bob, carol);
        alice.engine.remove(g, bob.peer()); // Alice holds nothing of Bob's: cutoff 0
        alice.engine.rename(g, "Renamed");
        PipeLink[] bc = link(bob, carol);
        GroupPost late = bob.engine.send(g, "posted after the removal, unaware");
        carol.awaitShown(1);
        assertThat(carol.shownIds()).containsExactly(late.id());
        GroupPost lateAtCarol;
        synchronized (carol.shown) {
            lateAtCarol = carol.shown.get(0);
        }
        unlink(bob, carol, bc);
        link(alice, carol);
        GroupPost sentinel = alice.engine.send(g, "sentinel");
        carol.awaitShown(2);
        assertThat(carol.shownIds()).containsExactly(late.id(), sentinel.id());
        assertThat(carol.changes).containsExactlyInAnyOrder(
                new dev.parley.client.internal.store.event.GroupMessageVisibility(lateAtCarol, false),
                new dev.parley.client.internal.store.event.GroupRenamed(g, "Renamed"));
        assertThat(carol.engine.history(g, null, 10)).extracting(GroupPost::id).containsExactly(sentinel.id());
        assertThat(carol.engine.group(g).orElseThrow().name()).isEqualTo("Renamed");
        assertThat(alice.engine.history(g, null, 10)).extracting(GroupPost::id).containsExactly(sentinel.id());

        carol.changes.clear();
        carol.restart();
        link(alice, carol);
        GroupPost again = alice.engine.send(g, "after carol's restart");
        carol.awaitShown(3);
        assertThat(carol.shownIds()).containsExactly(late.id(), sentinel.id(), again.id());
        assertThat(carol.changes).isEmpty();
    }

    @Test
    void fiveMembersPostingConcurrentlyConvergeOnTheSameMessagesInTheSameOrder() throws Exception {
        Member alice = new Member("alice");
        List<Member> all = new ArrayList<>(List.of(alice));
        for (String n : List.of("bob", "carol", "dave", "erin")) all.add(new Member(n));
        GroupId g = group(alice, all.subList(1, 5).toArray(new Member[0]));
        // A ring, not a mesh: most messages reach most members only by relay.
        for (int i = 0; i < all.size(); i++) link(all.get(i), all.get((i + 1) % all.size()));
        int each = 40;
        List<Thread> posters = new ArrayList<>();
        for (Member m : all) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) m.engine.send(g, m.name + " " + i);
            }, "poster-" + m.name);
            posters.add(t);
            t.start();
        }
        for (Thread t : posters) t.join();
        for (Member m : all) m.awaitShown(each * all.size());
        List<GroupMessageId> order = alice.engine.history(g, null, 1000).stream().map(GroupPost::id).toList();
        assertThat(order).hasSize(each * all.size()).doesNotHaveDuplicates();
        for (Member m : all) {
            assertThat(m.shownIds()).as(m.name + " showed each once").doesNotHaveDuplicates().hasSize(each * all.size());
            assertThat(m.engine.history(g, null, 1000)).extracting(GroupPost::id).as(m.name + "'s order").isEqualTo(order);
            assertThat(m.engine.rejections(g)).as(m.name).doesNotContainKeys(Rejection.BAD_SIGNATURE, Rejection.FORK,
                    Rejection.NOT_MEMBER, Rejection.BAD_CHAIN, Rejection.BAD_CLOCK, Rejection.OVERFLOW);
        }
    }

    @Test
    void anAdminPromotesRenamesAndDemotesAndEveryMemberAgrees() throws Exception {
        Member alice = new Member("alice"), bob = new Member("bob"), carol = new Member("carol");
        GroupId g = group(alice, bob);
        assertThatThrownBy(() -> bob.engine.invite(g, List.of(carol.peer()))).hasMessageContaining("only an admin");
        alice.engine.setAdmin(g, bob.peer(), true);
        PipeLink[] ab = link(alice, bob);
        GroupPost sync = alice.engine.send(g, "promoted you");
        bob.awaitShown(1);
        assertThat(bob.shownIds()).containsExactly(sync.id());
        assertThat(bob.engine.group(g).orElseThrow().admin()).isTrue();
        // Now Bob may invite and rename; Alice hears of both.
        bob.engine.invite(g, List.of(carol.peer()));
        bob.engine.rename(g, "Team ✓");
        GroupPost after = bob.engine.send(g, "invited carol");
        alice.awaitShown(2);
        assertThat(alice.engine.members(g)).extracting(m -> Ids.wire(m.peer())).containsExactly(alice.peer(), bob.peer(), carol.peer());
        assertThat(alice.engine.group(g).orElseThrow().name()).isEqualTo("Team ✓");
        assertThat(alice.shownIds()).containsExactly(sync.id(), after.id());
        alice.engine.setAdmin(g, bob.peer(), false);
        assertThatThrownBy(() -> alice.engine.setAdmin(g, alice.peer(), false)).hasMessageContaining("last admin");
        GroupPost last = alice.engine.send(g, "demoted you");
        bob.awaitShown(3);
        assertThat(bob.engine.group(g).orElseThrow().admin()).isFalse();
        assertThatThrownBy(() -> bob.engine.rename(g, "Mine")).hasMessageContaining("only an admin");
        unlink(alice, bob, ab);
        alice.restart();
        assertThat(alice.engine.group(g).orElseThrow()).extracting(GroupInfo::name, GroupInfo::members, GroupInfo::admin)
                .containsExactly("Team ✓", 3, true);
        assertThat(alice.engine.history(g, null, 10)).extracting(GroupPost::id).containsExactly(sync.id(), after.id(), last.id());
    }
}
