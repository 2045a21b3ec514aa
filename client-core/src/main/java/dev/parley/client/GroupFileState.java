package dev.parley.client;

/**
 * Where a group file stands at this member (docs/library.md § Group files). {@link #COMPLETED},
 * {@link #SHARED} and {@link #FAILED} are final: a file never leaves them.
 */
public enum GroupFileState {
    /** Another member shared it; waiting for this member's answer. */
    OFFERED,
    /** Fetching (or waiting for holders): resumes after a restart from the pieces that still verify. */
    ACCEPTED,
    /** Whole and verified, saved in the download folder: served from there. */
    COMPLETED,
    /** This member shared it: served from the file it shared. */
    SHARED,
    /** This member said no (it may still accept later). */
    DECLINED,
    /** Not saved: the whole file did not match the offer's SHA-256, or it could not be written out. Nothing was kept. */
    FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == SHARED || this == FAILED;
    }
}
