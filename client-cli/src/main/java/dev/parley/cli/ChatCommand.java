package dev.parley.cli;

import dev.parley.cli.chat.ChatSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code parley chat [CONTACT]}: the interactive client. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"The interactive client: your conversations, type to send, receipts and typing shown, "
                + "slash commands inside (/help lists them; Tab completes commands, contacts and paths)."},
        footer = {"", "Inside: /open CONTACT  /peers  /history [N]  /verify [CONTACT]  /help  /quit",
                "        /send PATH  /accept [N]  /reject [N]  /cancel [N]",
                "        /call [CONTACT]  /answer  /decline  /hangup  /mute",
                "Calls use the microphone and speaker when an audio server (PulseAudio/PipeWire) is there; "
                        + "--play/--record make them headless.",
                "If the server is unreachable the client keeps retrying; messages you type are kept and sent later."})
final class ChatCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTACT", description = "Open the conversation with this contact (name, peer id or prefix).")
    String contact;

    @Option(names = "--play", paramLabel = "WAV", description = "In calls, play this WAV file as your voice instead of the microphone.")
    Path play;

    @Option(names = "--record", paramLabel = "WAV", description = "Record each call's incoming audio to this WAV file (NAME-2.wav… for later calls) instead of the speaker.")
    Path record;

    @Override
    public Integer call() throws Exception {
        if (play != null) LocalFiles.requireReadableFile(play, "--play WAV");
        if (record != null) LocalFiles.requireNewFile(record, "--record WAV");
        return new ChatSession(Profile.resolve(root), play, record).run(contact);
    }
}
