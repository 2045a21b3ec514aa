package dev.parley.cli.chat;

/**
 * One slash command of the interactive client: its name, argument synopsis, one-line help, what Tab
 * completes for its argument, and what it does. Adding a command is one entry in {@link SlashCommands}.
 */
public record Slash(String name, String args, String help, Completion completion, Handler handler) {
    /** What Tab offers after the command name. */
    public enum Completion { NONE, CONTACT, PATH }

    /** Runs on the input thread with the text after the command name (trimmed, possibly empty). */
    @FunctionalInterface
    public interface Handler {
        void run(String args) throws Exception;
    }

    public String synopsis() {
        return "/" + name + (args.isEmpty() ? "" : " " + args);
    }
}
