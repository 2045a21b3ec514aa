package dev.parley.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The API's bearer token: 32 random bytes, base64url without padding (43 characters), in
 * {@code <profile>/api-token}, mode 0600. Reused while valid; a damaged file is replaced; a file that
 * others can read is refused (the token would be known to them), with what to do.
 */
public final class ApiToken {
    public static final String FILE = "api-token";
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.complementOf(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private final String value;

    private ApiToken(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** Constant-time comparison with what a request presented (null: no). */
    public boolean matches(String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.UTF_8));
    }

    public static ApiToken loadOrCreate(Path profileDir) throws IOException {
        Path file = profileDir.resolve(FILE);
        if (Files.exists(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> open = EnumSet.copyOf(TOO_OPEN);
            open.retainAll(perms);
            if (!open.isEmpty()) {
                throw new IOException(file + " can be read by other users (" + PosixFilePermissions.toString(perms)
                        + "): anyone who read it can use the API. Delete it (a new token is made) or chmod 600 it");
            }
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (valid(s)) return new ApiToken(s);
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Path tmp = profileDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is creating " + file + " right now; try again", e);
        }
        Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new ApiToken(token);
    }

    /** Reads the token of a profile (for a local client of the daemon); IOException if there is none. */
    public static String read(Path profileDir) throws IOException {
        String s = Files.readString(profileDir.resolve(FILE), StandardCharsets.US_ASCII).trim();
        if (!valid(s)) throw new IOException(profileDir.resolve(FILE) + " is damaged; restart the daemon to make a new token");
        return s;
    }

    static boolean valid(String s) {
        if (s.length() != 43) return false;
        try {
            return Base64.getUrlDecoder().decode(s).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
