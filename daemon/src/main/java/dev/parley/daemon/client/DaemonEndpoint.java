package dev.parley.daemon.client;

import dev.parley.daemon.ApiToken;
import dev.parley.daemon.DaemonFile;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach the daemon serving a profile: what it announced in {@code <profile>/daemon.json}
 * ({@link DaemonFile}) and the token in {@code <profile>/api-token} ({@link ApiToken}). A file left
 * behind by a daemon that died is ignored: its PID must be alive. {@code socket} and {@code
 * tlsCertificate} are null when the daemon has none.
 */
public record DaemonEndpoint(long pid, URI url, String token, Path socket, Path tlsCertificate) {
    public DaemonEndpoint(long pid, URI url, String token) {
        this(pid, url, token, null, null);
    }

    /** The live daemon of {@code profileDir}, if one announced itself and its process still runs. */
    public static Optional<DaemonEndpoint> find(Path profileDir) {
        Optional<DaemonFile.Info> info = DaemonFile.read(profileDir).filter(DaemonFile.Info::alive);
        if (info.isEmpty()) return Optional.empty();
        try {
            return Optional.of(new DaemonEndpoint(info.get().pid(), info.get().url(), ApiToken.read(profileDir), info.get().socket(),
                    info.get().tlsCertificate()));
        } catch (IOException e) {
            return Optional.empty(); // no usable token: as if there were no daemon (it makes one when it starts)
        }
    }
}
