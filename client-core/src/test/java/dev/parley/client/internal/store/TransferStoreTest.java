package dev.parley.client.internal.store;

import dev.parley.client.TransferId;
import dev.parley.client.TransferState;
import dev.parley.client.Transfer;
import dev.parley.client.Direction;
import dev.parley.client.internal.store.event.TransferChanged;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransferStoreTest {
    @TempDir
    Path dir;

    StoreFixture f;
    final PeerId alice = IdentityKeyPair.generate().publicKey().peerId();
    final String hash = Hashes.hex(Hashes.sha256("file".getBytes(StandardCharsets.UTF_8)));

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
        f.contacts().add(alice, "Alice");
        f.events.takeAll();
    }

    @AfterEach
    void close() {
        f.events.assertExhausted();
        f.close();
    }

    @Test
    void transferIsRecordedAndSurvivesARestartWithItsVerifiedOffset() {
        TransferId id = TransferId.random();
        Transfer t = f.transfers().create(id, Direction.INCOMING, alice, "photo.jpg", 1000, "image/jpeg", hash, "/tmp/x.part");
        assertThat(t.state()).isEqualTo(TransferState.OFFERED);
        assertThat(t.verifiedOffset()).isZero();
        assertThat(t.createdAt()).isEqualTo(f.clock.instant());
        assertThat(f.events.next(TransferChanged.class).transfer()).isEqualTo(t);

        f.clock.advanceMillis(10);
        assertThat(f.transfers().updateState(id, TransferState.ACTIVE)).isTrue();
        assertThat(f.transfers().updateVerifiedOffset(id, 400)).isTrue();
        f.restart();

        Transfer after = f.transfers().get(id).orElseThrow();
        assertThat(after.state()).isEqualTo(TransferState.ACTIVE);
        assertThat(after.verifiedOffset()).isEqualTo(400);
        assertThat(after.sha256Hex()).isEqualTo(hash);
        assertThat(after.updatedAt()).isEqualTo(f.clock.instant());
        assertThat(f.transfers().unfinished()).containsExactly(after);
        assertThat(f.transfers().list(alice)).containsExactly(after);
        f.events.next(TransferChanged.class);
    }

    @Test
    void verifiedOffsetOnlyMovesForwardAndNeverPastTheSize() {
        TransferId id = TransferId.random();
        f.transfers().create(id, Direction.OUTGOING, alice, "a.bin", 100, "application/octet-stream", hash, null);
        assertThat(f.transfers().updateVerifiedOffset(id, 60)).isTrue();
        assertThat(f.transfers().updateVerifiedOffset(id, 30)).isFalse();
        assertThat(f.transfers().updateVerifiedOffset(id, 60)).isFalse();
        assertThatThrownBy(() -> f.transfers().updateVerifiedOffset(id, 101)).hasMessageContaining("beyond the size");
        assertThat(f.transfers().get(id).orElseThrow().verifiedOffset()).isEqualTo(60);
        f.events.takeAll();
    }

    @Test
    void finalStateIsNeverLeft() {
        TransferId id = TransferId.random();
        f.transfers().create(id, Direction.OUTGOING, alice, "a.bin", 1, "application/octet-stream", hash, null);
        assertThat(f.transfers().updateState(id, TransferState.COMPLETED)).isTrue();
        assertThat(f.transfers().updateState(id, TransferState.ACTIVE)).isFalse();
        assertThat(f.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.COMPLETED);
        assertThat(f.transfers().unfinished()).isEmpty();
        f.events.takeAll();
    }

    @Test
    void namesThatArePathsOrHideCharactersAreRefused() {
        for (String bad : new String[] {"../etc/passwd", "a/b", "a\\b", "..", "", "evil\u202Egpj.exe", "nul\u0000"}) {
            assertThatThrownBy(() -> f.transfers().create(TransferId.random(), Direction.INCOMING, alice, bad, 1, "x/y", hash, null))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(f.transfers().list(alice)).isEmpty();
    }

    @Test
    void duplicateTransferIdIsRefusedAndDeleteRemovesIt() {
        TransferId id = TransferId.random();
        f.transfers().create(id, Direction.INCOMING, alice, "a", 1, "x/y", hash, null);
        assertThatThrownBy(() -> f.transfers().create(id, Direction.INCOMING, alice, "a", 1, "x/y", hash, null))
                .hasMessageContaining("already exists");
        assertThat(f.transfers().delete(id)).isTrue();
        assertThat(f.transfers().get(id)).isEmpty();
        f.events.takeAll();
    }

    @Test
    void removingTheContactRemovesItsTransfers() {
        TransferId id = TransferId.random();
        f.transfers().create(id, Direction.INCOMING, alice, "a", 1, "x/y", hash, null);
        f.contacts().remove(alice);
        assertThat(f.transfers().get(id)).isEmpty();
        f.events.takeAll();
    }
}
