package dev.parley.client.internal.event;

import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.client.internal.time.ManualScheduler;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmOffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group file's record changes are stored events like a 1:1 transfer's: re-delivered after a restart
 * until acknowledged (rebuilt from the row as it is then), then never again.
 */
class GroupFileEventsTest {
    @TempDir
    Path dir;
    final ManualScheduler scheduler = new ManualScheduler();
    final IdentityKeyPair me = IdentityKeyPair.generate(), alice = IdentityKeyPair.generate();
    final GroupId group = GroupId.derive(alice.publicKey(), new byte[GroupId.SALT_LENGTH]);
    final GroupMessageId a = GroupMessageId.of(Base64Url.encode(new byte[32]));
    final GroupMessageId b = GroupMessageId.of(Base64Url.encode(java.util.Arrays.copyOf(new byte[]{1}, 32)));
    final String body = new SwarmOffer("a.bin", 10, "application/octet-stream", 64 * 1024, Base64Url.encode(new byte[32]),
            "ee".repeat(32)).toBody();

    final class Run extends AppRun {
        Run() throws Exception {
            super(dir, me.publicKey(), scheduler);
        }

        ParleyEvent.GroupFileChanged next(GroupMessageId file, GroupFileState state) throws InterruptedException {
            ParleyEvent e = next();
            assertThat(e).as("an event").isInstanceOf(ParleyEvent.GroupFileChanged.class);
            GroupFile f = ((ParleyEvent.GroupFileChanged) e).file();
            assertThat(f.id().value()).isEqualTo(file.value());
            assertThat(f.state()).isEqualTo(state);
            return (ParleyEvent.GroupFileChanged) e;
        }
    }

    @Test
    void groupFileChangesAreDeliveredUntilAcknowledgedThenNeverAgain() throws Exception {
        long offeredA, acceptedA;
        try (Run run = new Run()) {
            run.store.groupFiles().record(new GroupFileStore.Row(a, group, alice.publicKey().peerId(), body, GroupFileState.OFFERED, null));
            offeredA = run.next(a, GroupFileState.OFFERED).seq();
            run.store.groupFiles().update(a, GroupFileState.ACCEPTED, null);
            acceptedA = run.next(a, GroupFileState.ACCEPTED).seq();
            assertThat(acceptedA).isGreaterThan(offeredA);
            run.stream.ack(offeredA);
            // Completed while the app was not told yet (killed before the callback ran), as a crash would leave it.
            run.store.groupFiles().update(a, GroupFileState.COMPLETED, "/d/a.bin");
            run.next(a, GroupFileState.COMPLETED);
        }
        try (Run run = new Run()) {
            // Both unacknowledged changes come again, in order, each rebuilt from the row as it is now.
            ParleyEvent.GroupFileChanged again = run.next(a, GroupFileState.COMPLETED);
            assertThat(again.seq()).isEqualTo(acceptedA);
            assertThat(again.file().path()).isEqualTo(Path.of("/d/a.bin"));
            long last = run.next(a, GroupFileState.COMPLETED).seq();
            run.store.groupFiles().record(new GroupFileStore.Row(b, group, alice.publicKey().peerId(), body, GroupFileState.OFFERED, null));
            ParleyEvent.GroupFileChanged sentinel = run.next(b, GroupFileState.OFFERED);
            assertThat(sentinel.seq()).as("nothing else came first").isGreaterThan(last);
            run.stream.ack(sentinel.seq());
            assertThat(run.events).isEmpty();
        }
        try (Run run = new Run()) {
            run.store.groupFiles().update(b, GroupFileState.DECLINED, null);
            run.next(b, GroupFileState.DECLINED); // acknowledged ones never again: this is the first
        }
    }
}
