package dev.parley.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * HTTP/1.1 to the daemon's local API, over its UNIX socket in the profile when it has one, else over
 * a plain TCP socket on loopback, for the thin {@code parley message} path: one request per connection,
 * and the event stream as Server-Sent Events (docs/api.md § Events). The JDK's HttpClient and its
 * WebSocket cost a one-shot command tens of milliseconds of class loading and threads; the daemon only
 * ever speaks plain HTTP here.
 */
final class ThinHttp {
    record Answer(int status, String body) {}

    private final String host;
    private final int port;
    private final String token;
    private final Path socket;

    /** {@code socket}: the API's UNIX socket, used if not null; else {@code base} must be {@code http://HOST:PORT}. */
    ThinHttp(URI base, String token, Path socket) {
        if (socket == null && (!"http".equals(base.getScheme()) || base.getPort() < 0)) {
            throw new IllegalArgumentException("not a plain http://HOST:PORT API: " + base);
        }
        this.host = socket != null ? "localhost" : base.getHost();
        this.port = socket != null ? -1 : base.getPort();
        this.token = token;
        this.socket = socket;
    }

    ThinHttp(URI base, String token) {
        this(base, token, null);
    }

    Answer get(String path) throws IOException {
        return call("GET", path, null);
    }

    Answer post(String path, String json) throws IOException {
        return call("POST", path, json);
    }

    private ThinLink open(int readTimeoutMs) throws IOException {
        if (socket != null) {
            ThinLink l = ThinLink.unix(socket);
            l.timeout(readTimeoutMs);
            return l;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5_000);
        s.setSoTimeout(readTimeoutMs);
        return ThinLink.tcp(s);
    }

    private void request(OutputStream out, String method, String path, String accept, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(port < 0 ? "" : ":" + port).append("\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n")
                .append("Connection: close\r\n");
        if (json != null) h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private Answer call(String method, String path, String json) throws IOException {
        try (ThinLink s = open(30_000)) {
            request(s.out(), method, path, "application/json", json);
            InputStream in = new BufferedInputStream(s.in());
            Head head = head(in);
            byte[] body;
            if (head.chunked) body = chunks(in);
            else if (head.length >= 0) body = in.readNBytes(head.length);
            else body = in.readAllBytes();
            return new Answer(head.status, new String(body, StandardCharsets.UTF_8));
        }
    }

    private record Head(int status, int length, boolean chunked) {}

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1 && c != '\n') b.write(c);
        if (c == -1 && b.size() == 0) throw new IOException("the daemon closed the connection");
        String l = b.toString(StandardCharsets.UTF_8);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    private static Head head(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP answer: " + status);
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int length = -1;
        boolean chunked = false;
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon < 0) continue;
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            if (name.equals("content-length")) length = Integer.parseInt(value);
            else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
        }
        return new Head(code, length, chunked);
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] c = chunk(in); c != null; c = chunk(in)) all.write(c);
        return all.toByteArray();
    }

    /** The next chunk's bytes, or null after the last one. */
    private static byte[] chunk(InputStream in) throws IOException {
        String size = line(in);
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
            while (!line(in).isEmpty()) { } // trailers
            return null;
        }
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new IOException("the daemon closed the event stream");
        line(in);
        return b;
    }

    /** {@code GET /v1/events} as Server-Sent Events: open (the daemon has subscribed us) once this returns. */
    Events events(long since, String epoch) throws IOException {
        ThinLink s = open(0);
        try {
            request(s.out(), "GET", "/v1/events?since=" + since
                    + (epoch == null ? "" : "&epoch=" + java.net.URLEncoder.encode(epoch, StandardCharsets.UTF_8)), "text/event-stream", null);
            InputStream in = new BufferedInputStream(s.in());
            Head head = head(in);
            if (head.status != 200 || !head.chunked) throw new IOException("the daemon did not open the event stream (HTTP " + head.status + ")");
            return new Events(s, in);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The events of an open stream, each a JSON text, read with a deadline. */
    static final class Events implements Closeable {
        private final ThinLink socket;
        private final InputStream in;
        private final StringBuilder pending = new StringBuilder();

        private Events(ThinLink socket, InputStream in) {
            this.socket = socket;
            this.in = in;
        }

        /** The next event's JSON, or null once {@code deadline} ({@link System#nanoTime}) passed; IOException when the stream ends. */
        String next(long deadline) throws IOException {
            while (true) {
                int end = pending.indexOf("\n\n");
                if (end >= 0) {
                    String record = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    StringBuilder data = new StringBuilder();
                    for (String l : record.split("\n", -1)) {
                        if (l.startsWith("data:")) {
                            if (data.length() > 0) data.append('\n');
                            data.append(l.startsWith("data: ") ? l.substring(6) : l.substring(5));
                        }
                    }
                    if (data.length() > 0) return data.toString();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                socket.timeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000))); // rounded up: never before the deadline
                byte[] c;
                try {
                    c = chunk(in);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                if (c == null) throw new IOException("the daemon ended the event stream");
                pending.append(new String(c, StandardCharsets.UTF_8).replace("\r\n", "\n"));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
