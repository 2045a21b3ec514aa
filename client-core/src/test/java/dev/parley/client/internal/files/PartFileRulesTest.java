package dev.parley.client.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared part file and its two trust rules, on a real file system: what each rule keeps after a
 * restart, and what it refuses ({@link DurablePrefix} for 1:1 streams, {@link VerifiedPieces} for group files).
 */
class PartFileRulesTest {
    private static final byte[] DATA = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII); // 20 bytes

    /** An offset record in memory, as the transfers row keeps it. */
    private static final class Offset implements DurablePrefix.Offset {
        long value;

        @Override
        public long recorded() {
            return value;
        }

        @Override
        public void record(long offset) {
            value = offset;
        }
    }

    @Test
    void aPartFileIsNeverCreatedOverAnotherFileOrALinkAndAFolderIsNotFound(@TempDir Path tmp) throws Exception {
        Path existing = Files.write(tmp.resolve("a.part"), DATA);
        assertThatThrownBy(() -> PartFile.create(existing)).isInstanceOf(IOException.class);
        Path target = Files.write(tmp.resolve("elsewhere"), DATA);
        Path link = Files.createSymbolicLink(tmp.resolve("b.part"), target);
        assertThatThrownBy(() -> PartFile.create(link)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> PartFile.find(link)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        Path folder = Files.createDirectory(tmp.resolve("c.part"));
        assertThatThrownBy(() -> PartFile.find(folder)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThat(PartFile.find(tmp.resolve("none.part"))).isEmpty();
        assertThat(Files.readAllBytes(target)).isEqualTo(DATA); // the link's target untouched
    }

    @Test
    void aPrefixResumesWhereTheDiskCanBeTrustedAndItsDigestCoversEveryByte(@TempDir Path tmp) throws Exception {
        Path path = tmp.resolve("t.part");
        Offset offset = new Offset();
        try (DurablePrefix p = DurablePrefix.open(path, DATA.length, offset, false)) {
            p.append(DATA, 0, 8);
            p.checkpoint();
            p.append(DATA, 8, 4); // written, not checkpointed
        }
        assertThat(offset.value).isEqualTo(8);

        // Same boot: the page cache holds all 12. After a reboot only the 8 that were checkpointed count.
        Path copy = Files.copy(path, tmp.resolve("u.part"));
        Offset copyOffset = new Offset();
        copyOffset.value = 8;
        try (DurablePrefix sameBoot = DurablePrefix.open(path, DATA.length, offset, true)) {
            assertThat(sameBoot.held()).isEqualTo(12);
            assertThat(offset.value).as("recorded again at what is held").isEqualTo(12);
        }
        try (DurablePrefix rebooted = DurablePrefix.open(copy, DATA.length, copyOffset, false)) {
            assertThat(rebooted.held()).isEqualTo(8);
            assertThat(Files.size(copy)).as("cut to the trusted prefix").isEqualTo(8);
            rebooted.append(DATA, 8, DATA.length - 8);
            assertThatThrownBy(() -> rebooted.append(DATA, 0, 1)).isInstanceOf(IOException.class).hasMessageContaining("beyond");
            Path dir = Files.createDirectories(tmp.resolve("dl"));
            Path saved = rebooted.complete(FileHash.hex(digest(DATA)), dir, "x.txt");
            assertThat(Files.readAllBytes(saved)).isEqualTo(DATA);
        }
    }

    @Test
    void aResumedPrefixWithOtherBytesOnDiskFailsTheFinalHash(@TempDir Path tmp) throws Exception {
        Path path = tmp.resolve("t.part");
        Files.write(path, "XXXXXXXX".getBytes(StandardCharsets.US_ASCII)); // 8 bytes that are not DATA's
        Offset offset = new Offset();
        offset.value = 8;
        try (DurablePrefix p = DurablePrefix.open(path, DATA.length, offset, false)) {
            p.append(DATA, 8, DATA.length - 8);
            Path dir = Files.createDirectories(tmp.resolve("dl"));
            assertThatThrownBy(() -> p.complete(FileHash.hex(digest(DATA)), dir, "x.txt")).isInstanceOf(Completion.Mismatch.class);
            assertThat(path).as("a mismatch keeps nothing").doesNotExist();
        }
    }

    @Test
    void verifiedPiecesComeBackOnlyIfStillOnDiskAndStillPassingTheCheck(@TempDir Path tmp) throws Exception {
        Path path = tmp.resolve("f.part");
        VerifiedPieces rule = new VerifiedPieces(path, 3, 8); // pieces of 8, 8 and 4 bytes
        VerifiedPieces.Lengths lengths = i -> i < 2 ? 8 : 4;
        VerifiedPieces.Check check = (i, data) -> Arrays.equals(data, Arrays.copyOfRange(DATA, i * 8, i * 8 + lengths.of(i)));
        BitSet have = new BitSet();
        try (PartFile f = rule.create()) {
            f.write(ByteBuffer.wrap(DATA, 16, 4), 16); // the last piece first: any order
            f.write(ByteBuffer.wrap(DATA, 0, 8), 0);
            have.set(2);
            have.set(0);
            rule.checkpoint(f, have);
        }
        assertThat(path.resolveSibling("f.bits")).exists();
        try (PartFile f = PartFile.find(path).orElseThrow()) {
            assertThat(rule.resume(f, lengths, check)).isEqualTo(have);
            // A verified piece changed on disk (a bad sector, another program): dropped, fetched anew.
            f.write(ByteBuffer.wrap("ZZZZ".getBytes(StandardCharsets.US_ASCII)), 0);
            BitSet back = rule.resume(f, lengths, check);
            assertThat(back.get(0)).isFalse();
            assertThat(back.get(2)).isTrue();
        }
        // A fresh download under the same id starts from nothing: old part file and bitmap gone.
        try (PartFile f = rule.create()) {
            assertThat(f.length()).isZero();
            assertThat(rule.resume(f, lengths, check).isEmpty()).isTrue();
        }
        rule.drop();
        assertThat(path).doesNotExist();
        assertThat(path.resolveSibling("f.bits")).doesNotExist();
    }

    private static java.security.MessageDigest digest(byte[] data) {
        java.security.MessageDigest d = FileHash.newDigest();
        d.update(data);
        return d;
    }
}
