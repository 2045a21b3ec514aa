package dev.parley.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the {@code parley} command line. Maps failures to one line and an exit code
 * ({@link ExitCodes}); stack traces only with {@code --verbose}. Always ends with {@link System#exit}
 * because webrtc-java's native threads would otherwise keep the JVM alive.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // A message through a running daemon needs none of picocli's model (docs/benchmarks.md, daemon).
        Integer thin = ThinMessage.tryRun(args, System.out, System.err);
        int code = thin != null ? thin : run(args);
        System.out.flush();
        System.err.flush();
        // webrtc-java's native destructors print "VM attach current thread failed" to stdout at exit.
        // Closing System.out points fd 1 at /dev/null (the JDK never really closes 0-2), so those lines
        // never reach a script reading our output.
        System.out.close();
        System.exit(code);
    }

    static int run(String[] args) {
        return run(args, null, null);
    }

    /** Through picocli, printing to {@code out} and {@code err} (null: stdout and stderr). */
    static int run(String[] args, PrintWriter stdout, PrintWriter stderr) {
        ParleyCommand root = new ParleyCommand();
        CommandLine cl = new CommandLine(root);
        addSubcommands(cl, args);
        if (stdout != null) cl.setOut(stdout); // after the subcommands: picocli hands the streams down to those it has
        if (stderr != null) cl.setErr(stderr);
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

    /** The subcommand the arguments name, else (none, or a name we do not know, for picocli's error) all of them. */
    static void addSubcommands(CommandLine cl, String[] args) {
        String named = subcommandName(args);
        List<Class<?>> matching = ParleyCommand.SUBCOMMANDS.stream().filter(c -> names(c).contains(named)).toList();
        // A CommandLine of its own for each: only its constructor applies a command's model transformer
        // (serve's flags come from one), which addSubcommand(Class) skips.
        (matching.isEmpty() ? ParleyCommand.SUBCOMMANDS : matching).forEach(c -> cl.addSubcommand(new CommandLine(c)));
    }

    /** The first argument that is not a global option or its value (as the launcher's {@code subcommand}). */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--profile") || a.equals("--server")) i++;
            else if (!a.startsWith("-")) return a;
        }
        return null;
    }

    private static List<String> names(Class<?> command) {
        CommandLine.Command c = command.getAnnotation(CommandLine.Command.class);
        List<String> names = new ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    /** Every command's --help ends with the exit codes, so a script writer never has to look them up. */
    private static void addExitCodes(CommandLine cl) {
        if (!"serve".equals(cl.getCommandName())) {
            cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.describe());
        }
        cl.getSubcommands().values().forEach(Main::addExitCodes);
    }
}
