package dev.parley.cli;

import dev.parley.server.cli.ServeCommand;
import picocli.CommandLine.Command;

/** The {@code parley} command; each action is a subcommand ({@code parley serve}, more to come). */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0-SNAPSHOT",
        description = "Peer-to-peer chat, calls and file transfer over WebRTC.",
        subcommands = {ServeCommand.class})
public final class ParleyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
