package dev.parley.cli;

import dev.parley.client.Parley;

import java.util.concurrent.TimeUnit;

/** Brings a one-shot command's client online, or fails with {@link ExitCodes#SERVER_UNREACHABLE}. */
final class Online {
    /** The signaling client gives up a connection attempt after 10 s; allow for the login on top. */
    static final long LOGIN_TIMEOUT_SECONDS = 15;

    private Online() {}

    /**
     * Starts the client and waits for the first server verdict. Events other than the server state
     * that arrive meanwhile are handed to {@code other} in order, so none is lost.
     */
    static void start(Parley client, Profile profile, EventRecorder events,
                      java.util.function.Consumer<EventRecorder.Event> other) throws InterruptedException {
        client.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOGIN_TIMEOUT_SECONDS);
        while (true) {
            EventRecorder.Event e = events.next(deadline);
            if (e == null) {
                throw new CliException(ExitCodes.SERVER_UNREACHABLE, "no answer from the signaling server at " + profile.server()
                        + " within " + LOGIN_TIMEOUT_SECONDS + " s: check the URL (from " + profile.serverSource()
                        + ") and your network");
            }
            if (e instanceof EventRecorder.ServerState s) {
                if (s.online()) return;
                throw unreachable(profile, s.detail());
            }
            other.accept(e);
        }
    }

    static CliException unreachable(Profile profile, String detail) {
        String d = detail == null ? "" : detail.replaceAll(";\\s*retrying in .*$", "");
        if (d.contains("another login took over")) {
            return new CliException(ExitCodes.SERVER_UNREACHABLE, d + ": another parley is running with profile " + profile.dir()
                    + "; close it or use a different --profile");
        }
        if (d.startsWith("cannot reach")) {
            return new CliException(ExitCodes.SERVER_UNREACHABLE, d + ". Is the server running? Start one with 'parley serve', "
                    + "or point --server / PARLEY_SERVER at yours (now from " + profile.serverSource() + ")");
        }
        return new CliException(ExitCodes.SERVER_UNREACHABLE, "the signaling server at " + profile.server() + " refused us: " + d
                + ". Check --server (now from " + profile.serverSource() + ")");
    }
}
