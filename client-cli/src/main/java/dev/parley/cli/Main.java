package dev.parley.cli;

import picocli.CommandLine;

/** Entry point of the {@code parley} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParleyCommand()).execute(args));
    }
}
