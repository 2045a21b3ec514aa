package dev.parley.client.internal.store;

import dev.parley.client.internal.group.GroupState;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Schema 4 on a real SQLite file: groups, operations, messages and the outbox survive a restart. */
class GroupStoreTest {
    @TempDir
    Path dir;
    StoreFixture f;

    final IdentityKeyPair alice = IdentityKeyPair.generate(), bob = IdentityKeyPair.generate();
    final RosterOp create = RosterOp.create(alice, "Family", new byte[16], 1_700_000_000_000L);
    final GroupId g = create.group();

    @AfterEach
    void close() {
        if (f != null) f.close();
    }

    private GroupState load(GroupStore s) {
        GroupState st = new GroupState(g);
        for (RosterOp op : s.ops(g)) st.offerOp(op, true);
        for (GroupMessage m : s.messages(g)) st.offer(m, true);
        return st;
    }

    @Test
    void everythingSurvivesARestartAndReloadsIntoTheSameState() {
        f = new StoreFixture(dir);
        GroupStore s = f.store.groups();
        GroupState live = new GroupState(g);
        live.offerOp(create, false);
        RosterOp add = live.roster().next(alice, RosterAction.ADD, bob.publicKey(), "Bob", null, 1_700_000_000_001L);
        live.offerOp(add, false);
        assertThat(s.addGroup(g, "Family", GroupStore.Status.JOINED, null, List.of(create))).isTrue();
        assertThat(s.addGroup(g, "Family", GroupStore.Status.JOINED, null, List.of(create))).isFalse();
        s.addOps(g, List.of(add, create), List.of());

        List<GroupMessage> mine = new ArrayList<>(), theirs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            IdentityKeyPair who = i % 3 == 0 ? bob : alice;
            GroupMessage m = live.compose(who, "m" + i, 1_700_000_000_100L + i);
            assertThat(live.offer(m, false).status()).isEqualTo(GroupState.Status.ACCEPTED);
            (who == alice ? mine : theirs).add(m);
            assertThat(s.addMessages(g, List.of(m), who == alice)).containsExactly(m);
        }
        assertThat(s.addMessages(g, List.of(mine.get(0)), true)).as("stored once").isEmpty();
        assertThat(s.outbox(g)).hasSize(mine.size());
        assertThat(s.delivered(bob.publicKey().peerId(), List.of(mine.get(0).id(), mine.get(1).id()))).hasSize(2);
        assertThat(s.delivered(bob.publicKey().peerId(), List.of(mine.get(0).id()))).isEmpty();
        assertThat(s.deliveredTo(mine.get(0).id())).containsExactly(bob.publicKey().peerId());

        f.restart();
        s = f.store.groups();
        assertThat(f.store.database().schemaVersion()).isEqualTo(Migrations.latest()); // groups came in 4, read marks in 5
        assertThat(s.groups()).extracting(GroupStore.GroupRow::id, GroupStore.GroupRow::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(g, GroupStore.Status.JOINED));
        assertThat(s.ops(g)).containsExactly(create, add);
        assertThat(s.outbox(g)).containsExactlyElementsOf(mine.subList(2, mine.size()).stream().map(GroupMessage::id).toList());
        assertThat(s.groupsWithOutbox()).containsExactly(g);
        GroupState reloaded = load(s);
        assertThat(reloaded.display()).isEqualTo(live.display()).hasSize(20);
        assertThat(reloaded.roster().members()).isEqualTo(live.roster().members());
        assertThat(reloaded.summary()).isEqualTo(live.summary());
        // SQL's display order is the protocol's.
        assertThat(s.history(g, null, 100)).isEqualTo(live.display());
        assertThat(s.history(g, live.display().get(9), 5)).isEqualTo(live.display().subList(10, 15));
    }

    @Test
    void hiddenMessagesLeaveTheHistoryAndADeletedGroupTakesEverythingWithIt() {
        f = new StoreFixture(dir);
        GroupStore s = f.store.groups();
        GroupState live = new GroupState(g);
        live.offerOp(create, false);
        GroupMessage m1 = live.compose(alice, "one", 1L);
        live.offer(m1, false);
        GroupMessage m2 = live.compose(alice, "two", 2L);
        s.addGroup(g, "Family", GroupStore.Status.INVITED, bob.publicKey().peerId(), List.of(create));
        s.addMessages(g, List.of(m1, m2), true);
        s.setHidden(List.of(m2.id()), true);
        assertThat(s.history(g, null, 10)).containsExactly(m1);
        assertThat(s.messages(g)).containsExactly(m1, m2);
        assertThat(s.group(g).orElseThrow().invitedBy()).isEqualTo(bob.publicKey().peerId());
        assertThat(s.setStatus(g, GroupStore.Status.JOINED)).isTrue();
        assertThat(s.setStatus(g, GroupStore.Status.JOINED)).isFalse();
        assertThat(s.delete(g)).isTrue();
        assertThat(s.groups()).isEmpty();
        assertThat(s.messages(g)).isEmpty();
        assertThat(s.ops(g)).isEmpty();
        assertThat(s.outbox(g)).isEmpty();
    }
}
