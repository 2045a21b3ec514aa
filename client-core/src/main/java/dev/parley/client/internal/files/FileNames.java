package dev.parley.client.internal.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a file name received from the network into one that is safe to create inside the download
 * folder, and moves a verified part file to its final, never-overwriting name. Pure functions apart
 * from {@link #moveIntoPlace}; thread-safe.
 */
public final class FileNames {
    /** Most file systems (ext4, NTFS, APFS) allow 255 bytes (or UTF-16 units) per name. */
    public static final int MAX_NAME_BYTES = 255;
    static final String FALLBACK = "file";
    private static final int MAX_EXTENSION_BYTES = 32;
    private static final Set<String> WINDOWS_RESERVED = Set.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³");
    private static final Pattern PART_NAME = Pattern.compile("(?i)[0-9a-f-]{36}\\.part");
    private static final String MEDIA_TYPE = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}";

    private FileNames() {
    }

    /**
     * A safe single file name for {@code raw}: NFC; only the last path component (both {@code /}
     * and {@code \}); no control, format (bidi overrides U+202A–202E and U+2066–2069, zero-width),
     * line/paragraph separator or unpaired surrogate characters; {@code <>:"|?*} replaced by
     * {@code _}; no leading dots or spaces, no trailing dots or spaces (Windows drops them); Windows
     * device names prefixed with {@code _}; at most 255 UTF-8 bytes, keeping a short extension.
     * Never empty: {@value #FALLBACK} when nothing is left.
     */
    public static String sanitize(String raw) {
        if (raw == null) {
            return FALLBACK;
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(cut + 1);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                return; // NUL, C0, DEL, C1
            }
            switch (Character.getType(cp)) {
                case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> {
                    return; // bidi overrides/isolates, zero-width, BOM; U+2028/2029; broken UTF-16
                }
                default -> { }
            }
            if ("<>:\"|?*".indexOf(cp) >= 0) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String name = trim(b.toString());
        if (name.isEmpty()) {
            return FALLBACK;
        }
        int dot = name.indexOf('.');
        String device = (dot < 0 ? name : name.substring(0, dot)).strip().toUpperCase(Locale.ROOT);
        if (WINDOWS_RESERVED.contains(device)) {
            name = "_" + name;
        }
        return capBytes(name, "");
    }

    /** Leading dots/whitespace (hidden files, "..") and trailing dots/whitespace go. */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || Character.isWhitespace(s.charAt(start))
                || Character.isSpaceChar(s.charAt(start)))) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || Character.isWhitespace(s.charAt(end - 1))
                || Character.isSpaceChar(s.charAt(end - 1)))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code name} with {@code suffix} inserted before the extension, cut to 255 UTF-8 bytes on a code point. */
    static String capBytes(String name, String suffix) {
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && utf8(name.substring(dot)) <= MAX_EXTENSION_BYTES ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - ext.length());
        int budget = MAX_NAME_BYTES - utf8(ext) - utf8(suffix);
        if (utf8(stem) > budget) {
            StringBuilder b = new StringBuilder();
            int used = 0;
            for (int i = 0; i < stem.length(); ) {
                int cp = stem.codePointAt(i);
                int n = utf8(new String(Character.toChars(cp)));
                if (used + n > budget) {
                    break;
                }
                b.appendCodePoint(cp);
                used += n;
                i += Character.charCount(cp);
            }
            stem = b.toString();
        }
        return stem + suffix + ext;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The n-th alternative for a taken name: {@code name (n).ext}. */
    static String numbered(String name, int n) {
        return n == 0 ? name : capBytes(name, " (" + n + ")");
    }

    /** A declared media type if it looks like {@code type/subtype}, else {@code application/octet-stream}. */
    public static String sanitizeMediaType(String raw) {
        if (raw == null) {
            return "application/octet-stream";
        }
        String t = raw.strip().toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi).strip();
        }
        return t.matches(MEDIA_TYPE) ? t : "application/octet-stream";
    }

    /**
     * Moves the verified {@code part} file to {@code dir/name}, or {@code name (1).ext}, {@code (2)}…
     * when taken: never overwrites. Uses a hard link (atomic, fails if the name exists, does not
     * follow a link at the target) and then removes the part file; falls back to a plain
     * non-replacing move where hard links are not supported.
     *
     * @throws IOException if no free name was found among 1000 or the file system refused
     */
    public static Path moveIntoPlace(Path part, Path dir, String name) throws IOException {
        for (int i = 0; i < 1000; i++) {
            String candidate = numbered(name, i);
            if (PART_NAME.matcher(candidate).matches()) {
                continue; // never take a name another transfer's part file may need
            }
            Path target = inside(dir, candidate);
            try {
                Files.createLink(target, part);
                Files.delete(part);
                return target;
            } catch (FileAlreadyExistsException taken) {
                // try the next number
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (noLinks instanceof FileSystemException fse && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    Files.move(part, target); // no REPLACE_EXISTING: throws if it appeared meanwhile
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    // next number
                }
            }
        }
        throw new IOException("no free name for " + name + " in " + dir);
    }

    /** {@code dir/name}, checked to be a direct child of {@code dir} (which must be a real path). */
    static Path inside(Path dir, String name) throws IOException {
        Path target = dir.resolve(name).normalize();
        if (!dir.equals(target.getParent())) {
            throw new IOException("refusing a file name that leaves the download folder: " + name);
        }
        return target;
    }
}
