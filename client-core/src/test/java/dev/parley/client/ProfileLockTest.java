package dev.parley.client;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One owner per profile: a second open is refused with who holds it, and a crash frees the profile. */
@Tag("native")
class ProfileLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondClientOnTheSameProfileIsRefusedUntilTheFirstCloses() throws Exception {
        Path profile = dir.resolve("alice");
        ParleyClient first = ParleyClient.open(ParleyConfig.builder(profile).build(), new ParleyListener() { });
        var id = first.peerId();
        assertThatThrownBy(() -> ParleyClient.open(ParleyConfig.builder(profile).build(), new ParleyListener() { }))
                .isInstanceOfSatisfying(ProfileInUseException.class, e -> {
                    assertThat(e.pid()).hasValue(ProcessHandle.current().pid());
                    assertThat(e.profileDir()).isEqualTo(profile);
                    assertThat(e.getMessage()).isEqualTo("profile " + profile + " is already open in this process");
                });
        first.close();
        try (ParleyClient again = ParleyClient.open(ParleyConfig.builder(profile).build(), new ParleyListener() { })) {
            assertThat(again.peerId()).as("the same identity, nothing recreated").isEqualTo(id);
        }
    }

    @Test
    void aProfileHeldByAnotherProcessNamesItsPidAndIsFreeAgainWhenThatProcessIsKilled() throws Exception {
        Path profile = dir.resolve("bob");
        try (TestNetwork net = new TestNetwork(dir)) {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            PeerProcess.Child child = PeerProcess.start(profile, net.uri(), null, dir.resolve("bob.err"), lines);
            try {
                assertThatThrownBy(() -> ParleyClient.open(ParleyConfig.builder(profile).build(), new ParleyListener() { }))
                        .isInstanceOfSatisfying(ProfileInUseException.class, e -> {
                            assertThat(e.pid()).hasValue(child.process().pid());
                            assertThat(e.getMessage()).isEqualTo("profile " + profile + " is already open in process "
                                    + child.process().pid());
                        });
            } finally {
                child.process().destroyForcibly(); // kill -9: no chance to clean up
                assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            // The OS dropped the lock with the process: the profile opens, a stale lock file is no obstacle.
            try (ParleyClient again = ParleyClient.open(ParleyConfig.builder(profile).build(), new ParleyListener() { })) {
                assertThat(again.contactString(null).toString()).isEqualTo(child.contact());
            }
        }
    }
}
