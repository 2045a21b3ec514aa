package dev.parley.client;

/**
 * A file shared into a group (docs/library.md § Group files): identified by the group post that
 * carries its signed offer. {@code name} is already made safe (as for 1:1 files); {@code from} is the
 * member who shared it.
 */
public record GroupFileOffer(GroupMessageId id, GroupId group, PeerId from, String name, long size, String mediaType,
                             String sha256Hex) {
}
