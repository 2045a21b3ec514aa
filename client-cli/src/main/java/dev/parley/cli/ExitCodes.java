package dev.parley.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code parley} command, defined once: scripts branch on them, so a number
 * never changes meaning (docs/cli.md § Exit codes).
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something unexpected; the message and {@code <profile>/parley.log} say more, {@code --verbose} adds the stack trace. */
    public static final int INTERNAL = 1;
    /** Bad command line: unknown option, missing argument, malformed value. */
    public static final int USAGE = 2;
    /** The profile, its configuration or the local runtime cannot be used. */
    public static final int CONFIG = 3;
    /** The signaling server cannot be reached or refused us. */
    public static final int SERVER_UNREACHABLE = 4;
    /** No contact matches, or more than one does, or the contact string is malformed. */
    public static final int CONTACT = 5;
    /** The contact is offline or did not answer in time (a message stays queued). */
    public static final int PEER_UNREACHABLE = 6;
    /** A security check failed: key changed, safety number did not match. */
    public static final int SECURITY = 7;
    /** A file cannot be read or written (not found, no permission, disk full). */
    public static final int FILE = 8;
    /** The peer declined or cancelled a file transfer, or declined a call. */
    public static final int REJECTED = 9;
    /** No usable audio device. */
    public static final int AUDIO = 10;
    /** The contact is in another call. */
    public static final int BUSY = 11;
    /** An answered call dropped (connection lost) or could not start its audio. */
    public static final int CALL_FAILED = 12;
    /** No group matches, or more than one does, or the group refused the change (not an admin, full, not a member). */
    public static final int GROUP = 13;
    /** Interrupted by the user (Ctrl-C) before the command finished. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** Code and meaning, in order, for {@code --help} and the docs. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(String.valueOf(OK), "success");
        m.put(String.valueOf(INTERNAL), "unexpected error (see --verbose and <profile>/parley.log)");
        m.put(String.valueOf(USAGE), "bad command line");
        m.put(String.valueOf(CONFIG), "profile or configuration unusable");
        m.put(String.valueOf(SERVER_UNREACHABLE), "signaling server unreachable");
        m.put(String.valueOf(CONTACT), "contact unknown, ambiguous or malformed");
        m.put(String.valueOf(PEER_UNREACHABLE), "contact offline or no answer in time");
        m.put(String.valueOf(SECURITY), "security check failed (key changed, wrong safety number)");
        m.put(String.valueOf(FILE), "file error (not found, no permission, disk full)");
        m.put(String.valueOf(REJECTED), "file or call declined by the peer");
        m.put(String.valueOf(AUDIO), "audio device missing");
        m.put(String.valueOf(BUSY), "contact busy in another call");
        m.put(String.valueOf(CALL_FAILED), "call dropped or failed");
        m.put(String.valueOf(GROUP), "group unknown or ambiguous, or the change refused (not an admin, full, not a member)");
        m.put(String.valueOf(INTERRUPTED), "interrupted");
        return m;
    }
}
