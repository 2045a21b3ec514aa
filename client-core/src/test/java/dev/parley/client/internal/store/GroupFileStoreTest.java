package dev.parley.client.internal.store;

import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.event.GroupFileChanged;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmOffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group files' records (schema 7): one row and one app event per change, final states kept, read back after a restart. */
class GroupFileStoreTest {
    @TempDir
    Path dir;

    StoreFixture f;
    final IdentityKeyPair alice = IdentityKeyPair.generate();
    final PeerId from = alice.publicKey().peerId();
    final GroupId group = GroupId.derive(alice.publicKey(), new byte[GroupId.SALT_LENGTH]);
    final GroupMessageId file = GroupMessageId.of(Base64Url.encode(new byte[32]));
    final SwarmOffer offer = new SwarmOffer("../report\u202e.pdf", 300_000, "application/pdf", 64 * 1024,
            Base64Url.encode(new byte[32]), "ab".repeat(32));

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.events.assertExhausted();
        f.close();
    }

    GroupFileStore files() {
        return f.store.groupFiles();
    }

    GroupFileStore.Row row(GroupFileState state) {
        return new GroupFileStore.Row(file, group, from, offer.toBody(), state, null);
    }

    GroupFile changed(GroupFileState state, String path) {
        GroupFile g = f.events.next(GroupFileChanged.class).file();
        assertThat(g.state()).isEqualTo(state);
        assertThat(g.path()).isEqualTo(path == null ? null : Path.of(path));
        assertThat(files().get(file)).contains(g);
        return g;
    }

    @Test
    void aFileIsRecordedOnceWithItsEventAndItsOfferMadeSafeForTheApp() {
        assertThat(files().record(row(GroupFileState.OFFERED))).isTrue();
        GroupFile g = changed(GroupFileState.OFFERED, null);
        assertThat(g.offer().name()).doesNotContain("/", "\u202e");
        assertThat(g.offer().size()).isEqualTo(300_000);
        assertThat(g.offer().sha256Hex()).isEqualTo("ab".repeat(32));
        assertThat(g.offer().group().value()).isEqualTo(group.value());
        assertThat(g.offer().from().value()).isEqualTo(from.value());

        // The same post delivered again (a re-read chain): nothing new, no event.
        assertThat(files().record(row(GroupFileState.SHARED))).isFalse();
        assertThat(files().get(file).orElseThrow().state()).isEqualTo(GroupFileState.OFFERED);
        assertThat(f.store.events().after(0, 10)).extracting(EventLog.Entry::kind, EventLog.Entry::ref)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventLog.Kind.GROUP_FILE, file.value()));
    }

    @Test
    void statesMoveAndAFinalStateIsNeverLeft() {
        files().record(row(GroupFileState.OFFERED));
        changed(GroupFileState.OFFERED, null);
        assertThat(files().update(file, GroupFileState.DECLINED, null)).isTrue();
        changed(GroupFileState.DECLINED, null);
        assertThat(files().update(file, GroupFileState.ACCEPTED, null)).as("a declined file may still be accepted").isTrue();
        changed(GroupFileState.ACCEPTED, null);
        assertThat(files().update(file, GroupFileState.ACCEPTED, null)).as("nothing changed: no event").isFalse();
        assertThat(files().update(file, GroupFileState.COMPLETED, "/home/me/Downloads/report.pdf")).isTrue();
        changed(GroupFileState.COMPLETED, "/home/me/Downloads/report.pdf");
        assertThat(files().update(file, GroupFileState.ACCEPTED, null)).isFalse();
        assertThat(files().update(file, GroupFileState.FAILED, null)).isFalse();
        assertThat(files().get(file).orElseThrow().state()).isEqualTo(GroupFileState.COMPLETED);

        GroupMessageId unknown = GroupMessageId.of(Base64Url.encode(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
        assertThatThrownBy(() -> files().update(unknown, GroupFileState.ACCEPTED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no group file");
        assertThatThrownBy(() -> files().saveLayer(unknown, new byte[32])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordAndLayerSurviveARestart() {
        files().record(new GroupFileStore.Row(file, group, from, offer.toBody(), GroupFileState.SHARED, "/srv/report.pdf"));
        changed(GroupFileState.SHARED, "/srv/report.pdf");
        assertThat(files().layer(file)).isEmpty();
        byte[] layer = new byte[5 * 32];
        layer[7] = 42;
        files().saveLayer(file, layer);
        f.restart();

        assertThat(files().layer(file)).hasValueSatisfying(l -> assertThat(l).isEqualTo(layer));
        assertThat(files().rows()).containsExactly(new GroupFileStore.Row(file, group, from, offer.toBody(), GroupFileState.SHARED,
                "/srv/report.pdf"));
    }

    @Test
    void aBodyThatIsNotAnOfferIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> files().record(new GroupFileStore.Row(file, group, from, "hello", GroupFileState.OFFERED, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a group file offer");
        assertThat(files().rows()).isEmpty();
        assertThat(files().get(file)).isEmpty();
        assertThat(f.store.events().after(0, 10)).isEqualTo(List.of());
    }
}
