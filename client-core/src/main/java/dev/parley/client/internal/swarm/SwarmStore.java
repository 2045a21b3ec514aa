package dev.parley.client.internal.swarm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.store.GroupFileStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where group files are kept: each file's record (offer, state, path, piece layer) in SQLite
 * ({@link GroupFileStore}, with its app event), its download in {@code <profile>/swarm/<hex id>.part}
 * with the bitmap {@code .bits} beside it ({@link dev.parley.client.internal.files.VerifiedPieces}).
 * Reads back, once, the JSON records ({@code <hex>.json}, {@code <hex>.layer}) that builds before schema 7
 * kept in that folder. Worker thread only.
 */
@Slf4j
final class SwarmStore {
    /** A record as builds before schema 7 wrote it. */
    private record Legacy(String file, String group, String from, String body, GroupFileState status, String path) {}

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Path dir;
    private final GroupFileStore records;

    SwarmStore(Path dir, GroupFileStore records) throws IOException {
        this.dir = dir;
        this.records = records;
        Files.createDirectories(dir);
    }

    /** Every file's record, oldest first, after taking in what an older build left as JSON. */
    List<GroupFileStore.Row> load() {
        importLegacy();
        return records.rows();
    }

    /** Records the file the first time, afterwards its state and path (the shared or the saved file; else none). */
    void save(SwarmFile f) {
        boolean kept = f.status == GroupFileState.SHARED || f.status == GroupFileState.COMPLETED;
        String path = kept && f.path != null ? f.path.toString() : null;
        if (!f.recorded) {
            f.recorded = true;
            if (records.record(new GroupFileStore.Row(f.id, f.group, f.from, f.offer.toBody(), f.status, path))) return;
        }
        records.update(f.id, f.status, path);
    }

    Path part(String hex) {
        return dir.resolve(hex + ".part");
    }

    void saveLayer(SwarmFile f) {
        records.saveLayer(f.id, f.layerBytes());
    }

    Optional<byte[]> layer(GroupMessageId file) {
        return records.layer(file);
    }

    /**
     * Each {@code <hex>.json} becomes a row (its {@code .layer} the row's layer), then both files go; one
     * that cannot be read is left where it is, logged, for someone to look at.
     */
    private void importLegacy() {
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(x -> x.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.getMessage());
            return;
        }
        for (Path p : found) {
            try {
                Legacy l = JSON.readValue(p.toFile(), Legacy.class);
                GroupMessageId id = GroupMessageId.of(l.file());
                records.record(new GroupFileStore.Row(id, GroupId.of(l.group()), PeerId.of(l.from()), l.body(), l.status(), l.path()));
                String stem = p.getFileName().toString().replaceFirst("\\.json$", "");
                Path layer = dir.resolve(stem + ".layer");
                if (Files.exists(layer)) records.saveLayer(id, Files.readAllBytes(layer));
                Files.deleteIfExists(layer);
                Files.delete(p);
                log.info("group file {}: record moved into the database", id.shortForm());
            } catch (IOException | RuntimeException e) {
                log.warn("cannot take in the old group file record {}: {}", p, e.getMessage());
            }
        }
    }
}
