package dev.parley.client.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionTest {
    private static final byte[] DATA = "the offered bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void aMatchingReadBackFileIsMovedUnderItsSafeName(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path part = write(tmp.resolve("0f.part"), DATA);

        Path saved = Completion.complete(open(part), part, DATA.length, sha(DATA), null, dir, "../../.bashrc");

        assertThat(saved).isEqualTo(dir.toRealPath().resolve("bashrc"));
        assertThat(Files.readAllBytes(saved)).isEqualTo(DATA);
        assertThat(part).doesNotExist();
    }

    @Test
    void aStreamedDigestIsTrustedWithoutReadingTheFileBack(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path part = write(dir.resolve("3c8a2d50-0000-4000-8000-000000000000.part"), DATA);
        MessageDigest streamed = fedWith(DATA);

        Path saved = Completion.complete(open(part), part, DATA.length, sha(DATA), streamed, dir, "report.pdf");

        assertThat(saved).isEqualTo(dir.toRealPath().resolve("report.pdf"));
        assertThat(Files.readAllBytes(saved)).isEqualTo(DATA);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("report.pdf");
        }
    }

    @Test
    void aWrongHashDeletesThePartAndLeavesNothingInTheDownloadsFolder(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path part = write(dir.resolve("3c8a2d50-0000-4000-8000-000000000000.part"), DATA);
        String other = sha("other bytes".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> Completion.complete(open(part), part, DATA.length, other, null, dir, "a.txt"))
                .isInstanceOf(Completion.Mismatch.class).hasMessage("sha256-mismatch");

        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aStreamedDigestThatDisagreesFailsTheSameWay(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path part = write(dir.resolve("p.part"), DATA);
        MessageDigest streamed = fedWith("what the wire carried".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> Completion.complete(open(part), part, DATA.length, sha(DATA), streamed, dir, "a.txt"))
                .isInstanceOf(Completion.Mismatch.class);

        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aPartOfTheWrongLengthIsAMismatchEvenIfItsPrefixHashes(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        byte[] longer = (new String(DATA, StandardCharsets.UTF_8) + "!").getBytes(StandardCharsets.UTF_8);
        Path part = write(tmp.resolve("p.part"), longer);

        assertThatThrownBy(() -> Completion.complete(open(part), part, DATA.length, sha(DATA), null, dir, "a.txt"))
                .isInstanceOf(Completion.Mismatch.class);

        assertThat(part).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theSavedFileNeverReplacesOneAlreadyThere(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Files.writeString(dir.resolve("a.txt"), "mine");
        Path part = write(tmp.resolve("p.part"), DATA);

        Path saved = Completion.complete(open(part), part, DATA.length, sha(DATA), null, dir, "a.txt");

        assertThat(saved).isEqualTo(dir.toRealPath().resolve("a (1).txt"));
        assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("mine");
    }

    private static Path write(Path p, byte[] data) throws IOException {
        return Files.write(p, data, StandardOpenOption.CREATE_NEW);
    }

    /** A digest as a 1:1 receiver feeds it while writing. */
    private static MessageDigest fedWith(byte[] data) {
        MessageDigest d = FileHash.newDigest();
        d.update(data);
        return d;
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static String sha(byte[] data) {
        MessageDigest d = FileHash.newDigest();
        d.update(data);
        return FileHash.hex(d);
    }
}
