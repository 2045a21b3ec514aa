package dev.parley.cli;

import dev.parley.client.CallMedia;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The options several subcommands share, each declared once here and added to a command with
 * {@code @Mixin}. Where the wording of an option's help differs by command (what {@code --json}
 * prints, what {@code --timeout} waits for), its text is in {@code OptionHelp.properties} under
 * {@code parley.<command>.<descriptionKey>}, which picocli looks up for the command it is mixed into.
 */
final class SharedOptions {
    private SharedOptions() {}

    /** Not an option: the command's view of the global options ({@link Profile}) and its output streams. */
    @Command // no options of its own; picocli wants the annotation on a mixin without any
    static final class Context {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        /** The profile and server chosen by the global options before the subcommand. */
        Profile profile() {
            return Profile.resolve((ParleyCommand) spec.root().userObject());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    /** {@code --to CONTACT} (required). */
    static final class To {
        @Option(names = "--to", required = true, paramLabel = "CONTACT", description = "Peer id, contact name, or a unique prefix of either.")
        String contact;
    }

    /** {@code --json}: machine-readable output (docs/cli.md § Scripting). */
    static final class JsonOutput {
        @Option(names = "--json", descriptionKey = "json")
        boolean on;
    }

    /** {@code --timeout SECONDS}: optional, positive. */
    static final class Timeout {
        @Option(names = "--timeout", paramLabel = "SECONDS", descriptionKey = "timeout")
        Integer seconds;

        /** The seconds given, or null; exit 2 for zero or less. */
        Integer seconds() {
            if (seconds != null && seconds <= 0) throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
            return seconds;
        }

        /** The seconds given, else {@code otherwise}; exit 2 for zero or less. */
        int orElse(int otherwise) {
            Integer s = seconds();
            return s == null ? otherwise : s;
        }
    }

    /** {@code --play WAV} and {@code --record WAV}: headless call audio instead of the devices. */
    static final class Audio {
        @Option(names = "--play", paramLabel = "WAV", descriptionKey = "play")
        Path play;

        @Option(names = "--record", paramLabel = "WAV", descriptionKey = "record")
        Path record;

        /** Checks both files before anything goes online (exit 8 with one line). */
        void check() {
            if (play != null) LocalFiles.requireReadableFile(play, "--play WAV");
            if (record != null) LocalFiles.requireNewFile(record, "--record WAV");
        }

        /** Neither given: the microphone and speaker. */
        boolean devices() {
            return play == null && record == null;
        }

        /** The media of one call: these files, or the devices. */
        CallMedia media() {
            return CallSupport.media(play, record);
        }
    }
}
