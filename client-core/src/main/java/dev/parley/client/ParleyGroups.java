package dev.parley.client;

import java.util.List;
import java.util.Optional;

/**
 * Group conversations of up to 16 members, run between the members' devices over their verified
 * pairwise sessions; the signaling server learns nothing about them (docs/protocol.md § Groups).
 * Members need not be each other's contacts: their sessions are verified against the roster's keys
 * and carry group sync only (docs/security.md § Groups). Events:
 * {@link ParleyEvent.GroupInvited}, {@link ParleyEvent.GroupMessageAdded},
 * {@link ParleyEvent.GroupMemberChanged}, {@link ParleyEvent.GroupMessageDelivered},
 * {@link ParleyEvent.GroupMessageRead}, stored and delivered exactly once like chat messages, and
 * {@link ParleyEvent.GroupTyping} (of the moment).
 *
 * <p>Refusals (not an admin, the group is full, not a member) throw {@code IllegalStateException}
 * with a message saying why; unknown groups {@code IllegalArgumentException}.
 */
public interface ParleyGroups {
    /** Founds a group with this user as its only member and admin. */
    GroupInfo createGroup(String name);

    /** Adds contacts (each must have had one verified session) as invitees; admins only; at most 16 members. */
    void invite(GroupId group, List<PeerId> peers);

    /** Accepts an invitation: the group starts syncing its history from whichever members are online. */
    void acceptGroup(GroupId group);

    /** Declines an invitation: nothing of the group is kept. */
    void declineGroup(GroupId group);

    /** Leaves the group (the others are told, signed). */
    void leaveGroup(GroupId group);

    /** Removes a member (admins only). */
    void removeFromGroup(GroupId group, PeerId member);

    /** Renames the group (admins only). */
    void renameGroup(GroupId group, String name);

    /** Makes a member an admin or takes it back (admins only; the last admin cannot be demoted). */
    void setGroupAdmin(GroupId group, PeerId member, boolean admin);

    /** Posts text (at most 8 KiB UTF-8): stored first, then sent to every member online now; the rest catch up from anyone. */
    GroupPost sendToGroup(GroupId group, String text);

    List<GroupInfo> groups();

    Optional<GroupInfo> group(GroupId group);

    List<GroupMember> members(GroupId group);

    /** Shown messages in display order (Lamport clock, author, seq) after {@code after} (null: from the start). */
    List<GroupPost> groupHistory(GroupId group, GroupMessageId after, int limit);

    /**
     * The group's calls this member joined or missed, newest first, at most {@code limit}: each one
     * recorded once, when it ended ({@link ParleyEvent.GroupCallRecorded}); local to this member.
     */
    List<GroupCallRecord> groupCallHistory(GroupId group, int limit);

    /** The safety number with a member, from the key the group's roster names for them (compare it to verify that key). */
    String groupSafetyNumber(GroupId group, PeerId member);

    /** The members that have stored the message (its "delivered to k of n"); each first delivery of an own message is a {@link ParleyEvent.GroupMessageDelivered}. */
    List<PeerId> groupDeliveredTo(GroupMessageId message);

    /**
     * Marks the group read up to {@code upTo} in display order (null: its last shown message) and
     * tells the members (those connected now at once, the others on their next session). A mark
     * never moves back; an earlier one is ignored.
     *
     * @throws IllegalArgumentException no such message in the group
     * @throws IllegalStateException    not a member of the group now
     */
    void markGroupRead(GroupId group, GroupMessageId upTo);

    /** Tells the members connected now that this user is (or stopped) typing in the group; "typing" lapses by itself. */
    void setGroupTyping(GroupId group, boolean typing);

    /** The other members (never its author) that have read the message: their read mark is at or after it. */
    List<PeerId> groupReadBy(GroupMessageId message);
}
