package dev.parley.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Entry point of the {@code parley} command line. Maps failures to one line and an exit code
 * ({@link ExitCodes}); stack traces only with {@code --verbose}. Always ends with {@link System#exit}
 * because webrtc-java's native threads would otherwise keep the JVM alive.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.err.flush();
        // webrtc-java's native destructors print "VM attach current thread failed" to stdout at exit.
        // Closing System.out points fd 1 at /dev/null (the JDK never really closes 0-2), so those lines
        // never reach a script reading our output.
        System.out.close();
        System.exit(code);
    }

    static int run(String[] args) {
        ParleyCommand root = new ParleyCommand();
        CommandLine cl = new CommandLine(root);
        cl.setExitCodeExceptionMapper(t -> t instanceof CliException c ? c.exitCode()
                : t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.INTERNAL);
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("parley: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCodes.USAGE;
        });
        addExitCodes(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof CliException c) {
                err.println("parley: " + c.getMessage());
                if (root.verbose) ex.printStackTrace(err);
                err.flush();
                return c.exitCode();
            }
            err.println("parley: unexpected error: " + ex
                    + (root.verbose ? "" : " (run again with --verbose for details; the profile's parley.log may say more)"));
            if (root.verbose) ex.printStackTrace(err);
            err.flush();
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    /** Every command's --help ends with the exit codes, so a script writer never has to look them up. */
    private static void addExitCodes(CommandLine cl) {
        if (!"serve".equals(cl.getCommandName())) {
            cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.describe());
        }
        cl.getSubcommands().values().forEach(Main::addExitCodes);
    }
}
