package dev.parley.client.internal.swarm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Group files on disk, in {@code <profile>/swarm/}: per file (named by the hex of its 32-byte id)
 * {@code .json} (its record), {@code .part} (the download, pieces at their offsets), {@code .bits}
 * (verified pieces, written by {@link dev.parley.client.internal.files.VerifiedPieces} only after the part file was fsynced) and
 * {@code .layer} (the piece hashes, checked against the root). Small files replaced atomically.
 * Worker thread only.
 */
@Slf4j
final class SwarmStore {
    enum Status { OFFERED, ACCEPTED, COMPLETED, SHARED, DECLINED, FAILED }

    /** One file's record; {@code path} is the source (shared), the final file (completed), else null. */
    record Row(String file, String group, String from, String body, Status status, String path) {
        Row with(Status s, String p) {
            return new Row(file, group, from, body, s, p);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Path dir;

    SwarmStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    List<Row> load() {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    rows.add(JSON.readValue(p.toFile(), Row.class));
                } catch (IOException e) {
                    log.warn("unreadable swarm record {}: {}", p, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.getMessage());
        }
        return rows;
    }

    void save(String hex, Row row) throws IOException {
        replace(hex + ".json", JSON.writeValueAsBytes(row));
    }

    Path part(String hex) {
        return dir.resolve(hex + ".part");
    }

    void saveLayer(String hex, byte[] layer) throws IOException {
        replace(hex + ".layer", layer);
    }

    Optional<byte[]> layer(String hex) {
        return read(hex + ".layer");
    }

    private Optional<byte[]> read(String name) {
        Path p = dir.resolve(name);
        try {
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            log.warn("cannot read {}: {}", p, e.getMessage());
            return Optional.empty();
        }
    }

    private void replace(String name, byte[] data) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, data);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
