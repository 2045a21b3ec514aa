package dev.parley.server.cli;

import dev.parley.server.ConfigLoader;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code parley serve}: runs the signaling server in the foreground until SIGTERM/SIGINT, then drains it
 * gracefully. Every setting of {@link ConfigLoader#KEYS} is a flag; flags beat {@code PARLEY_*} environment
 * variables, which beat the {@code --config} properties file. Prints one line with the bound ports once
 * listening. Exit codes: 0 stopped, 1 could not start, 2 bad configuration.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = ServeCommand.AddConfigOptions.class,
        description = "Run the Parley signaling server.",
        footer = {"", "Every option can also come from the environment (PARLEY_PORT, PARLEY_TURN_SECRET, ...)",
                "or from a properties file (port=8080, turn-secret=...); flags win over environment over file."})
public final class ServeCommand implements Callable<Integer> {
    public static final int EXIT_START_FAILED = 1;
    public static final int EXIT_BAD_CONFIG = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with settings; env PARLEY_CONFIG")
    Path configFile;

    @Spec
    CommandSpec spec;

    /** Adds one string option per configuration key, so the key table is the only list of settings. */
    public static final class AddConfigOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (ConfigLoader.Key k : ConfigLoader.KEYS) {
                String def = k.defaultText().isEmpty() ? "" : " (default: " + k.defaultText() + ")";
                spec.addOption(OptionSpec.builder(k.flag())
                        .paramLabel(paramLabel(k.name()))
                        .type(String.class)
                        .description(k.description() + def + "; env " + k.env())
                        .build());
            }
            return spec;
        }

        private static String paramLabel(String name) {
            if (name.endsWith("-ms")) return "MS";
            if (name.contains("port") || name.startsWith("max") || name.contains("second") || name.contains("burst")
                    || name.contains("threads")) return "N";
            if (name.startsWith("tls-") && !name.equals("tls-password")) return "FILE";
            return "VALUE";
        }
    }

    @Override
    public Integer call() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/parley/server/logback-server.xml");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        try {
            config = loadConfig(System.getenv());
        } catch (IllegalArgumentException | IOException e) {
            err.println("parley serve: bad configuration: " + e.getMessage());
            err.flush();
            return EXIT_BAD_CONFIG;
        }
        SignalingServer server = new SignalingServer(config);
        SignalingServer.BoundPorts ports;
        try {
            ports = server.start();
        } catch (IllegalArgumentException e) {
            err.println("parley serve: bad configuration: " + e.getMessage());
            err.flush();
            return EXIT_BAD_CONFIG;
        } catch (IOException e) {
            err.println("parley serve: " + e.getMessage()
                    + " (is another server running? pick a free port with --port/--http-port, or 0 for any)");
            err.flush();
            return EXIT_START_FAILED;
        }
        Thread hook = new Thread(server::close, "parley-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("parley signaling server listening ws-port=%d http-port=%d tls=%s pid=%d%n",
                ports.wsPort(), ports.httpPort(), config.tls(), ProcessHandle.current().pid());
        out.flush();
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }

    ServerConfig loadConfig(Map<String, String> env) throws IOException {
        Map<String, String> flags = new LinkedHashMap<>();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (ConfigLoader.Key k : ConfigLoader.KEYS) {
            if (parsed.hasMatchedOption(k.flag())) flags.put(k.name(), parsed.matchedOptionValue(k.flag(), ""));
        }
        Path file = configFile;
        if (file == null && env.get(ConfigLoader.CONFIG_ENV) != null) file = Path.of(env.get(ConfigLoader.CONFIG_ENV));
        Map<String, String> fileValues = file == null ? Map.of() : ConfigLoader.readFile(file);
        return ConfigLoader.load(flags, env, fileValues);
    }
}
