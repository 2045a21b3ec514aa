package dev.parley.client.internal.event;

import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupPost;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.group.GroupEngine;
import dev.parley.client.internal.store.GroupStore;
import dev.parley.client.internal.time.ManualScheduler;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.RosterOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Group events are stored events: numbered with the change, re-delivered after a restart until acknowledged, then never again. */
class GroupEventsTest {
    @TempDir
    Path dir;
    final ManualScheduler scheduler = new ManualScheduler();
    final IdentityKeyPair me = IdentityKeyPair.generate();
    final IdentityKeyPair bob = IdentityKeyPair.generate();

    /** One run of the app: the store, the stream in manual-ack mode, the engine. */
    final class Run extends AppRun {
        final GroupEngine engine;

        Run() throws Exception {
            super(dir, me.publicKey(), scheduler);
            engine = new GroupEngine(me, store.groups(), p -> p.equals(bob.publicKey().peerId())
                    ? Optional.of(bob.publicKey()) : Optional.<IdentityKey>empty(), scheduler.clock(), scheduler, () -> {});
        }

        @Override
        public void close() {
            engine.close();
            super.close();
        }
    }

    @Test
    void groupEventsAreDeliveredUntilAcknowledgedAndThenNeverAgain() throws Exception {
        List<ParleyEvent.Stored> live = new ArrayList<>();
        GroupInfo g;
        try (Run run = new Run()) {
            g = run.engine.create("Team");
            run.engine.invite(Ids.wire(g.id()), List.of(bob.publicKey().peerId()));
            GroupPost p1 = run.engine.send(Ids.wire(g.id()), "one");
            GroupPost p2 = run.engine.send(Ids.wire(g.id()), "two");
            // Someone else's group invites us (stored as the engine would on an arriving roster).
            RosterOp other = RosterOp.create(bob, "Bob's", new byte[16], 1L);
            run.store.groups().addGroup(other.group(), "Bob's", GroupStore.Status.INVITED, bob.publicKey().peerId(), List.of(other));
            for (int i = 0; i < 4; i++) live.add(run.next());
            assertThat(live.get(0)).isEqualTo(new ParleyEvent.GroupMemberChanged(live.get(0).seq(), g.id(), Ids.app(bob.publicKey().peerId()),
                    GroupMember.Change.ADDED));
            assertThat(live.get(1)).isEqualTo(new ParleyEvent.GroupMessageAdded(live.get(1).seq(), p1));
            assertThat(live.get(2)).isEqualTo(new ParleyEvent.GroupMessageAdded(live.get(2).seq(), p2));
            assertThat(live.get(3)).isEqualTo(new ParleyEvent.GroupInvited(live.get(3).seq(), Ids.app(other.group()), "Bob's", Ids.app(bob.publicKey().peerId())));
            assertThat(live).extracting(ParleyEvent.Stored::seq).isSorted().doesNotHaveDuplicates();
            run.stream.ack(live.get(0).seq());
            assertThat(run.events).isEmpty();
        }
        try (Run run = new Run()) {
            // The three not acknowledged come again, identical, numbers and all; then nothing.
            assertThat(List.of(run.next(), run.next(), run.next())).isEqualTo(live.subList(1, 4));
            GroupPost three = run.engine.send(Ids.wire(g.id()), "three");
            ParleyEvent.Stored e = run.next();
            assertThat(e).as("nothing else before the new post").isEqualTo(new ParleyEvent.GroupMessageAdded(e.seq(), three));
            run.stream.ack(e.seq());
        }
        try (Run run = new Run()) {
            GroupPost four = run.engine.send(Ids.wire(g.id()), "four");
            ParleyEvent.Stored e = run.next();
            assertThat(e).as("acknowledged ones never again").isEqualTo(new ParleyEvent.GroupMessageAdded(e.seq(), four));
            assertThat(run.engine.history(Ids.wire(g.id()), null, 10)).extracting(GroupPost::text).containsExactly("one", "two", "three", "four");
        }
    }
}
