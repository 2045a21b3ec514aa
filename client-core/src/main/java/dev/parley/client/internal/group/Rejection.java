package dev.parley.client.internal.group;

/** Why a group message was refused (docs/protocol.md § Groups, the acceptance rules); each is counted per group. */
public enum Rejection {
    BAD_SIGNATURE("bad-signature"),
    REPLAY("replay"),
    FORK("fork"),
    OVERSIZE("oversize"),
    NOT_MEMBER("not-member"),
    BAD_CHAIN("bad-chain"),
    BAD_CLOCK("bad-clock"),
    AFTER_CUTOFF("after-cutoff"),
    OVERFLOW("overflow");

    private final String wire;

    Rejection(String wire) {
        this.wire = wire;
    }

    /** The name in logs and docs. */
    public String label() {
        return wire;
    }
}
