package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.RosterOpId;
import dev.parley.protocol.swarm.SwarmOffer;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The group auto-accept rule at one real engine (real store in a temp dir; offers are real signed group
 * posts handed in as the group engine hands them): offers up to the cap from a current member are
 * accepted as they arrive, announced as offered and then accepted exactly once; bigger ones, and one from
 * a member removed since it posted, wait for the app. End to end with real peers: SwarmTest.
 */
class GroupAutoAcceptTest {
    @TempDir
    Path dir;
    SwarmEngine engine;
    ProfileStore store;
    final IdentityKeyPair alice = IdentityKeyPair.generate(), carol = IdentityKeyPair.generate();
    final GroupId group = GroupId.derive(alice.publicKey(), new byte[GroupId.SALT_LENGTH]);
    final Set<PeerId> members = ConcurrentHashMap.newKeySet();
    final EventRecorder<GroupFileEvent> events = new EventRecorder<>("files");
    long seqAlice, seqCarol;

    @AfterEach
    void close() {
        if (engine != null) engine.close();
        if (store != null) store.close();
    }

    GroupMessage offer(IdentityKeyPair author, long size) {
        long seq = author == alice ? ++seqAlice : ++seqCarol;
        SwarmOffer o = new SwarmOffer("f" + size + ".bin", size, "application/octet-stream", 64 * 1024,
                Base64Url.encode(new byte[32]), "0".repeat(64));
        // Each post stands alone (chains are the group engine's check, and these posts are handed in past it).
        return GroupMessage.sign(author, group, 1, null, List.of(), RosterOpId.ofCanonical(new byte[]{(byte) seq}), seq,
                System.currentTimeMillis(), o.toBody());
    }

    GroupFileEvent.Offered offered(GroupMessage m) {
        GroupFileEvent.Offered o = events.expectNext(GroupFileEvent.Offered.class, "offer " + m.id().shortForm(),
                e -> e.file().equals(Ids.app(m.id())));
        assertThat(o.offer().group()).isEqualTo(Ids.app(group));
        return o;
    }

    void accepted(GroupMessage m, boolean automatically) {
        events.expectNext(GroupFileEvent.Accepted.class, "accepted " + m.id().shortForm() + (automatically ? " by the rule" : " by the app"),
                e -> e.file().equals(Ids.app(m.id())) && e.group().equals(Ids.app(group)) && e.automatically() == automatically);
    }

    @Test
    void offersUpToTheCapFromCurrentMembersAreAcceptedOnArrivalAndSaidSoOnce() throws Exception {
        members.add(alice.publicKey().peerId());
        members.add(carol.publicKey().peerId());
        IdentityKeyPair me = IdentityKeyPair.generate();
        store = ProfileStore.open(dir, me.publicKey(), Clock.systemUTC());
        engine = new SwarmEngine(me.publicKey().peerId(), store.groupFiles(), dir.resolve("swarm"), dir.resolve("downloads"),
                g -> g.equals(group) ? Optional.of(Set.copyOf(members)) : Optional.empty(),
                (g, body) -> { throw new AssertionError("nothing is shared here"); }, Scheduler.system());
        engine.addListener(events);

        GroupMessage waiting = offer(alice, 500);
        engine.posts(group, List.of(waiting));
        offered(waiting); // before the rule: stays offered, and setting the rule does not reach back to it
        engine.autoAccept(group, 1000);

        GroupMessage atCap = offer(alice, 1000), overCap = offer(alice, 1001);
        engine.posts(group, List.of(atCap, overCap));
        offered(atCap);
        accepted(atCap, true);
        engine.accept(atCap.id()); // accepted already: says nothing more
        offered(overCap);

        // Carol posted while a member and was removed before her post arrived: her offer waits for the app.
        members.remove(carol.publicKey().peerId());
        GroupMessage fromRemoved = offer(carol, 10);
        engine.posts(group, List.of(fromRemoved));
        offered(fromRemoved);

        // The app accepts the big one itself; then the rule is turned off (0: a group file is never empty).
        engine.accept(overCap.id());
        accepted(overCap, false);
        engine.autoAccept(group, 0);
        GroupMessage afterOff = offer(alice, 1);
        engine.posts(group, List.of(afterOff));
        offered(afterOff); // the sentinel: nothing came between, and nothing was accepted twice
        events.assertExhausted();

        assertThat(engine.files()).hasSize(5);
        // Each answer is in the file's record, which is what a restart reads back.
        assertThat(Stream.of(waiting, atCap, overCap, fromRemoved, afterOff).map(m -> store.groupFiles().get(m.id()).orElseThrow().state()))
                .containsExactly(GroupFileState.OFFERED, GroupFileState.ACCEPTED, GroupFileState.ACCEPTED, GroupFileState.OFFERED,
                        GroupFileState.OFFERED);
        assertThatThrownBy(() -> engine.autoAccept(group, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.decline(atCap.id())).isInstanceOf(IllegalStateException.class).hasMessage("the file is accepted");
    }
}
