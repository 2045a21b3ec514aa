package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmOffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** A profile from before schema 7 kept each group file's record as JSON in {@code swarm/}: read once into the database. */
class SwarmStoreImportTest {
    @TempDir
    Path dir;

    @Test
    void oldJsonRecordsAndLayersMoveIntoTheDatabaseOnceAndAnUnreadableOneIsLeftAlone() throws Exception {
        IdentityKeyPair me = IdentityKeyPair.generate(), alice = IdentityKeyPair.generate();
        GroupId group = GroupId.derive(alice.publicKey(), new byte[GroupId.SALT_LENGTH]);
        byte[] key = new byte[32];
        key[0] = 7;
        GroupMessageId id = GroupMessageId.of(Base64Url.encode(key));
        String hex = Hashes.hex(key);
        SwarmOffer offer = new SwarmOffer("notes.txt", 100, "text/plain", 64 * 1024, Base64Url.encode(new byte[32]), "cd".repeat(32));
        Path swarm = Files.createDirectories(dir.resolve("swarm"));
        // What SwarmStore wrote before schema 7 (Jackson of its Row record).
        String json = "{\"file\":\"" + id.value() + "\",\"group\":\"" + group.value() + "\",\"from\":\"" + alice.publicKey().peerId().value()
                + "\",\"body\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(offer.toBody())
                + ",\"status\":\"ACCEPTED\",\"path\":null}";
        Files.writeString(swarm.resolve(hex + ".json"), json);
        byte[] layer = new byte[32];
        layer[31] = 9;
        Files.write(swarm.resolve(hex + ".layer"), layer);
        Files.writeString(swarm.resolve("ff.json"), "{not json");

        try (ProfileStore profile = ProfileStore.open(dir, me.publicKey(), Clock.systemUTC())) {
            SwarmStore store = new SwarmStore(swarm, profile.groupFiles());
            assertThat(store.load()).containsExactly(new GroupFileStore.Row(id, group, alice.publicKey().peerId(), offer.toBody(),
                    GroupFileState.ACCEPTED, null));
            assertThat(store.layer(id)).hasValueSatisfying(l -> assertThat(l).isEqualTo(layer));
            assertThat(swarm.resolve(hex + ".json")).doesNotExist();
            assertThat(swarm.resolve(hex + ".layer")).doesNotExist();
            assertThat(swarm.resolve("ff.json")).as("unreadable: left for someone to look at").exists();
            // Read again (the next start): the same one row, nothing taken in twice.
            assertThat(store.load()).hasSize(1);
            assertThat(profile.events().after(0, 10)).hasSize(1);
        }
    }
}
