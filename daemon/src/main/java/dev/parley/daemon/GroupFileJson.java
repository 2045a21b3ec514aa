package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.PeerId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.parley.daemon.ApiJson.object;
import static dev.parley.daemon.ApiJson.peer;
import static dev.parley.daemon.ApiJson.requireText;
import static dev.parley.daemon.GroupJson.groupId;
import static dev.parley.daemon.GroupJson.groupMessageId;

/**
 * Group files in JSON (docs/api.md § Group files): the offer object, and the {@code group-file} event
 * whose {@code kind} is one of {@link GroupFileEvent}'s records ({@code offered}, {@code accepted}, {@code progress},
 * {@code completed}, {@code held}, {@code holder-dropped}, {@code refused}, {@code failed}); both ways,
 * so that {@code RemoteParley} gives an app the same {@link GroupFileEvent}s as the library.
 */
public final class GroupFileJson {
    private GroupFileJson() {}

    public static ObjectNode offer(GroupFileOffer o) {
        return object().put("id", o.id().value()).put("group", o.group().value()).put("from", o.from().value()).put("name", o.name())
                .put("size", o.size()).put("mediaType", o.mediaType()).put("sha256", o.sha256Hex());
    }

    public static GroupFileOffer offer(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("missing field 'offer'");
        return new GroupFileOffer(groupMessageId(requireText(n, "id")), groupId(requireText(n, "group")), peer(requireText(n, "from")),
                requireText(n, "name"), n.path("size").asLong(), requireText(n, "mediaType"), requireText(n, "sha256"));
    }

    /** A group file with its state here ({@code GET /v1/group-files/{id}}, the {@code group-file-changed} event). */
    public static ObjectNode file(GroupFile f) {
        ObjectNode o = object().put("state", ApiJson.wire(f.state()))
                .put("path", f.path() == null ? null : f.path().toString());
        o.set("offer", offer(f.offer()));
        return o;
    }

    public static GroupFile file(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("missing field 'file'");
        GroupFileState s = ApiJson.enumOf(GroupFileState.class, "state", requireText(n, "state"));
        return new GroupFile(offer(n.get("offer")), s, n.path("path").isTextual() ? Path.of(n.get("path").asText()) : null);
    }

    /** The stored {@code group-file-changed} event, if {@code e} is one; else false and {@code o} untouched. */
    public static boolean event(ObjectNode o, ParleyEvent e) {
        if (!(e instanceof ParleyEvent.GroupFileChanged x)) return false;
        o.put("type", "group-file-changed").put("storedSeq", x.seq());
        o.set("file", file(x.file()));
        return true;
    }

    /** The {@code group-file} event (not stored by the library: of the moment, like progress). */
    public static ObjectNode event(GroupFileEvent e) {
        ObjectNode o = object().put("type", "group-file").put("file", e.file().value());
        if (e instanceof GroupFileEvent.Offered x) {
            o.put("kind", "offered").set("offer", offer(x.offer()));
        } else if (e instanceof GroupFileEvent.Accepted x) {
            o.put("kind", "accepted").put("group", x.group().value()).put("automatically", x.automatically());
        } else if (e instanceof GroupFileEvent.Progress x) {
            o.put("kind", "progress").put("group", x.group().value()).put("bytes", x.bytes()).put("size", x.size())
                    .put("bytesPerSecond", x.bytesPerSecond()).put("etaMs", x.eta() == null ? null : x.eta().toMillis())
                    .put("holdersServing", x.holdersServing());
        } else if (e instanceof GroupFileEvent.Completed x) {
            o.put("kind", "completed").put("group", x.group().value()).put("path", x.path().toString()).put("sha256", x.sha256Hex());
            ObjectNode s = o.putObject("sources");
            x.sources().forEach((p, b) -> s.put(p.value(), b));
        } else if (e instanceof GroupFileEvent.Held x) {
            o.put("kind", "held").put("group", x.group().value()).put("peerId", x.member().value());
        } else if (e instanceof GroupFileEvent.HolderDropped x) {
            o.put("kind", "holder-dropped").put("group", x.group().value()).put("peerId", x.holder().value()).put("reason", x.reason());
        } else if (e instanceof GroupFileEvent.Refused x) {
            o.put("kind", "refused").put("group", x.group().value()).put("peerId", x.holder().value()).put("reason", x.reason());
        } else if (e instanceof GroupFileEvent.Failed x) {
            o.put("kind", "failed").put("group", x.group().value()).put("reason", x.reason());
        }
        return o;
    }

    public static GroupFileEvent event(JsonNode n) {
        var file = groupMessageId(requireText(n, "file"));
        String kind = requireText(n, "kind");
        return switch (kind) {
            case "offered" -> new GroupFileEvent.Offered(offer(n.get("offer")));
            case "accepted" -> new GroupFileEvent.Accepted(file, groupId(requireText(n, "group")), n.path("automatically").asBoolean());
            case "progress" -> new GroupFileEvent.Progress(file, groupId(requireText(n, "group")), n.path("bytes").asLong(), n.path("size").asLong(),
                    n.path("bytesPerSecond").asLong(), n.path("etaMs").isNumber() ? Duration.ofMillis(n.path("etaMs").asLong()) : null,
                    n.path("holdersServing").asInt());
            case "completed" -> {
                Map<PeerId, Long> sources = new LinkedHashMap<>();
                n.path("sources").fields().forEachRemaining(f -> sources.put(peer(f.getKey()), f.getValue().asLong()));
                yield new GroupFileEvent.Completed(file, groupId(requireText(n, "group")), Path.of(requireText(n, "path")),
                        requireText(n, "sha256"), sources);
            }
            case "held" -> new GroupFileEvent.Held(file, groupId(requireText(n, "group")), peer(requireText(n, "peerId")));
            case "holder-dropped" -> new GroupFileEvent.HolderDropped(file, groupId(requireText(n, "group")), peer(requireText(n, "peerId")),
                    requireText(n, "reason"));
            case "refused" -> new GroupFileEvent.Refused(file, groupId(requireText(n, "group")), peer(requireText(n, "peerId")),
                    requireText(n, "reason"));
            case "failed" -> new GroupFileEvent.Failed(file, groupId(requireText(n, "group")), requireText(n, "reason"));
            default -> throw new IllegalArgumentException("unknown group-file kind '" + kind + "'");
        };
    }
}
