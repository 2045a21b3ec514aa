package dev.parley.cli;

import dev.parley.cli.chat.ChatSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code parley chat [CONTACT]}: the interactive client. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"The interactive client: your conversations, type to send, receipts and typing shown, "
                + "slash commands inside (/help lists them; Tab completes commands, contacts and paths)."},
        footer = {"", "Inside: /open CONTACT  /peers  /history [N]  /verify [CONTACT]  /help  /quit",
                "        (/call /answer /decline /hangup /mute /send /accept /cancel are listed, not in this build yet)",
                "If the server is unreachable the client keeps retrying; messages you type are kept and sent later."})
final class ChatCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTACT", description = "Open the conversation with this contact (name, peer id or prefix).")
    String contact;

    @Override
    public Integer call() throws Exception {
        return new ChatSession(Profile.resolve(root)).run(contact);
    }
}
