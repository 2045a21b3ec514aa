package dev.parley.cli;

import dev.parley.server.cli.ServeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code parley} command. Global options come before the subcommand
 * ({@code parley --profile DIR --server URL message ...}); subcommands reach them through {@link Profile}.
 */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0-SNAPSHOT", resourceBundle = "dev.parley.cli.OptionHelp",
        description = {"Peer-to-peer chat, calls and file transfer over WebRTC.", "",
                "Start here: 'parley id' shows the contact string to give your friend, 'parley contacts add' adds theirs, "
                        + "'parley chat' opens the interactive client. Global options go before the command."},
        footer = {"", "Profile: --profile, else $PARLEY_HOME, else ~/.parley.",
                "Server: --server, else $PARLEY_SERVER, else 'server=' in <profile>/config.properties, else " + Profile.DEFAULT_SERVER + ".",
                "Logs go to <profile>/parley.log. Full guide: docs/cli.md."})
public final class ParleyCommand implements Runnable {
    /**
     * The subcommands, in the order {@code --help} lists them. Not in the annotation: {@link Main} adds
     * only the one a command line names (building every command's model costs a one-shot command a
     * tenth of a second), and all of them when it names none or one that does not exist.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(IdCommand.class, ContactsCommand.class, GroupCommand.class, ChatCommand.class,
            MessageCommand.class, ReceiveCommand.class, SendFileCommand.class, CallCommand.class, AnswerCommand.class,
            DaemonCommand.class, WebCommand.class, ServeCommand.class, DemoCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "Profile directory with your identity, contacts, messages and downloads (env PARLEY_HOME; default ~/.parley).")
    Path profile;

    @Option(names = "--server", paramLabel = "URL",
            description = "Signaling server URL, ws:// or wss:// (env PARLEY_SERVER; the order is below).")
    String server;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors and log more detail to the profile's parley.log.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
