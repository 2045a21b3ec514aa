package dev.parley.client.internal.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void firstUseCreatesOwnerOnlyKeyFileAndReloadsTheSameIdentity() throws Exception {
        Path profile = tmp.resolve("profile");
        IdentityKeyPair created = IdentityStore.loadOrCreate(profile);

        Path file = profile.resolve(IdentityStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile))).isEqualTo("rwx------");
        assertThat(profile.resolve(IdentityStore.FILE_NAME + ".tmp")).doesNotExist();

        IdentityKeyPair reloaded = IdentityStore.loadOrCreate(profile);
        assertThat(reloaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(reloaded.seed()).isEqualTo(created.seed());
    }

    @Test
    void keyFileIsSmallVersionedJsonWithSeedAndMatchingPublicKey() throws Exception {
        IdentityKeyPair created = IdentityStore.loadOrCreate(tmp);
        var root = JSON.readTree(tmp.resolve(IdentityStore.FILE_NAME).toFile());
        assertThat(root.get("version").intValue()).isEqualTo(1);
        assertThat(root.get("publicKey").textValue()).isEqualTo(created.publicKey().toBase64Url());
        assertThat(root.get("seed").textValue()).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void groupReadableKeyFileIsRefusedWithTheChmodToRun() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> IdentityStore.loadOrCreate(tmp))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("accessible to other users")
                .hasMessageContaining("rw-r-----")
                .hasMessageContaining("chmod 600 '" + file + "'");
    }

    @Test
    void worldReadableKeyFileIsRefused() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> IdentityStore.load(file)).hasMessageContaining("chmod 600");
    }

    @Test
    void publicKeyThatDoesNotMatchTheSeedIsRefusedAsDamaged() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.put("publicKey", IdentityKeyPair.generate().publicKey().toBase64Url());
        Files.write(file, JSON.writeValueAsBytes(root));

        assertThatThrownBy(() -> IdentityStore.loadOrCreate(tmp))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("is damaged")
                .hasMessageContaining("does not belong to its seed")
                .hasMessageContaining("Restore it from a backup");
    }

    @Test
    void truncatedKeyFileIsRefusedAndNotReplacedByANewIdentity() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        byte[] before = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(before, before.length / 2));

        assertThatThrownBy(() -> IdentityStore.loadOrCreate(tmp))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("is damaged: it is not valid JSON");
        assertThat(Files.size(file)).isEqualTo(before.length / 2);
    }

    @Test
    void seedOfWrongLengthIsRefused() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.put("seed", "AAAA");
        Files.write(file, JSON.writeValueAsBytes(root));

        assertThatThrownBy(() -> IdentityStore.load(file)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("seed must be 32 bytes");
    }

    @Test
    void unknownFormatVersionIsRefusedWithUpgradeHint() throws Exception {
        IdentityStore.loadOrCreate(tmp);
        Path file = tmp.resolve(IdentityStore.FILE_NAME);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.put("version", 2);
        Files.write(file, JSON.writeValueAsBytes(root));

        assertThatThrownBy(() -> IdentityStore.load(file)).hasMessageContaining("format version 2").hasMessageContaining("upgrade");
    }

    @Test
    void symlinkedKeyFileIsRefused() throws Exception {
        Path real = tmp.resolve("real");
        IdentityStore.loadOrCreate(real);
        Path other = tmp.resolve("other");
        Files.createDirectory(other);
        Files.createSymbolicLink(other.resolve(IdentityStore.FILE_NAME), real.resolve(IdentityStore.FILE_NAME));

        assertThatThrownBy(() -> IdentityStore.loadOrCreate(other)).hasMessageContaining("symbolic link");
    }

    @Test
    void concurrentFirstUseCreatesExactlyOneIdentity() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<IdentityKeyPair>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) results.add(pool.submit(() -> IdentityStore.loadOrCreate(tmp)));
            IdentityKeyPair first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<IdentityKeyPair> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS).publicKey()).isEqualTo(first.publicKey());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(IdentityStore.loadOrCreate(tmp).publicKey()).isEqualTo(IdentityStore.load(tmp.resolve("identity.json")).publicKey());
    }
}
