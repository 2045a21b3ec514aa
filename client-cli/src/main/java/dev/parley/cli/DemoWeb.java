package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.daemon.ApiToken;
import dev.parley.daemon.Daemon;
import dev.parley.daemon.DaemonConfig;
import dev.parley.daemon.DaemonEvents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's last step: Alice's profile served as {@code parley web} serves it (her daemon, the web
 * interface, a one-time login link), and the page and its API fetched through that link's session
 * cookie as a browser would — so the demo shows the web interface working, not just its address.
 */
final class DemoWeb implements AutoCloseable {
    private final ParleyClient client;
    private final Daemon daemon;

    private DemoWeb(ParleyClient client, Daemon daemon) {
        this.client = client;
        this.daemon = daemon;
    }

    /** Opens the profile (its in-process client must be closed first) and serves it on a free loopback port. */
    static DemoWeb serve(ParleyConfig profile) throws IOException {
        DaemonEvents events = new DaemonEvents();
        ParleyClient client = ParleyClient.open(profile, events);
        try {
            return new DemoWeb(client, Daemon.start(client, events, ApiToken.loadOrCreate(profile.profileDir()), DaemonConfig.loopback(0)));
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Goes online, so that the page the user opens is live. */
    void start() {
        client.start();
    }

    String loginLink() {
        return daemon.loginLink();
    }

    /**
     * Logs in with a fresh link, loads the page and reads the contacts and groups through the API with
     * the session cookie. Returns what it found, or throws with what went wrong.
     */
    Visit visit() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(loginLink())).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("set-cookie").map(c -> c.split(";", 2)[0]).orElse(null);
        if (login.statusCode() / 100 != 3 || cookie == null) {
            throw new IOException("the login link answered " + login.statusCode() + " without a session cookie");
        }
        String page = get(http, "/app/", cookie);
        if (!page.contains("<title>Parley</title>")) throw new IOException("/app/ is not the Parley page");
        ObjectMapper json = new ObjectMapper();
        List<String> contacts = new ArrayList<>(), groups = new ArrayList<>();
        for (JsonNode c : json.readTree(get(http, "/v1/contacts", cookie))) contacts.add(c.path("name").asText());
        for (JsonNode g : json.readTree(get(http, "/v1/groups", cookie))) groups.add(g.path("name").asText());
        return new Visit(page.length(), contacts, groups);
    }

    record Visit(int pageBytes, List<String> contacts, List<String> groups) {}

    private String get(HttpClient http, String path, String cookie) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(daemon.url().resolve(path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + " answered " + r.statusCode() + " with the session cookie");
        return r.body();
    }

    @Override
    public void close() {
        daemon.close(); // closes the client too
    }
}
