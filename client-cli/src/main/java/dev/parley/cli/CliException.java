package dev.parley.cli;

/**
 * A failure the user can act on: {@link #getMessage()} is the one line printed (what happened and
 * what to do), {@link #exitCode()} one of {@link ExitCodes}. Never shown with a stack trace unless
 * {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
