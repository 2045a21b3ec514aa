package dev.parley.client.internal.transfer;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Whether the operating system is still the one that wrote our part files. Bytes a killed process
 * wrote are in the page cache and survive it; only an OS crash or power loss can lose bytes that were
 * not fsynced. Linux names each boot ({@code /proc/sys/kernel/random/boot_id}), so when the boot that
 * wrote the part files is the current one, a part file's length is trustworthy beyond the last fsync.
 */
@Slf4j
final class BootId {
    static final String MARKER = ".parley-boot-id";

    private BootId() {
    }

    /** True if part files in {@code dir} were last written during this boot; records this boot for next time. */
    static boolean sameBootAsLastRun(Path dir) {
        String now = current();
        Path marker = dir.resolve(MARKER);
        String before = null;
        try {
            if (Files.isRegularFile(marker, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                before = Files.readString(marker, StandardCharsets.US_ASCII).strip();
            }
            if (now != null) {
                Path tmp = dir.resolve(MARKER + ".tmp");
                Files.deleteIfExists(tmp);
                Files.writeString(tmp, now, StandardCharsets.US_ASCII);
                Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            log.warn("could not read or record the boot id in {}: resuming from fsynced offsets only", dir, e);
            return false;
        }
        return now != null && now.equals(before);
    }

    static String current() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
