package dev.parley.client;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;

import java.time.Instant;

/**
 * A message in a group, as shown: its id (the hash of the signed record), the author, the author's
 * seq, the Lamport clock that orders it (then author, then seq), the author's time and the text.
 * {@code direction} is OUTGOING for this member's own posts.
 */
public record GroupPost(GroupId group, GroupMessageId id, PeerId author, long seq, long lamport, Instant sentAt,
                        String text, Direction direction) {}
