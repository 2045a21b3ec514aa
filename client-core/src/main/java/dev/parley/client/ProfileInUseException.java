package dev.parley.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The profile is already open in another process (or by another client in this one): a profile has
 * one owner at a time, so the same identity is never logged in twice and one database is never
 * written from two places. {@link #pid()} says who holds it when known; close that one, or talk to
 * it (a daemon serving the profile, for instance) instead of opening the profile again.
 */
public final class ProfileInUseException extends IOException {
    private final transient Path profileDir;
    private final long pid;

    public ProfileInUseException(Path profileDir, OptionalLong pid) {
        super("profile " + profileDir + " is already open in " + (pid.isPresent()
                ? (pid.getAsLong() == ProcessHandle.current().pid() ? "this process" : "process " + pid.getAsLong())
                : "another process"));
        this.profileDir = profileDir;
        this.pid = pid.orElse(-1);
    }

    public Path profileDir() {
        return profileDir;
    }

    /** The process holding the profile, when it wrote its PID. */
    public OptionalLong pid() {
        return pid < 0 ? OptionalLong.empty() : OptionalLong.of(pid);
    }
}
