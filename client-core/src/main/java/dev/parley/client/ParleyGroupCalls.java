package dev.parley.client;

import java.util.Optional;

/**
 * Group calls (docs/library.md § Group calls): a full mesh of voices among a group's members, at most
 * {@value GroupCallInfo#MAX_PARTICIPANTS}. In process ({@link ParleyClient}) and through a daemon
 * ({@code RemoteParley}, docs/api.md § Group calls) alike; with a daemon, the WAVs are read and
 * written by the daemon's process. Everything after a call begins arrives as {@code GroupCall*} events.
 */
public interface ParleyGroupCalls {
    /**
     * Joins the group's call, starting one if it has none (members are told; those not busy see
     * {@link ParleyEvent.GroupCallStarted}). Returns the call's id.
     *
     * @throws IllegalStateException    not a member, already in a call (1:1 or another group's), or the
     *                                  call is full ({@value GroupCallInfo#MAX_PARTICIPANTS} participants)
     * @throws IllegalArgumentException the media's files cannot be used, or no such group
     */
    CallId startGroupCall(GroupId group, CallMedia media);

    /** Joins the group's running call; fails ({@code IllegalStateException}) if there is none, or as {@link #startGroupCall}. */
    CallId joinGroupCall(GroupId group, CallMedia media);

    /** Leaves the group's call (no-op if not in it); the call goes on for the others and ends with its last participant. */
    void leaveGroupCall(GroupId group);

    /** Mutes or unmutes this member in the group's call; {@code IllegalStateException} when not in it. */
    void muteGroupCall(GroupId group, boolean muted);

    /** The group's call as this member knows it (participants, joined, muted), if one is running. */
    Optional<GroupCallInfo> groupCall(GroupId group);
}
