package dev.parley.cli;

import dev.parley.client.Parley;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.ProfileInUseException;
import dev.parley.daemon.client.DaemonEndpoint;
import dev.parley.daemon.client.RemoteParley;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * Where a command's identity, database, downloads and log live, and which signaling server it uses:
 * {@code --profile} / {@code PARLEY_HOME} / {@code ~/.parley}, and {@code --server} /
 * {@code PARLEY_SERVER} / {@code server=} in {@code <profile>/config.properties} / the default.
 */
public final class Profile {
    public static final String DEFAULT_SERVER = "ws://localhost:8080";
    public static final String CONFIG_FILE = "config.properties";

    private final Path dir;
    private final URI server;
    /** Every URL given (comma-separated: the nodes of a cluster); {@link #server} is the first. */
    private final java.util.List<URI> servers;
    private final String serverSource;
    private final boolean verbose;

    private Profile(Path dir, java.util.List<URI> servers, String serverSource, boolean verbose) {
        this.dir = dir;
        this.server = servers.get(0);
        this.servers = java.util.List.copyOf(servers);
        this.serverSource = serverSource;
        this.verbose = verbose;
    }

    public static Profile resolve(ParleyCommand root) {
        return resolve(root.profile, root.server, root.verbose, System.getenv());
    }

    static Profile resolve(Path profileOption, String serverOption, boolean verbose, Map<String, String> env) {
        Path dir;
        if (profileOption != null) dir = profileOption;
        else if (env.get("PARLEY_HOME") != null && !env.get("PARLEY_HOME").isBlank()) dir = Path.of(env.get("PARLEY_HOME"));
        else dir = Path.of(System.getProperty("user.home"), ".parley");
        dir = dir.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.CONFIG, "profile " + dir + " is a file, not a directory: pass --profile DIR with a directory");
        }
        Properties config = readConfig(dir.resolve(CONFIG_FILE));
        String value;
        String source;
        if (serverOption != null) {
            value = serverOption;
            source = "--server";
        } else if (env.get("PARLEY_SERVER") != null && !env.get("PARLEY_SERVER").isBlank()) {
            value = env.get("PARLEY_SERVER");
            source = "PARLEY_SERVER";
        } else if (config.getProperty("server") != null) {
            value = config.getProperty("server").trim();
            source = dir.resolve(CONFIG_FILE).toString();
        } else {
            value = DEFAULT_SERVER;
            source = "default";
        }
        java.util.List<URI> servers = new java.util.ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) servers.add(parseServer(part, source));
        }
        if (servers.isEmpty()) servers.add(parseServer(value, source));
        return new Profile(dir, servers, source, verbose);
    }

    private static URI parseServer(String value, String source) {
        try {
            URI u = new URI(value.trim());
            if (!("ws".equals(u.getScheme()) || "wss".equals(u.getScheme())) || u.getHost() == null) {
                throw new URISyntaxException(value, "expected ws://HOST:PORT or wss://HOST:PORT");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.CONFIG, "bad signaling server URL '" + value + "' (from " + source
                    + "): use ws://HOST:PORT or wss://HOST:PORT, e.g. " + DEFAULT_SERVER);
        }
    }

    private static Properties readConfig(Path file) {
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) return p;
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot read " + file + ": " + e.getMessage() + "; fix or delete it");
        }
        return p;
    }

    public Path dir() {
        return dir;
    }

    public URI server() {
        return server;
    }

    /** All server URLs, in the order the client tries them after a loss. */
    public java.util.List<URI> servers() {
        return servers;
    }

    /** Where the server URL came from: {@code --server}, {@code PARLEY_SERVER}, the config file, or {@code default}. */
    public String serverSource() {
        return serverSource;
    }

    public Path downloads() {
        return dir.resolve("downloads");
    }

    /** The daemon serving this profile, if one runs. */
    public java.util.Optional<DaemonEndpoint> daemon() {
        return Files.isDirectory(dir) ? DaemonEndpoint.find(dir) : java.util.Optional.empty();
    }

    /**
     * The profile for a command: through its daemon when one serves it (the daemon stays the one
     * owner: one login, one database writer), otherwise opened in this process (not started). Logging
     * goes to the profile's {@code parley.log} either way. Failures become a {@link CliException}.
     */
    public Parley open(ParleyListener listener) {
        return open(listener, b -> { });
    }

    /**
     * As {@link #open(ParleyListener)}; {@code settings} (download folder, audio devices) apply when the
     * profile is opened here. A daemon uses its own: it was started with them.
     */
    public Parley open(ParleyListener listener, java.util.function.Consumer<ParleyConfig.Builder> settings) {
        ParleyListener l = listener != null ? listener : new ParleyListener() { };
        java.util.Optional<DaemonEndpoint> daemon = daemon();
        if (daemon.isPresent()) {
            LogSetup.toProfile(dir, verbose);
            try {
                return RemoteParley.connect(daemon.get(), l);
            } catch (IllegalStateException e) {
                throw new CliException(ExitCodes.CONFIG, "the daemon serving " + dir + " (pid " + daemon.get().pid()
                        + ") does not answer: " + e.getMessage() + "; stop it with 'parley daemon --stop' or kill " + daemon.get().pid(), e);
            }
        }
        return openHere(listener, settings);
    }

    /**
     * Opens the profile in this process (creating the directory, 0700, if needed): for the daemon
     * itself, and for commands when no daemon runs.
     */
    public ParleyClient openHere(ParleyListener listener, java.util.function.Consumer<ParleyConfig.Builder> settings) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileSystemException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot create profile directory " + dir + ": " + reason(e)
                    + "; pass --profile DIR with a directory you can write", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot create profile directory " + dir + ": " + e.getMessage(), e);
        }
        LogSetup.toProfile(dir, verbose);
        try {
            ParleyConfig.Builder b = ParleyConfig.builder(dir).servers(servers);
            settings.accept(b);
            return ParleyClient.open(b.build(), listener);
        } catch (ProfileInUseException e) {
            throw new CliException(ExitCodes.CONFIG, "profile " + dir + " is in use by " + holder(e)
                    + ": close that first, or run 'parley daemon' for this profile so that every command shares it", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.CONFIG, "cannot open profile " + dir + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new CliException(ExitCodes.CONFIG, "cannot load the WebRTC native library (" + e.getMessage()
                    + "); on Debian run: sudo apt-get install libpulse0 libxfixes3 libxrandr2 libxcomposite1 libudev1", e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof UnsatisfiedLinkError) {
                throw new CliException(ExitCodes.CONFIG, "cannot load the WebRTC native library (" + e.getCause().getMessage()
                        + "); on Debian run: sudo apt-get install libpulse0 libxfixes3 libxrandr2 libxcomposite1 libudev1", e);
            }
            throw new CliException(ExitCodes.CONFIG, "cannot open profile " + dir + ": " + e.getMessage(), e);
        }
    }

    /** "process 1234 (parley chat bob)", from what the OS says of the holder. */
    static String holder(ProfileInUseException e) {
        if (e.pid().isEmpty()) return "another process";
        long pid = e.pid().getAsLong();
        String what = arguments(pid).map(Profile::command).orElse(null);
        return "process " + pid + (what != null ? " (" + what + ")" : "");
    }

    /**
     * A process's arguments: from {@code /proc/PID/cmdline} where there is one (JDK 17's
     * {@code ProcessHandle.Info} reads only its first page, so a long class path hides the rest), else
     * from what {@code ProcessHandle} knows.
     */
    static java.util.Optional<String[]> arguments(long pid) {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            String all = Files.readString(cmdline, java.nio.charset.StandardCharsets.UTF_8);
            if (!all.isEmpty()) return java.util.Optional.of(all.split("\0"));
        } catch (IOException | RuntimeException notLinuxOrGone) {
            // fall through
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().arguments());
    }

    /** "parley receive --json" from a parley JVM's arguments (profile and server options left out), or null. */
    static String command(String[] args) {
        int i = java.util.Arrays.asList(args).indexOf(Main.class.getName());
        if (i < 0) return null;
        java.util.List<String> shown = new java.util.ArrayList<>();
        for (int j = i + 1; j < args.length && shown.size() < 3; j++) {
            if (args[j].equals("--profile") || args[j].equals("--server")) j++;
            else if (!args[j].startsWith("--profile=") && !args[j].startsWith("--server=")) shown.add(args[j]);
        }
        return "parley" + (shown.isEmpty() ? "" : " " + String.join(" ", shown));
    }

    private static String reason(FileSystemException e) {
        String r = e.getReason();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return r != null ? r : e.getClass().getSimpleName();
    }
}
