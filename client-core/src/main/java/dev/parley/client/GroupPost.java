package dev.parley.client;

import java.time.Instant;

/**
 * A message in a group, as shown: its id (the hash of the signed record), the author, the author's
 * seq, the Lamport clock that orders it (then author, then seq), the author's time and the text.
 * {@code direction} is OUTGOING for this member's own posts.
 */
public record GroupPost(GroupId group, GroupMessageId id, PeerId author, long seq, long lamport, Instant sentAt,
                        String text, Direction direction) {}
