package dev.parley.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.daemon.ApiJson;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the daemon serving a profile can be reached, as it announced in {@code <profile>/daemon.json}
 * ({@code {"pid":N,"url":"http://127.0.0.1:PORT","epoch":"…"}}), and the token in
 * {@code <profile>/api-token}. A file left behind by a daemon that died is ignored: its PID must be alive.
 */
public record DaemonEndpoint(long pid, URI url, String token) {
    public static final String ANNOUNCE_FILE = "daemon.json";
    public static final String TOKEN_FILE = "api-token";

    /** The live daemon of {@code profileDir}, if one announced itself and its process still runs. */
    public static Optional<DaemonEndpoint> find(Path profileDir) {
        Path announce = profileDir.resolve(ANNOUNCE_FILE);
        Path tokenFile = profileDir.resolve(TOKEN_FILE);
        if (!Files.isRegularFile(announce) || !Files.isRegularFile(tokenFile)) return Optional.empty();
        try {
            JsonNode n = ApiJson.parse(Files.readString(announce, StandardCharsets.UTF_8));
            long pid = n.path("pid").asLong(-1);
            String url = n.path("url").asText(null);
            if (pid <= 0 || url == null) return Optional.empty();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) return Optional.empty();
            String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
            if (token.isEmpty()) return Optional.empty();
            return Optional.of(new DaemonEndpoint(pid, URI.create(url), token));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // half-written or foreign file: as if there were no daemon
        }
    }
}
