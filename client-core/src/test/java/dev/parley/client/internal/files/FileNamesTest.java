package dev.parley.client.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "../../.ssh/authorized_keys | authorized_keys",
            "/etc/passwd                | passwd",
            "..\\x                      | x",
            "C:\\Windows\\win.ini       | win.ini",
            "CON                        | _CON",
            "con.txt                    | _con.txt",
            "LPT1.log                   | _LPT1.log",
            "COM9                       | _COM9",
            "console.txt                | console.txt",
            ".bashrc                    | bashrc",
            "...                        | file",
            "..                         | file",
            "dir/                       | file",
            "trailing dots...           | trailing dots",
            "a:b?c*.txt                 | a_b_c_.txt",
            "ok name (2).tar.gz         | ok name (2).tar.gz",
    })
    void hostileNamesBecomeOneSafeName(String raw, String expected) {
        assertThat(FileNames.sanitize(raw)).isEqualTo(expected);
    }

    @Test
    void controlFormatAndBidiCharactersAreRemoved() {
        assertThat(FileNames.sanitize("a\u202Egpj.exe")).isEqualTo("agpj.exe");
        assertThat(FileNames.sanitize("x\u2066y\u2069\u200B\uFEFF.txt")).isEqualTo("xy.txt");
        assertThat(FileNames.sanitize("ab\u0000cd\n\r\t.txt")).isEqualTo("abcd.txt");
        assertThat(FileNames.sanitize("bad\uD800half.txt")).isEqualTo("badhalf.txt");
        assertThat(FileNames.sanitize("\u0000")).isEqualTo("file");
        assertThat(FileNames.sanitize(null)).isEqualTo("file");
        assertThat(FileNames.sanitize("")).isEqualTo("file");
    }

    @Test
    void namesAreNfcAndAtMost255Utf8BytesKeepingTheExtension() {
        assertThat(FileNames.sanitize("e\u0301.txt")).isEqualTo("\u00e9.txt");
        String ascii = FileNames.sanitize("x".repeat(296) + ".txt");
        assertThat(ascii.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(ascii).endsWith(".txt");
        String wide = FileNames.sanitize("\u00e9".repeat(200) + ".png");
        assertThat(wide.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(wide).endsWith(".png").startsWith("\u00e9");
        String emoji = FileNames.sanitize("\uD83D\uDE00".repeat(100));
        assertThat(emoji.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(emoji.codePoints()).allMatch(cp -> cp == 0x1F600);
        assertThat(FileNames.numbered("y".repeat(255), 12).getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(FileNames.numbered("y".repeat(255), 12)).endsWith(" (12)");
    }

    @Test
    void mediaTypesAreCheckedNotTrusted() {
        assertThat(FileNames.sanitizeMediaType("Image/PNG; charset=x")).isEqualTo("image/png");
        assertThat(FileNames.sanitizeMediaType("text/html\r\nX: y")).isEqualTo("application/octet-stream");
        assertThat(FileNames.sanitizeMediaType("../../x")).isEqualTo("application/octet-stream");
    }

    @Test
    void moveNeverOverwritesAndNeverLeavesTheFolder(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dl")).toRealPath();
        Files.writeString(dir.resolve("a.txt"), "existing");
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Files.createSymbolicLink(dir.resolve("a (1).txt"), victim);
        Path part = Files.writeString(dir.resolve("p.part"), "new");

        Path saved = FileNames.moveIntoPlace(part, dir, "a.txt");

        assertThat(saved).isEqualTo(dir.resolve("a (2).txt"));
        assertThat(Files.readString(saved)).isEqualTo("new");
        assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("existing");
        assertThat(Files.readString(victim)).isEqualTo("keep");
        assertThat(part).doesNotExist();
        assertThatThrownBy(() -> FileNames.inside(dir, "../escape")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> FileNames.inside(dir, "sub/x")).isInstanceOf(IOException.class);
    }
}
