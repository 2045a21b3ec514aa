package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.Direction;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupMessageId;
import dev.parley.client.GroupPost;
import dev.parley.client.ParleyEvent;
import dev.parley.client.PeerKey;

import java.util.Optional;

import static dev.parley.daemon.ApiJson.bool;
import static dev.parley.daemon.ApiJson.enumOf;
import static dev.parley.daemon.ApiJson.instant;
import static dev.parley.daemon.ApiJson.number;
import static dev.parley.daemon.ApiJson.object;
import static dev.parley.daemon.ApiJson.peer;
import static dev.parley.daemon.ApiJson.requireText;
import static dev.parley.daemon.ApiJson.text;
import static dev.parley.daemon.ApiJson.time;
import static dev.parley.daemon.ApiJson.wire;

/**
 * The local API's JSON for groups (docs/api.md), both directions, with {@link ApiJson}'s conventions:
 * group and group message ids are their 43-character base64url strings, enums lower-case. The three
 * group events: {@code group-invite} ({@code group}, {@code groupName}, {@code from}),
 * {@code group-message} ({@code post}), {@code group-member} ({@code group}, {@code peerId},
 * {@code action}: added, removed, left, promoted, demoted), {@code group-delivered} ({@code group},
 * {@code id}, {@code peerId}), {@code group-read} ({@code group}, {@code peerId}, {@code upTo}) and,
 * not stored, {@code group-typing} ({@code group}, {@code peerId}, {@code typing}).
 */
public final class GroupJson {
    private GroupJson() {}

    /** A group id from its string; 400 otherwise. */
    public static GroupId groupId(String s) {
        try {
            return GroupId.of(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a group id: '" + s + "' (43 characters of base64url)");
        }
    }

    public static GroupMessageId groupMessageId(String s) {
        try {
            return GroupMessageId.of(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a group message id: '" + s + "' (43 characters of base64url)");
        }
    }

    public static ObjectNode group(GroupInfo g) {
        ObjectNode o = object();
        o.put("id", g.id().value());
        o.put("name", g.name());
        o.put("status", wire(g.status()));
        o.put("members", g.members());
        o.put("admin", g.admin());
        return o;
    }

    public static GroupInfo group(JsonNode n) {
        return new GroupInfo(groupId(requireText(n, "id")), requireText(n, "name"),
                enumOf(GroupInfo.Status.class, "status", requireText(n, "status")), number(n, "members").intValue(),
                Boolean.TRUE.equals(bool(n, "admin")));
    }

    public static ObjectNode member(GroupMember m) {
        ObjectNode o = object();
        o.put("peerId", m.peer().value());
        o.put("key", m.key() == null ? null : m.key().base64Url());
        o.put("name", m.name());
        o.put("admin", m.admin());
        return o;
    }

    public static GroupMember member(JsonNode n) {
        String key = text(n, "key");
        return new GroupMember(peer(requireText(n, "peerId")), key == null ? null : PeerKey.parse(key), text(n, "name"),
                Boolean.TRUE.equals(bool(n, "admin")));
    }

    public static ObjectNode post(GroupPost p) {
        ObjectNode o = object();
        o.put("group", p.group().value());
        o.put("id", p.id().value());
        o.put("author", p.author().value());
        o.put("seq", p.seq());
        o.put("lamport", p.lamport());
        o.put("sentAt", time(p.sentAt()));
        o.put("text", p.text());
        o.put("direction", wire(p.direction()));
        return o;
    }

    public static GroupPost post(JsonNode n) {
        return new GroupPost(groupId(requireText(n, "group")), groupMessageId(requireText(n, "id")), peer(requireText(n, "author")),
                number(n, "seq"), number(n, "lamport"), instant(n, "sentAt"), requireText(n, "text"),
                enumOf(Direction.class, "direction", requireText(n, "direction")));
    }

    /** Writes a group event's fields into {@code o} (type and storedSeq included); false if {@code e} is not one. */
    static boolean event(ObjectNode o, ParleyEvent e) {
        if (e instanceof ParleyEvent.GroupInvited x) {
            typed(o, "group-invite", x.seq()).put("group", x.group().value()).put("groupName", x.name())
                    .put("from", x.from() == null ? null : x.from().value());
        } else if (e instanceof ParleyEvent.GroupMessageAdded x) {
            typed(o, "group-message", x.seq()).set("post", post(x.post()));
        } else if (e instanceof ParleyEvent.GroupMemberChanged x) {
            typed(o, "group-member", x.seq()).put("group", x.group().value()).put("peerId", x.member().value())
                    .put("action", wire(x.change()));
        } else if (e instanceof ParleyEvent.GroupMessageDelivered x) {
            typed(o, "group-delivered", x.seq()).put("group", x.group().value()).put("id", x.message().value())
                    .put("peerId", x.member().value());
        } else if (e instanceof ParleyEvent.GroupMessageRead x) {
            typed(o, "group-read", x.seq()).put("group", x.group().value()).put("peerId", x.member().value())
                    .put("upTo", x.upTo().value());
        } else if (e instanceof ParleyEvent.GroupMessageVisibilityChanged x) {
            typed(o, "group-visibility", x.seq()).put("shown", x.shown()).set("post", post(x.post()));
        } else if (e instanceof ParleyEvent.GroupRenamed x) {
            typed(o, "group-renamed", x.seq()).put("group", x.group().value()).put("name", x.name());
        } else if (e instanceof ParleyEvent.GroupTyping x) {
            o.put("type", "group-typing");
            o.put("group", x.group().value()).put("peerId", x.peer().value()).put("typing", x.typing());
        } else {
            return false;
        }
        return true;
    }

    /** A group event read back; empty if {@code type} is not a group event's. */
    static Optional<ParleyEvent> parleyEvent(String type, long storedSeq, JsonNode n) {
        return Optional.ofNullable(switch (type) {
            case "group-invite" -> {
                String from = text(n, "from");
                yield new ParleyEvent.GroupInvited(storedSeq, groupId(requireText(n, "group")), text(n, "groupName"),
                        from == null ? null : peer(from));
            }
            case "group-message" -> new ParleyEvent.GroupMessageAdded(storedSeq, post(n.get("post")));
            case "group-member" -> new ParleyEvent.GroupMemberChanged(storedSeq, groupId(requireText(n, "group")),
                    peer(requireText(n, "peerId")), enumOf(GroupMember.Change.class, "action", requireText(n, "action")));
            case "group-delivered" -> new ParleyEvent.GroupMessageDelivered(storedSeq, groupId(requireText(n, "group")),
                    groupMessageId(requireText(n, "id")), peer(requireText(n, "peerId")));
            case "group-read" -> new ParleyEvent.GroupMessageRead(storedSeq, groupId(requireText(n, "group")),
                    peer(requireText(n, "peerId")), groupMessageId(requireText(n, "upTo")));
            case "group-visibility" -> new ParleyEvent.GroupMessageVisibilityChanged(storedSeq, post(n.get("post")),
                    Boolean.TRUE.equals(bool(n, "shown")));
            case "group-renamed" -> new ParleyEvent.GroupRenamed(storedSeq, groupId(requireText(n, "group")), requireText(n, "name"));
            case "group-typing" -> new ParleyEvent.GroupTyping(groupId(requireText(n, "group")), peer(requireText(n, "peerId")),
                    Boolean.TRUE.equals(bool(n, "typing")));
            default -> null;
        });
    }

    private static ObjectNode typed(ObjectNode o, String type, long storedSeq) {
        o.put("type", type);
        o.put("storedSeq", storedSeq);
        return o;
    }
}
