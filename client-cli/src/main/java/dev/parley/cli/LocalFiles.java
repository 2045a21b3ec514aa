package dev.parley.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the files a command is given, turned into one clear line with {@link ExitCodes#FILE}
 * before anything goes online, and the human forms of sizes, rates and durations the commands print.
 */
public final class LocalFiles {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]?)(i?[bB]?)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private LocalFiles() {}

    /** A file we are about to read: exists, is a regular file, readable. */
    public static void requireReadableFile(Path file, String what) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            throw new CliException(ExitCodes.FILE, what + " " + file + " not found: check the path");
        }
        if (!Files.exists(file)) {
            throw new CliException(ExitCodes.FILE, what + " " + file + " is a broken symbolic link: point it at a file");
        }
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCodes.FILE, what + " " + file + " is a directory: give a single file (archive a folder first, e.g. with tar)");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.FILE, what + " " + file + " is not a regular file (a device or pipe?): give a file");
        }
        if (!Files.isReadable(file)) {
            throw new CliException(ExitCodes.FILE, "cannot read " + what + " " + file + ": permission denied; check its permissions (ls -l)");
        }
    }

    /** A file we are about to create: must not exist, its folder must exist and be writable. */
    public static void requireNewFile(Path file, String what) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(ExitCodes.FILE, what + " " + file + " already exists: pick a new name or delete it first");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new CliException(ExitCodes.FILE, "cannot create " + what + " " + file + ": folder " + parent + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new CliException(ExitCodes.FILE, "cannot create " + what + " " + file + ": folder " + parent + " is not writable");
        }
    }

    /** A folder received files go to: created if missing, must be writable. */
    public static Path requireWritableDir(Path dir, String what) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.FILE, what + " " + dir + " is a file, not a directory: pick a directory for downloads");
        }
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.FILE, "cannot create " + what + " " + dir + ": "
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()) + "; pick a directory you can write", e);
        }
        if (!Files.isWritable(dir)) {
            throw new CliException(ExitCodes.FILE, what + " " + dir + " is not writable: pick a directory you can write");
        }
        return dir.toAbsolutePath().normalize();
    }

    /** {@code 512}, {@code 10k}, {@code 2M}, {@code 1.5GiB}, {@code 700MB} (k = 1024). */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size: use e.g. 500k, 20M or 2G");
        double n = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return (long) (n * (1L << shift));
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 10s, 500ms or 2m");
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        if (ms <= 0) throw new IllegalArgumentException("the duration must be more than zero, was '" + text + "'");
        return Duration.ofMillis((long) ms);
    }

    /** {@code 812 B}, {@code 2.1 MiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    public static String rate(double bytesPerSecond) {
        return size((long) bytesPerSecond) + "/s";
    }

    /** {@code 0:07}, {@code 12:03}, {@code 1:02:03}. */
    public static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
