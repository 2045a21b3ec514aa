package dev.parley.client;

/**
 * A member of a group: peer id, the identity key the adding admin signed into the roster, the
 * admin's label for them (may be null), and whether they are an admin.
 */
public record GroupMember(PeerId peer, PeerKey key, String name, boolean admin) {
    /** How a member's place in a group changed. */
    public enum Change { ADDED, REMOVED, LEFT, PROMOTED, DEMOTED }
}
