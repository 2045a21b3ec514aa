package dev.parley.cli;

import dev.parley.client.Parley;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code parley id}: who I am on Parley, and the contact string to give to others. */
@Command(name = "id", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show your peer id, identity key and the contact string others add you with. "
                + "The identity is created on first use and lives in the profile (keep it private: whoever holds it is you)."},
        footer = {"", "Example: parley id --name Alice   then give the 'parley:...' line to Bob, who runs",
                "         parley contacts add 'parley:...' --name Alice"})
final class IdCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.Context context;

    @Option(names = "--name", paramLabel = "NAME", description = "Suggest this name to whoever adds you (put into the contact string).")
    String name;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Override
    public Integer call() {
        Profile profile = context.profile();
        PrintWriter out = context.out();
        boolean json = jsonOutput.on;
        try (Parley client = profile.open(null)) {
            String contact = client.contactString(name).toString();
            if (json) {
                out.println(Json.object().put("peerId", client.peerId().value()).put("contact", contact)
                        .put("key", client.identityKey().base64Url()).put("profile", profile.dir().toString())
                        .put("server", profile.server().toString()));
            } else {
                out.println("Peer id:  " + client.peerId().value());
                out.println("Key:      " + client.identityKey().base64Url() + "  (Ed25519; the peer id is its hash)");
                out.println("Profile:  " + profile.dir());
                out.println("Server:   " + profile.server() + "  (from " + profile.serverSource() + ")");
                out.println();
                out.println("Your contact string (give it to people who should reach you):");
                out.println("  " + contact);
                out.println();
                out.println("They run:  parley contacts add '" + contact + "' --name " + (name == null ? "YOUR_NAME" : shellWord(name)));
                out.println("Then both run 'parley contacts verify NAME' and compare the 60-digit safety number out of band.");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9._-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
