package dev.parley.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --server, PARLEY_SERVER and server= take a comma-separated list of the nodes of one cluster. */
class ProfileServersTest {
    @Test
    void aCommaSeparatedListFromEachSourceKeepsItsOrder(@TempDir Path dir) throws Exception {
        Profile flag = Profile.resolve(dir, "ws://a:1, ws://b:2", false, Map.of());
        assertThat(flag.servers()).containsExactly(URI.create("ws://a:1"), URI.create("ws://b:2"));
        assertThat(flag.server()).isEqualTo(URI.create("ws://a:1"));

        Profile env = Profile.resolve(dir, null, false, Map.of("PARLEY_SERVER", "wss://c:3,ws://d:4"));
        assertThat(env.servers()).containsExactly(URI.create("wss://c:3"), URI.create("ws://d:4"));

        Files.writeString(dir.resolve(Profile.CONFIG_FILE), "server=ws://e:5,ws://f:6\n");
        Profile file = Profile.resolve(dir, null, false, Map.of());
        assertThat(file.servers()).containsExactly(URI.create("ws://e:5"), URI.create("ws://f:6"));

        assertThatThrownBy(() -> Profile.resolve(dir, "ws://a:1,http://b:2", false, Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("http://b:2");
    }
}
