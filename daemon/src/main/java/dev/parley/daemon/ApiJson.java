package dev.parley.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.HistoryCursor;
import dev.parley.client.HistoryPage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.TransferState;
import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The JSON of the local API (docs/api.md), both directions, in one place: the daemon writes with it and
 * a Java client ({@code RemoteParley}) reads the same fields back with it.
 *
 * <p>Conventions, stable across versions of {@code /v1}: field names are camelCase; every id (peer,
 * message, transfer, call, history cursor) is a JSON string; times are ISO-8601 UTC strings
 * ({@code Instant.toString()}, e.g. {@code 2026-12-02T01:51:45.123Z}) or null; durations are numbers of
 * milliseconds in fields ending {@code Ms} (fractional where finer than a millisecond matters); enums are
 * lower-case strings ({@code outgoing}, {@code delivered}, {@code no_answer}); absent optional values are
 * null, never missing.
 */
public final class ApiJson {
    /** The API's one mapper: compact, no feature that changes field names. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ApiJson() {}

    // ------------------------------------------------------------------ primitives

    public static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a JSON text; IllegalArgumentException (400 bad_request) if it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) throw new IllegalArgumentException("empty body: expected a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    public static ObjectNode object() {
        return F.objectNode();
    }

    public static <T> ArrayNode array(List<T> items, Function<T, JsonNode> each) {
        ArrayNode a = F.arrayNode();
        for (T t : items) a.add(each.apply(t));
        return a;
    }

    public static <T> List<T> list(JsonNode array, Function<JsonNode, T> each) {
        if (array == null || !array.isArray()) throw new IllegalArgumentException("expected a JSON array");
        List<T> out = new ArrayList<>();
        for (JsonNode n : array) out.add(each.apply(n));
        return out;
    }

    static String wire(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String field, String s) {
        if (s == null) return null;
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + field + " '" + s + "'");
        }
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant instant(JsonNode n, String field) {
        String s = text(n, field);
        return s == null ? null : Instant.parse(s);
    }

    static Double millis(Duration d) {
        return d == null ? null : d.toNanos() / 1_000_000.0;
    }

    static Duration duration(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Duration.ofNanos(Math.round(v.asDouble() * 1_000_000.0));
    }

    /** The string field, or null when absent or null; 400 if it is another type. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("field '" + field + "' must be a string");
        return v.asText();
    }

    /** The string field; 400 bad_request when it is missing. */
    public static String requireText(JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) throw new IllegalArgumentException("missing field '" + field + "'");
        return s;
    }

    static Boolean bool(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw new IllegalArgumentException("field '" + field + "' must be true or false");
        return v.asBoolean();
    }

    static Long number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber()) throw new IllegalArgumentException("field '" + field + "' must be an integer");
        return v.asLong();
    }

    // ------------------------------------------------------------------ ids

    /** A peer id from its 32-character string; 400 otherwise. (The one place the API parses peer ids.) */
    public static PeerId peer(String s) {
        if (s == null || !PeerId.isValid(s)) throw new IllegalArgumentException("not a peer id: '" + s + "' (32 characters)");
        return PeerId.of(s);
    }

    public static MessageId messageId(String s) {
        try {
            return MessageId.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a message id: '" + s + "' (a lower-case UUID)");
        }
    }

    public static TransferId transferId(String s) {
        return new TransferId(uuid("transfer id", s));
    }

    public static CallId callId(String s) {
        return new CallId(uuid("call id", s));
    }

    private static UUID uuid(String what, String s) {
        try {
            if (s == null || s.length() != 36) throw new IllegalArgumentException();
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + what + ": '" + s + "' (a UUID)");
        }
    }

    public static HistoryCursor cursor(String s) {
        try {
            return new HistoryCursor(Long.parseLong(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a history cursor: '" + s + "'");
        }
    }

    // ------------------------------------------------------------------ contacts

    /** A contact; {@code online}/{@code connected} are the live state (false when not known). */
    public static ObjectNode contact(Contact c, boolean online, boolean connected) {
        ObjectNode o = object();
        o.put("peerId", c.peerId().value());
        o.put("name", c.displayName());
        o.put("label", c.label());
        o.put("key", c.pinnedKey() == null ? null : c.pinnedKey().base64Url());
        o.put("pendingKey", c.pendingKey() == null ? null : c.pendingKey().base64Url());
        o.put("verified", c.verified());
        o.put("keyChanged", c.keyChanged());
        o.put("addedAt", time(c.addedAt()));
        o.put("online", online);
        o.put("connected", connected);
        return o;
    }

    public static Contact contact(JsonNode n) {
        String key = text(n, "key"), pending = text(n, "pendingKey");
        return new Contact(peer(requireText(n, "peerId")), text(n, "name"),
                key == null ? null : PeerKey.parse(key), pending == null ? null : PeerKey.parse(pending),
                Boolean.TRUE.equals(bool(n, "verified")), instant(n, "addedAt"));
    }

    // ------------------------------------------------------------------ messages

    public static ObjectNode message(ChatMessage m) {
        ObjectNode o = object();
        o.put("id", m.id().toString());
        o.put("peerId", m.peer().value());
        o.put("direction", wire(m.direction()));
        o.put("seq", m.seq());
        o.put("text", m.text());
        o.put("sentAt", time(m.sentAt()));
        o.put("storedAt", time(m.storedAt()));
        o.put("state", wire(m.state()));
        o.put("deliveredAt", time(m.deliveredAt()));
        o.put("readAt", time(m.readAt()));
        return o;
    }

    public static ChatMessage message(JsonNode n) {
        return new ChatMessage(messageId(requireText(n, "id")), peer(requireText(n, "peerId")),
                enumOf(Direction.class, "direction", requireText(n, "direction")), number(n, "seq"), requireText(n, "text"),
                instant(n, "sentAt"), instant(n, "storedAt"), enumOf(MessageState.class, "state", requireText(n, "state")),
                instant(n, "deliveredAt"), instant(n, "readAt"));
    }

    /** {@code {"items":[message…],"next":"cursor"|null}}. */
    public static ObjectNode page(HistoryPage p) {
        ObjectNode o = object();
        o.set("items", array(p.items(), ApiJson::message));
        o.put("next", p.next().map(c -> Long.toString(c.position())).orElse(null));
        return o;
    }

    public static HistoryPage page(JsonNode n) {
        String next = text(n, "next");
        return new HistoryPage(list(n.get("items"), ApiJson::message), Optional.ofNullable(next).map(ApiJson::cursor));
    }

    // ------------------------------------------------------------------ files

    public static ObjectNode transfer(Transfer t) {
        ObjectNode o = object();
        o.put("id", t.id().toString());
        o.put("direction", wire(t.direction()));
        o.put("peerId", t.peer().value());
        o.put("name", t.name());
        o.put("size", t.size());
        o.put("mediaType", t.mediaType());
        o.put("sha256", t.sha256Hex());
        o.put("state", wire(t.state()));
        o.put("verifiedOffset", t.verifiedOffset());
        o.put("createdAt", time(t.createdAt()));
        o.put("updatedAt", time(t.updatedAt()));
        return o;
    }

    public static Transfer transfer(JsonNode n) {
        return new Transfer(transferId(requireText(n, "id")), enumOf(Direction.class, "direction", requireText(n, "direction")),
                peer(requireText(n, "peerId")), requireText(n, "name"), number(n, "size"), requireText(n, "mediaType"),
                requireText(n, "sha256"), enumOf(TransferState.class, "state", requireText(n, "state")), number(n, "verifiedOffset"),
                instant(n, "createdAt"), instant(n, "updatedAt"));
    }

    public static ObjectNode offer(TransferOffer t) {
        ObjectNode o = object();
        o.put("id", t.id().toString());
        o.put("peerId", t.peer().value());
        o.put("name", t.name());
        o.put("size", t.size());
        o.put("mediaType", t.mediaType());
        o.put("sha256", t.sha256Hex());
        return o;
    }

    public static TransferOffer offer(JsonNode n) {
        return new TransferOffer(transferId(requireText(n, "id")), peer(requireText(n, "peerId")), requireText(n, "name"),
                number(n, "size"), requireText(n, "mediaType"), requireText(n, "sha256"));
    }

    public static ObjectNode progress(TransferProgress p) {
        ObjectNode o = object();
        o.put("id", p.id().toString());
        o.put("direction", wire(p.direction()));
        o.put("bytes", p.bytes());
        o.put("size", p.size());
        o.put("bytesPerSecond", p.bytesPerSecond());
        o.put("etaMs", millis(p.eta()));
        return o;
    }

    public static TransferProgress progress(JsonNode n) {
        return new TransferProgress(transferId(requireText(n, "id")), enumOf(Direction.class, "direction", requireText(n, "direction")),
                number(n, "bytes"), number(n, "size"), n.path("bytesPerSecond").asDouble(), duration(n, "etaMs"));
    }

    // ------------------------------------------------------------------ calls

    public static ObjectNode callRecord(CallRecord r) {
        ObjectNode o = object();
        o.put("callId", r.callId().toString());
        o.put("peerId", r.peer().value());
        o.put("direction", wire(r.direction()));
        o.put("reason", wire(r.reason()));
        o.put("endedLocally", r.endedLocally());
        o.put("startedAt", time(r.startedAt()));
        o.put("answeredAt", time(r.answeredAt()));
        o.put("endedAt", time(r.endedAt()));
        o.put("durationMs", r.duration().toMillis());
        o.put("missed", r.missed());
        return o;
    }

    public static CallRecord callRecord(JsonNode n) {
        return new CallRecord(callId(requireText(n, "callId")), peer(requireText(n, "peerId")),
                enumOf(Direction.class, "direction", requireText(n, "direction")), enumOf(CallEndReason.class, "reason", requireText(n, "reason")),
                Boolean.TRUE.equals(bool(n, "endedLocally")), instant(n, "startedAt"), instant(n, "answeredAt"), instant(n, "endedAt"));
    }

    public static ObjectNode callStats(CallStats s) {
        ObjectNode o = object();
        o.put("callId", s.callId() == null ? null : s.callId().toString());
        o.put("at", time(s.at()));
        o.put("rttMs", millis(s.roundTripTime()));
        o.put("jitterMs", millis(s.jitter()));
        o.put("lossFraction", s.lossFraction());
        o.put("sendBitrateBps", s.sendBitrateBps());
        o.put("recvBitrateBps", s.recvBitrateBps());
        o.put("codec", s.codec());
        o.put("packetsSent", s.packetsSent());
        o.put("packetsReceived", s.packetsReceived());
        o.put("packetsLost", s.packetsLost());
        return o;
    }

    public static CallStats callStats(JsonNode n) {
        String id = text(n, "callId");
        return new CallStats(id == null ? null : callId(id), instant(n, "at"), duration(n, "rttMs"), duration(n, "jitterMs"),
                n.path("lossFraction").asDouble(), n.path("sendBitrateBps").asLong(), n.path("recvBitrateBps").asLong(),
                n.path("codec").asText(""), n.path("packetsSent").asLong(), n.path("packetsReceived").asLong(), n.path("packetsLost").asLong());
    }

    /**
     * What a call plays and records: {@code {}} or null = the daemon's devices; {@code {"play":"/abs.wav"}};
     * {@code {"toneHz":440,"toneMs":2000}} (toneMs null = until hang-up); any of them plus {@code "record":"/abs.wav"}.
     */
    public static ObjectNode callMedia(CallMedia m) {
        ObjectNode o = object();
        o.put("play", m.playFile() == null ? null : m.playFile().toString());
        o.put("toneHz", m.toneHz() > 0 ? m.toneHz() : null);
        o.put("toneMs", m.toneDuration() == null ? null : m.toneDuration().toMillis());
        o.put("record", m.recordFile() == null ? null : m.recordFile().toString());
        return o;
    }

    public static CallMedia callMedia(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return CallMedia.devices();
        if (!n.isObject()) throw new IllegalArgumentException("media must be a JSON object");
        String play = text(n, "play"), record = text(n, "record");
        JsonNode hz = n.get("toneHz");
        if (play != null && hz != null && !hz.isNull()) throw new IllegalArgumentException("give either 'play' or 'toneHz', not both");
        CallMedia m;
        if (play != null) m = CallMedia.play(absolute("play", play));
        else if (hz != null && !hz.isNull()) {
            if (!hz.isNumber()) throw new IllegalArgumentException("field 'toneHz' must be a number");
            Long ms = number(n, "toneMs");
            m = CallMedia.tone(hz.asDouble(), ms == null ? null : Duration.ofMillis(ms));
        } else m = CallMedia.devices();
        return record != null ? m.record(absolute("record", record)) : m;
    }

    /** A path the daemon process opens: must be absolute (the daemon's working directory is not the caller's). */
    public static Path absolute(String field, String s) {
        Path p = Path.of(s);
        if (!p.isAbsolute()) throw new IllegalArgumentException("field '" + field + "' must be an absolute path (the daemon runs elsewhere)");
        return p;
    }

    // ------------------------------------------------------------------ server and sessions

    public static ObjectNode serverStatus(ServerStatus s) {
        ObjectNode o = object();
        o.put("online", s.online());
        o.put("resumed", s.resumed());
        o.put("reason", s.reason());
        o.put("retryInMs", s.retryIn().map(Duration::toMillis).orElse(null));
        o.put("description", s.describe());
        return o;
    }

    public static ServerStatus serverStatus(JsonNode n) {
        Long retry = number(n, "retryInMs");
        return new ServerStatus(Boolean.TRUE.equals(bool(n, "online")), Boolean.TRUE.equals(bool(n, "resumed")),
                n.path("reason").asText(""), Optional.ofNullable(retry).map(Duration::ofMillis));
    }

    // ------------------------------------------------------------------ events

    /**
     * An event as the API streams it, without {@code seq} (the {@link EventLog} numbers it):
     * {@code {"type":"message","storedSeq":12,"message":{…}}}. {@code storedSeq} is the library's durable
     * number of a stored event ({@link ParleyEvent.Stored}); other events have none.
     */
    public static ObjectNode event(ParleyEvent e) {
        ObjectNode o = object();
        if (e instanceof ParleyEvent.MessageAdded x) {
            typed(o, "message", x.seq()).set("message", message(x.message()));
        } else if (e instanceof ParleyEvent.MessageStateChanged x) {
            typed(o, "message-state", x.seq()).put("id", x.id().toString()).put("peerId", x.peer().value()).put("state", wire(x.state()));
        } else if (e instanceof ParleyEvent.Typing x) {
            typed(o, "typing", null).put("peerId", x.peer().value()).put("typing", x.typing());
        } else if (e instanceof ParleyEvent.ContactChanged x) {
            typed(o, "contact", x.seq()).set("contact", contactBrief(x.contact()));
        } else if (e instanceof ParleyEvent.ContactRemoved x) {
            typed(o, "contact-removed", x.seq()).put("peerId", x.peer().value());
        } else if (e instanceof ParleyEvent.ServerStateChanged x) {
            typed(o, "server", null).set("status", serverStatus(x.status()));
        } else if (e instanceof ParleyEvent.Presence x) {
            typed(o, "presence", null).put("peerId", x.peer().value()).put("online", x.online());
        } else if (e instanceof ParleyEvent.SessionStateChanged x) {
            typed(o, "session", null).put("peerId", x.peer().value()).put("state", x.state().wire()).put("detail", x.detail());
        } else if (e instanceof ParleyEvent.SecurityWarning x) {
            typed(o, "security-warning", null).put("peerId", x.peer().value()).put("reason", x.reason());
        } else if (e instanceof ParleyEvent.StrangerRefused x) {
            typed(o, "stranger-refused", null).put("peerId", x.peer().value());
        } else if (e instanceof ParleyEvent.TransferChanged x) {
            typed(o, "transfer", x.seq()).set("transfer", transfer(x.transfer()));
        } else if (e instanceof ParleyEvent.FileOffered x) {
            typed(o, "file-offered", null).set("offer", offer(x.offer()));
        } else if (e instanceof ParleyEvent.FileStarted x) {
            typed(o, "file-started", null).put("id", x.id().toString()).put("direction", wire(x.direction())).put("offset", x.offset());
        } else if (e instanceof ParleyEvent.FileProgress x) {
            typed(o, "file-progress", null).set("progress", progress(x.progress()));
        } else if (e instanceof ParleyEvent.FileCompleted x) {
            typed(o, "file-completed", null).put("id", x.id().toString()).put("direction", wire(x.direction()))
                    .put("path", x.file() == null ? null : x.file().toString()).put("sha256", x.sha256Hex());
        } else if (e instanceof ParleyEvent.FileFailed x) {
            typed(o, "file-failed", null).put("id", x.id().toString()).put("direction", wire(x.direction())).put("reason", x.reason());
        } else if (e instanceof ParleyEvent.FileCancelled x) {
            typed(o, "file-cancelled", null).put("id", x.id().toString()).put("direction", wire(x.direction()))
                    .put("byPeer", x.byPeer()).put("reason", x.reason());
        } else if (e instanceof ParleyEvent.FileDeclined x) {
            typed(o, "file-declined", null).put("id", x.id().toString()).put("reason", x.reason());
        } else if (e instanceof ParleyEvent.CallDialing x) {
            typed(o, "call-dialing", null).put("callId", x.id().toString()).put("peerId", x.peer().value());
        } else if (e instanceof ParleyEvent.CallRinging x) {
            typed(o, "call-ringing", null).put("callId", x.id().toString()).put("peerId", x.peer().value());
        } else if (e instanceof ParleyEvent.CallAnswered x) {
            typed(o, "call-answered", null).put("callId", x.id().toString()).put("peerId", x.peer().value());
        } else if (e instanceof ParleyEvent.CallMuted x) {
            typed(o, "call-muted", null).put("callId", x.id().toString()).put("muted", x.muted());
        } else if (e instanceof ParleyEvent.CallStatsUpdated x) {
            typed(o, "call-stats", null).set("stats", callStats(x.stats()));
        } else if (e instanceof ParleyEvent.CallEnded x) {
            typed(o, "call-ended", x.seq()).set("record", callRecord(x.record()));
        } else if (e instanceof ParleyEvent.Closed) {
            typed(o, "closed", null);
        } else if (GroupCallJson.event(o, e)) {
            // group-call-started, participant-*, speaker, group-call-ended: GroupCallJson
        } else if (GroupFileJson.event(o, e)) {
            // group-file-changed (stored): GroupFileJson; the group-file events of the moment are not ParleyEvents
        } else if (GroupJson.event(o, e)) {
            // group-invite, group-message, group-member, group-delivered, group-read, group-typing, group-visibility, group-renamed: GroupJson
        } else {
            typed(o, "unknown", null).put("java", e.getClass().getSimpleName());
        }
        return o;
    }

    /** A contact inside an event: the record only (live state is in presence/session events), online/connected false. */
    private static ObjectNode contactBrief(Contact c) {
        ObjectNode o = contact(c, false, false);
        o.remove("online");
        o.remove("connected");
        return o;
    }

    private static ObjectNode typed(ObjectNode o, String type, Long storedSeq) {
        o.put("type", type);
        if (storedSeq != null) o.put("storedSeq", storedSeq);
        return o;
    }

    /**
     * Reads an API event back into the library's value, for a Java client; empty for {@code resync},
     * {@code closed} and unknown types (the caller handles those). Stored events carry {@code storedSeq}.
     */
    public static Optional<ParleyEvent> parleyEvent(JsonNode n) {
        String type = requireText(n, "type");
        long ss = n.path("storedSeq").asLong(0);
        ParleyEvent e = switch (type) {
            case "message" -> new ParleyEvent.MessageAdded(ss, message(n.get("message")));
            case "message-state" -> new ParleyEvent.MessageStateChanged(ss, messageId(requireText(n, "id")), peer(requireText(n, "peerId")),
                    enumOf(MessageState.class, "state", requireText(n, "state")));
            case "typing" -> new ParleyEvent.Typing(peer(requireText(n, "peerId")), Boolean.TRUE.equals(bool(n, "typing")));
            case "contact" -> new ParleyEvent.ContactChanged(ss, contact(n.get("contact")));
            case "contact-removed" -> new ParleyEvent.ContactRemoved(ss, peer(requireText(n, "peerId")));
            case "server" -> new ParleyEvent.ServerStateChanged(serverStatus(n.get("status")));
            case "presence" -> new ParleyEvent.Presence(peer(requireText(n, "peerId")), Boolean.TRUE.equals(bool(n, "online")));
            case "session" -> new ParleyEvent.SessionStateChanged(peer(requireText(n, "peerId")),
                    enumOf(SessionStatus.class, "state", requireText(n, "state")), n.path("detail").asText(""));
            case "security-warning" -> new ParleyEvent.SecurityWarning(peer(requireText(n, "peerId")), n.path("reason").asText(""));
            case "stranger-refused" -> new ParleyEvent.StrangerRefused(peer(requireText(n, "peerId")));
            case "transfer" -> new ParleyEvent.TransferChanged(ss, transfer(n.get("transfer")));
            case "file-offered" -> new ParleyEvent.FileOffered(offer(n.get("offer")));
            case "file-started" -> new ParleyEvent.FileStarted(transferId(requireText(n, "id")),
                    enumOf(Direction.class, "direction", requireText(n, "direction")), n.path("offset").asLong());
            case "file-progress" -> new ParleyEvent.FileProgress(progress(n.get("progress")));
            case "file-completed" -> new ParleyEvent.FileCompleted(transferId(requireText(n, "id")),
                    enumOf(Direction.class, "direction", requireText(n, "direction")),
                    text(n, "path") == null ? null : Path.of(text(n, "path")), text(n, "sha256"));
            case "file-failed" -> new ParleyEvent.FileFailed(transferId(requireText(n, "id")),
                    enumOf(Direction.class, "direction", requireText(n, "direction")), n.path("reason").asText(""));
            case "file-cancelled" -> new ParleyEvent.FileCancelled(transferId(requireText(n, "id")),
                    enumOf(Direction.class, "direction", requireText(n, "direction")), Boolean.TRUE.equals(bool(n, "byPeer")),
                    n.path("reason").asText(""));
            case "file-declined" -> new ParleyEvent.FileDeclined(transferId(requireText(n, "id")), n.path("reason").asText(""));
            case "call-dialing" -> new ParleyEvent.CallDialing(callId(requireText(n, "callId")), peer(requireText(n, "peerId")));
            case "call-ringing" -> new ParleyEvent.CallRinging(callId(requireText(n, "callId")), peer(requireText(n, "peerId")));
            case "call-answered" -> new ParleyEvent.CallAnswered(callId(requireText(n, "callId")), peer(requireText(n, "peerId")));
            case "call-muted" -> new ParleyEvent.CallMuted(callId(requireText(n, "callId")), Boolean.TRUE.equals(bool(n, "muted")));
            case "call-stats" -> new ParleyEvent.CallStatsUpdated(callStats(n.get("stats")));
            case "call-ended" -> new ParleyEvent.CallEnded(ss, callRecord(n.get("record")));
            case "group-file-changed" -> new ParleyEvent.GroupFileChanged(ss, GroupFileJson.file(n.get("file")));
            case "group-invite", "group-message", "group-member", "group-delivered", "group-read", "group-typing",
                 "group-visibility", "group-renamed" ->
                    GroupJson.parleyEvent(type, ss, n).orElseThrow();
            case "group-call-started", "participant-joined", "participant-left", "participant-muted",
                 "participant-reconnecting", "participant-stats", "speaker", "group-call-ended", "group-call-recorded" ->
                    GroupCallJson.parleyEvent(type, n).orElseThrow();
            default -> null;
        };
        return Optional.ofNullable(e);
    }

    // ------------------------------------------------------------------ errors

    /** {@code {"error":{"code":"not_found","message":"…"}}}. */
    public static ObjectNode error(String code, String message) {
        ObjectNode o = object();
        o.putObject("error").put("code", code).put("message", message);
        return o;
    }
}
