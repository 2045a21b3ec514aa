package dev.parley.protocol.group;

/**
 * Where a membership ends in the member's own chain: {@code seq} is the last of their messages that
 * counts ({@code 0}: none) and {@code last} its id (absent when seq is 0). Their messages with a
 * higher seq, under a roster from before the removal, are refused everywhere.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Cutoff(long seq, GroupMessageId last) {
    public static final Cutoff NONE = new Cutoff(0, null);

    public Cutoff {
        if (seq < 0) throw new IllegalArgumentException("cutoff seq must be >= 0");
        if ((seq == 0) != (last == null)) throw new IllegalArgumentException("cutoff 'last' is given exactly when seq > 0");
    }
}
