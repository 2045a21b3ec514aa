package dev.parley.cli;

import dev.parley.cli.chat.ChatSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code parley chat [CONTACT]}: the interactive client. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"The interactive client: your conversations, type to send, receipts and typing shown, "
                + "slash commands inside (/help lists them; Tab completes commands, contacts and paths)."},
        footer = {"", "Inside: /open CONTACT  /peers  /history [N]  /verify [CONTACT]  /help  /quit",
                "        /group [GROUP]  /join GROUP  /members  /invite CONTACT...  /remove MEMBER  /leave",
                "        /send PATH  /accept [N]  /reject [N]  /cancel [N]",
                "        /call [CONTACT]  /answer  /decline  /hangup  /mute",
                "Calls use the microphone and speaker when an audio server (PulseAudio/PipeWire) is there; "
                        + "--play/--record make them headless.",
                "If the server is unreachable the client keeps retrying; messages you type are kept and sent later."})
final class ChatCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.Context context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTACT|GROUP",
            description = "Open the conversation with this contact (name, peer id or prefix), else this group (id, name or prefix).")
    String contact;

    @Mixin
    SharedOptions.Audio audio;

    @Override
    public Integer call() throws Exception {
        audio.check();
        return new ChatSession(context.profile(), audio.play, audio.record).run(contact);
    }
}
