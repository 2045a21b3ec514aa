package dev.parley.client.internal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Loads this device's Ed25519 identity from the profile directory, creating it on first use.
 *
 * <p>File {@code identity.json}, mode 0600, content
 * {@code {"version":1,"seed":"<32 bytes b64url>","publicKey":"<32 bytes b64url>"}}. The public key is
 * redundant on purpose: on load it must equal the key derived from the seed, which catches a
 * truncated or hand-edited file before it silently becomes a different identity.
 *
 * <p>Thread-safe; also safe against a second process creating the identity at the same moment (a
 * lock file serialises creation). Failures throw {@link KeyFileException} with an actionable message.
 */
public final class IdentityStore {
    public static final String FILE_NAME = "identity.json";
    public static final int FORMAT_VERSION = 1;
    private static final String LOCK_NAME = ".identity.lock";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final int MAX_FILE_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** FileLock is per process; this keeps two threads of one process from tripping over it. */
    private static final Object PROCESS_LOCK = new Object();

    private IdentityStore() {}

    /**
     * Returns the identity stored in {@code profileDir}, creating the directory (0700) and a new
     * identity (0600) if there is none yet.
     */
    public static IdentityKeyPair loadOrCreate(Path profileDir) throws IOException {
        requirePosix(profileDir);
        if (!Files.isDirectory(profileDir)) {
            try {
                Files.createDirectories(profileDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (FileAlreadyExistsException e) {
                throw new KeyFileException("profile directory " + profileDir + " exists but is not a directory");
            }
        }
        Path file = profileDir.resolve(FILE_NAME);
        synchronized (PROCESS_LOCK) {
            try (FileChannel lockChannel = FileChannel.open(profileDir.resolve(LOCK_NAME),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
                 FileLock ignored = lockChannel.lock()) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return load(file);
                IdentityKeyPair created = IdentityKeyPair.generate();
                write(file, created);
                return created;
            }
        }
    }

    /** Loads an existing identity file; refuses one that others can read, or that is malformed. */
    public static IdentityKeyPair load(Path file) throws IOException {
        requirePosix(file.getParent() == null ? Path.of(".") : file.getParent());
        if (Files.isSymbolicLink(file)) {
            throw new KeyFileException("identity file " + file + " is a symbolic link; refusing to follow it. "
                    + "Replace it with the real file (mode 0600).");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("identity file " + file + " does not exist", e);
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyFileException("identity file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> exposed = EnumSet.noneOf(PosixFilePermission.class);
        exposed.addAll(perms);
        exposed.retainAll(OTHERS);
        if (!exposed.isEmpty()) {
            throw new KeyFileException("identity file " + file + " is accessible to other users (mode "
                    + PosixFilePermissions.toString(perms) + "); anyone who can read it can impersonate you. "
                    + "Run: chmod 600 '" + file + "' (and consider the key compromised if others could read it)");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw corrupt(file, "it is larger than " + MAX_FILE_BYTES + " bytes", null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw corrupt(file, "it is not valid JSON", e);
        }
        if (root == null || !root.isObject()) throw corrupt(file, "it is not a JSON object", null);
        JsonNode version = root.get("version");
        if (version == null || !version.isInt()) throw corrupt(file, "\"version\" is missing", null);
        if (version.intValue() != FORMAT_VERSION) {
            throw new KeyFileException("identity file " + file + " has format version " + version.intValue()
                    + " but this Parley understands only version " + FORMAT_VERSION + "; upgrade Parley");
        }
        byte[] seed = null;
        try {
            seed = Base64Url.decode("seed", text(root, "seed"), 32);
            IdentityKey stored = IdentityKey.fromBase64Url(text(root, "publicKey"));
            IdentityKeyPair pair = IdentityKeyPair.fromSeed(seed);
            if (!pair.publicKey().equals(stored)) {
                throw corrupt(file, "its public key does not belong to its seed", null);
            }
            return pair;
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage(), e);
        } finally {
            if (seed != null) Arrays.fill(seed, (byte) 0);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException("\"" + field + "\" is missing");
        return n.textValue();
    }

    private static KeyFileException corrupt(Path file, String why, Throwable cause) {
        return new KeyFileException("identity file " + file + " is damaged: " + why + ". Restore it from a backup; "
                + "moving it away makes Parley create a new identity, which gives you a new peer id "
                + "and your contacts will see a changed key", cause);
    }

    /**
     * Writes to a 0600 temp file created with those permissions (never briefly world-readable),
     * forces it to disk, then atomically renames it into place and syncs the directory, so a crash
     * leaves either no identity or a complete one.
     */
    private static void write(Path file, IdentityKeyPair pair) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        byte[] seed = pair.seed();
        root.put("seed", Base64Url.encode(seed));
        Arrays.fill(seed, (byte) 0);
        root.put("publicKey", pair.publicKey().toBase64Url());
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);

        Path dir = file.getParent();
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp); // a leftover from a crash mid-write; we hold the lock
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
        try {
            Files.createFile(tmp, ownerOnly);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new KeyFileException("cannot atomically create " + file + " on this file system; "
                        + "put the profile on a local file system", e);
            }
            syncDirectory(dir);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename is still atomic, just maybe not yet durable.
        }
    }

    private static void requirePosix(Path dir) throws KeyFileException {
        Path probe = dir;
        while (probe != null && !Files.exists(probe)) probe = probe.getParent();
        if (probe != null && Files.getFileAttributeView(probe, PosixFileAttributeView.class) == null) {
            throw new KeyFileException("the profile directory " + dir + " is on a file system without POSIX "
                    + "permissions; Parley cannot protect the identity key there yet");
        }
    }
}
