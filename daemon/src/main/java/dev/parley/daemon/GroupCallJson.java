package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.ParleyEvent;

import java.time.Duration;
import java.time.Instant;

import java.util.Optional;

import static dev.parley.daemon.ApiJson.callId;
import static dev.parley.daemon.ApiJson.peer;
import static dev.parley.daemon.ApiJson.requireText;
import static dev.parley.daemon.GroupJson.groupId;

/**
 * Group-call events on the local API (docs/api.md): {@code group-call-started}, {@code participant-joined},
 * {@code participant-left}, {@code participant-muted}, {@code participant-reconnecting}, {@code participant-stats},
 * {@code speaker}, {@code group-call-ended}, and the stored {@code group-call-recorded}; the history entries of
 * {@code GET /v1/groups/{group}/calls}.
 */
public final class GroupCallJson {
    private GroupCallJson() {}

    static boolean event(ObjectNode o, ParleyEvent e) {
        if (e instanceof ParleyEvent.GroupCallStarted x) {
            o.put("type", "group-call-started");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.by().value());
        } else if (e instanceof ParleyEvent.GroupCallParticipantJoined x) {
            o.put("type", "participant-joined");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.participant().value());
        } else if (e instanceof ParleyEvent.GroupCallParticipantLeft x) {
            o.put("type", "participant-left");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.participant().value())
                    .put("reason", x.reason());
        } else if (e instanceof ParleyEvent.GroupCallParticipantMuted x) {
            o.put("type", "participant-muted");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.participant().value())
                    .put("muted", x.muted());
        } else if (e instanceof ParleyEvent.GroupCallParticipantReconnecting x) {
            o.put("type", "participant-reconnecting");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.participant().value())
                    .put("reconnecting", x.reconnecting());
        } else if (e instanceof ParleyEvent.GroupCallParticipantStats x) {
            o.put("type", "participant-stats");
            o.put("group", x.group().value()).put("callId", x.call().toString()).put("peerId", x.participant().value())
                    .set("stats", ApiJson.callStats(x.stats()));
        } else if (e instanceof ParleyEvent.GroupCallSpeaker x) {
            o.put("type", "speaker");
            o.put("group", x.group().value()).put("callId", x.call().toString())
                    .put("peerId", x.speaker() == null ? null : x.speaker().value());
            if (Double.isInfinite(x.levelDbfs())) o.putNull("levelDbfs");
            else o.put("levelDbfs", x.levelDbfs());
        } else if (e instanceof ParleyEvent.GroupCallEnded x) {
            o.put("type", "group-call-ended");
            o.put("group", x.group().value()).put("callId", x.call().toString());
        } else if (e instanceof ParleyEvent.GroupCallRecorded x) {
            o.put("type", "group-call-recorded").put("storedSeq", x.seq());
            o.set("record", record(x.record()));
        } else {
            return false;
        }
        return true;
    }

    /** {@code GET /v1/groups/{group}/call}: the group's running call as this member knows it. */
    public static ObjectNode info(GroupCallInfo i) {
        ObjectNode o = ApiJson.object();
        o.put("group", i.group().value()).put("callId", i.call().toString()).put("startedAt", i.startedAt().toString());
        ArrayNode ps = o.putArray("participants");
        i.participants().forEach(p -> ps.add(p.value()));
        o.put("joined", i.joined()).put("muted", i.muted());
        ArrayNode mp = o.putArray("mutedParticipants");
        i.mutedParticipants().forEach(p -> mp.add(p.value()));
        ArrayNode rc = o.putArray("reconnecting");
        i.reconnecting().forEach(p -> rc.add(p.value()));
        return o;
    }

    public static GroupCallInfo info(JsonNode n) {
        JsonNode ps = n.get("participants");
        if (ps == null || !ps.isArray()) throw new IllegalArgumentException("missing field 'participants' (an array of peer ids)");
        return new GroupCallInfo(groupId(requireText(n, "group")), callId(requireText(n, "callId")), Instant.parse(requireText(n, "startedAt")),
                ApiJson.list(ps, p -> peer(p.isTextual() ? p.asText() : null)), n.path("joined").asBoolean(), n.path("muted").asBoolean(),
                peers(n.get("mutedParticipants")), peers(n.get("reconnecting")));
    }

    /** An optional array of peer ids (absent: none, for a daemon that predates the field). */
    private static java.util.List<dev.parley.client.PeerId> peers(JsonNode a) {
        if (a == null || a.isNull()) return java.util.List.of();
        if (!a.isArray()) throw new IllegalArgumentException("expected an array of peer ids");
        return ApiJson.list(a, p -> peer(p.isTextual() ? p.asText() : null));
    }

    /** One entry of a group's call history: {@code GET /v1/groups/{group}/calls} and the {@code group-call-recorded} event. */
    public static ObjectNode record(GroupCallRecord r) {
        ObjectNode o = ApiJson.object();
        o.put("group", r.group().value()).put("callId", r.call().toString());
        o.put("startedAt", r.startedAt().toString()).put("endedAt", r.endedAt().toString());
        o.put("joined", r.joined()).put("missed", r.missed()).put("inCallMs", r.inCall().toMillis());
        ArrayNode with = o.putArray("with");
        r.with().forEach(p -> with.add(p.value()));
        return o;
    }

    public static GroupCallRecord record(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("missing field 'record'");
        JsonNode with = n.get("with");
        if (with == null || !with.isArray()) throw new IllegalArgumentException("missing field 'with' (an array of peer ids)");
        if (!n.path("joined").isBoolean()) throw new IllegalArgumentException("missing field 'joined' (true or false)");
        if (!n.path("inCallMs").isIntegralNumber()) throw new IllegalArgumentException("missing field 'inCallMs' (an integer)");
        return new GroupCallRecord(groupId(requireText(n, "group")), callId(requireText(n, "callId")),
                Instant.parse(requireText(n, "startedAt")), Instant.parse(requireText(n, "endedAt")), n.get("joined").asBoolean(),
                Duration.ofMillis(n.get("inCallMs").asLong()), ApiJson.list(with, p -> peer(p.isTextual() ? p.asText() : null)));
    }

    static Optional<ParleyEvent> parleyEvent(String type, JsonNode n) {
        return Optional.ofNullable(switch (type) {
            case "group-call-started" -> new ParleyEvent.GroupCallStarted(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")));
            case "participant-joined" -> new ParleyEvent.GroupCallParticipantJoined(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")));
            case "participant-left" -> new ParleyEvent.GroupCallParticipantLeft(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")), requireText(n, "reason"));
            case "participant-muted" -> new ParleyEvent.GroupCallParticipantMuted(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")), Boolean.TRUE.equals(ApiJson.bool(n, "muted")));
            case "participant-reconnecting" -> new ParleyEvent.GroupCallParticipantReconnecting(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")), Boolean.TRUE.equals(ApiJson.bool(n, "reconnecting")));
            case "participant-stats" -> new ParleyEvent.GroupCallParticipantStats(groupId(requireText(n, "group")),
                    callId(requireText(n, "callId")), peer(requireText(n, "peerId")), ApiJson.callStats(n.get("stats")));
            case "speaker" -> new ParleyEvent.GroupCallSpeaker(groupId(requireText(n, "group")), callId(requireText(n, "callId")),
                    n.path("peerId").isTextual() ? peer(n.get("peerId").asText()) : null,
                    n.path("levelDbfs").isNumber() ? n.get("levelDbfs").asDouble() : Double.NEGATIVE_INFINITY);
            case "group-call-ended" -> new ParleyEvent.GroupCallEnded(groupId(requireText(n, "group")), callId(requireText(n, "callId")));
            case "group-call-recorded" -> new ParleyEvent.GroupCallRecorded(n.path("storedSeq").asLong(0), record(n.get("record")));
            default -> null;
        });
    }
}
