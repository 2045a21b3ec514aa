package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ParleyEvent;

import java.util.Optional;

import static dev.parley.daemon.ApiJson.callId;
import static dev.parley.daemon.ApiJson.peer;
import static dev.parley.daemon.ApiJson.requireText;
import static dev.parley.daemon.GroupJson.groupId;

/**
 * Group-call events on the local API (docs/api.md): {@code group-call-started}, {@code participant-joined},
 * {@code participant-left}, {@code participant-muted},
 * {@code participant-reconnecting}, {@code participant-stats}, {@code speaker}, {@code group-call-ended}. The daemon has no group-call routes yet; the
 * events are written so every {@link ParleyEvent} has a JSON form.
 */
final class GroupCallJson {
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
        } else {
            return false;
        }
        return true;
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
            default -> null;
        });
    }
}
