package dev.parley.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "port=1111\nhttp-port=2222\nmax-watch=5\nturn-urls=turn:a:3478, turn:b:3478\nturn-secret=s\n");
        ServerConfig c = ConfigLoader.load(
                Map.of("port", "3333"),
                Map.of("PARLEY_PORT", "4444", "PARLEY_HTTP_PORT", "5555", "PARLEY_HOME", "/ignored"),
                ConfigLoader.readFile(file));
        assertThat(c.port()).isEqualTo(3333);
        assertThat(c.httpPort()).isEqualTo(5555);
        assertThat(c.maxWatch()).isEqualTo(5);
        assertThat(c.turnUrls()).containsExactly("turn:a:3478", "turn:b:3478");
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aTypoInTheFileOrABadValueNamesTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Map.of("prot", "1")))
                .hasMessageContaining("prot");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("PARLEY_MAX_WATCH", "lots"), Map.of()))
                .hasMessageContaining("PARLEY_MAX_WATCH").hasMessageContaining("lots");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("turn-urls", "turn:x"), Map.of(), Map.of()))
                .hasMessageContaining("turn-secret");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("public-url", "wss://sig-1.example/"), Map.of(), Map.of()))
                .hasMessageContaining("public-url").hasMessageContaining("needs redis");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("public-url", "https://sig-1.example/", "redis", "redis://127.0.0.1:6379"), Map.of(), Map.of()))
                .hasMessageContaining("public-url must be a ws:// or wss:// URL").hasMessageContaining("https://sig-1.example/");
        assertThat(ConfigLoader.load(Map.of("public-url", "wss://sig-1.example:8443/", "redis", "redis://127.0.0.1:6379"), Map.of(), Map.of())
                .publicUrl()).isEqualTo("wss://sig-1.example:8443/");
    }

    @Test
    void everyKeyHasAFlagAnEnvironmentNameAndADescription() {
        for (ConfigLoader.Key k : ConfigLoader.KEYS) {
            assertThat(k.flag()).startsWith("--");
            assertThat(k.env()).startsWith("PARLEY_").doesNotContain("-");
            assertThat(k.description()).isNotBlank();
        }
        assertThat(ConfigLoader.KEYS.stream().map(ConfigLoader.Key::name).distinct().count())
                .isEqualTo(ConfigLoader.KEYS.size());
        assertThat(List.of("port", "http-port", "turn-secret", "max-message-bytes"))
                .allMatch(n -> ConfigLoader.KEYS.stream().anyMatch(k -> k.name().equals(n)));
    }
}
