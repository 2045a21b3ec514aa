package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code <profile>/daemon.json}, {@code {"pid":N,"url":"http://127.0.0.1:P","epoch":"…","socket":"/…/api.sock",
 * "tlsCertificate":null}}, mode 0600: written once the daemon serves, deleted when it exits. How local
 * commands and apps find the daemon of a profile (with the token in {@code <profile>/api-token}):
 * {@code socket} is the API's UNIX socket if it has one, {@code tlsCertificate} the certificate an
 * {@code https} URL is served with (for clients to trust).
 */
public final class DaemonFile {
    public static final String FILE = "daemon.json";

    /** What the file says; {@link #alive()} checks that its process still exists. */
    public record Info(long pid, URI url, String epoch, Path socket, Path tlsCertificate) {
        public Info(long pid, URI url, String epoch) {
            this(pid, url, epoch, null, null);
        }

        public boolean alive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private DaemonFile() {}

    public static void write(Path profileDir, Info info) throws IOException {
        Path tmp = profileDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, ApiJson.write(ApiJson.object().put("pid", info.pid()).put("url", info.url().toString())
                .put("epoch", info.epoch()).put("socket", info.socket() == null ? null : info.socket().toString())
                .put("tlsCertificate", info.tlsCertificate() == null ? null : info.tlsCertificate().toString())) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, profileDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's content, if there is a readable one (it may name a process that is gone: check {@link Info#alive()}). */
    public static Optional<Info> read(Path profileDir) {
        try {
            JsonNode n = ApiJson.parse(Files.readString(profileDir.resolve(FILE), StandardCharsets.UTF_8));
            String socket = n.path("socket").asText(null);
            String cert = n.path("tlsCertificate").asText(null);
            return Optional.of(new Info(n.path("pid").asLong(), URI.create(ApiJson.requireText(n, "url")), n.path("epoch").asText(null),
                    socket == null ? null : Path.of(socket), cert == null ? null : Path.of(cert)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // damaged or half-written: as if absent
        }
    }

    /** Deletes the file if it still names {@code pid} (a newer daemon's file is left alone). */
    public static void deleteIfOurs(Path profileDir, long pid) {
        Optional<Info> i = read(profileDir);
        if (i.isPresent() && i.get().pid() != pid) return;
        try {
            Files.deleteIfExists(profileDir.resolve(FILE));
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
