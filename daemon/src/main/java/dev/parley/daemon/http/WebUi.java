package dev.parley.daemon.http;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The web interface's side of the server (docs/web.md): the one-time login link, the session cookie, the
 * static app (shipped in the jar under {@code dev/parley/daemon/web/}) and the few endpoints a browser
 * needs beyond the JSON API: uploading a file in chunks (the daemon sends files by path), downloading a
 * received file, and a contact string as a QR code (SVG).
 */
final class WebUi {
    static final String RESOURCES = "/dev/parley/daemon/web/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");
    private static final int MAX_UPLOAD_CHUNK = 768 * 1024;

    private final Guard guard;
    private final Function<String, Path> completedFile;
    private final Path uploads;

    /**
     * @param completedFile a transfer id to the file it completed into (incoming, this run), or null
     * @param uploads       where uploaded files are kept until sent ({@code <profile>/uploads})
     */
    WebUi(Guard guard, Function<String, Path> completedFile, Path uploads) {
        this.guard = guard;
        this.completedFile = completedFile;
        this.uploads = uploads;
    }

    String loginToken() {
        return guard.web().newLogin();
    }

    String base() {
        return guard.base();
    }

    /** Whether this is one of the paths served here (not a JSON API route). */
    static boolean serves(String path) {
        return !path.startsWith("/v1/") || path.startsWith("/v1/web/");
    }

    /** Answers the request (Host and Origin already checked). Errors on /v1/web/ paths are thrown as ApiError (JSON). */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, boolean keepAlive) throws IOException {
        String path = qs.path();
        HttpMethod m = req.method();
        String cookie = req.headers().get(HttpHeaderNames.COOKIE);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        Guard.Auth auth = guard.auth(req.headers().get(HttpHeaderNames.AUTHORIZATION), cookie);
        boolean get = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
        if (path.startsWith("/v1/web/")) {
            if (auth == Guard.Auth.NONE) throw Guard.unauthorized();
            if (auth == Guard.Auth.COOKIE) guard.checkCookieRequest(!get, origin);
            api(ctx, req, qs, keepAlive, auth);
            return;
        }
        if (path.equals("/login") && get) {
            String t = qs.parameters().containsKey("t") ? qs.parameters().get("t").get(0) : null;
            String session = guard.web().redeem(t);
            if (session == null) {
                page(ctx, keepAlive, 401, "This login link has been used already or has expired",
                        "Each link that <code>parley web</code> prints opens the interface once. Run <code>parley web</code> again for a new link.");
                return;
            }
            FullHttpResponse res = response(303, new byte[0], null);
            res.headers().set(HttpHeaderNames.LOCATION, "/app/").set(HttpHeaderNames.SET_COOKIE, guard.web().setCookie(session));
            send(ctx, keepAlive, res);
            return;
        }
        if (path.equals("/logout") && m.equals(HttpMethod.POST)) {
            guard.checkCookieRequest(true, origin);
            guard.web().end(cookie);
            page(ctx, keepAlive, 200, "Logged out", "Run <code>parley web</code> for a new login link.");
            return;
        }
        if (!get) {
            page(ctx, keepAlive, 405, "Not here", "Only the app's pages are served here.");
            return;
        }
        if (auth == Guard.Auth.NONE) {
            page(ctx, keepAlive, 401, "Parley needs you to log in",
                    "Open the link that <code>parley web</code> prints (it carries a one-time login token). "
                            + "Run <code>parley web</code> in a terminal to get one.");
            return;
        }
        if (path.equals("/") || path.equals("/app")) {
            FullHttpResponse res = response(303, new byte[0], null);
            res.headers().set(HttpHeaderNames.LOCATION, "/app/");
            send(ctx, keepAlive, res);
            return;
        }
        String name = path.equals("/app/") ? "index.html" : path.startsWith("/app/") ? path.substring(5) : null;
        byte[] body = name == null || !name.matches("[a-z0-9-]+\\.(html|js|css|svg|png)") ? null : resource(name);
        if (body == null) {
            page(ctx, keepAlive, 404, "Nothing here", "Go back to <a href=\"/app/\">Parley</a>.");
            return;
        }
        send(ctx, keepAlive, response(200, body, TYPES.get(name.substring(name.lastIndexOf('.') + 1))));
    }

    private void api(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, boolean keepAlive, Guard.Auth auth) throws IOException {
        String path = qs.path();
        HttpMethod m = req.method();
        if (path.equals("/v1/web/login-link") && m.equals(HttpMethod.POST)) {
            if (auth != Guard.Auth.BEARER) throw new ApiError(403, "forbidden", "login links are made with the API token (parley web), not from a page");
            String url = guard.base() + "/login?t=" + guard.web().newLogin();
            ApiHandler.respond(ctx, keepAlive, Response.ok(ApiJson.object().put("url", url)));
        } else if (path.equals("/v1/web/uploads") && m.equals(HttpMethod.POST)) {
            ApiHandler.respond(ctx, keepAlive, Response.ok(upload(req, qs)));
        } else if (path.startsWith("/v1/web/files/") && m.equals(HttpMethod.GET)) {
            download(ctx, keepAlive, path.substring("/v1/web/files/".length()));
        } else if (path.equals("/v1/web/qr") && m.equals(HttpMethod.GET)) {
            String text = query(qs, "text");
            if (text == null || text.isEmpty() || text.length() > 1000) throw ApiError.badRequest("give ?text= (up to 1000 characters)");
            send(ctx, keepAlive, response(200, qrSvg(text).getBytes(StandardCharsets.UTF_8), "image/svg+xml"));
        } else {
            throw ApiError.notFound("no such endpoint: " + m + " " + path + " (see docs/web.md)");
        }
    }

    /**
     * {@code POST /v1/web/uploads?name=N&offset=O[&id=ID]} with the raw bytes: the first chunk (offset 0, no
     * id) creates {@code <uploads>/<new id>/<name>}; the following ones append at their offset.
     */
    private com.fasterxml.jackson.databind.JsonNode upload(FullHttpRequest req, QueryStringDecoder qs) throws IOException {
        String name = safeName(query(qs, "name"));
        long offset;
        try {
            offset = Long.parseLong(String.valueOf(query(qs, "offset")));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("give ?offset= (where this chunk starts)");
        }
        ByteBuf content = req.content();
        if (content.readableBytes() > MAX_UPLOAD_CHUNK) throw ApiError.badRequest("upload chunks are at most " + MAX_UPLOAD_CHUNK + " bytes");
        String id = query(qs, "id");
        Path file;
        if (id == null) {
            if (offset != 0) throw ApiError.badRequest("the first chunk starts at offset 0");
            id = UUID.randomUUID().toString();
            Path dir = uploads.resolve(id);
            Files.createDirectories(dir);
            file = dir.resolve(name);
            Files.createFile(file);
        } else {
            try {
                id = UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("bad upload id");
            }
            file = uploads.resolve(id).resolve(name);
            if (!Files.isRegularFile(file)) throw ApiError.notFound("no upload " + id + " named " + name);
            if (Files.size(file) != offset) throw new ApiError(409, "conflict", "the upload has " + Files.size(file) + " bytes, not " + offset);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            content.readBytes(out, content.readableBytes());
        }
        return ApiJson.object().put("id", id).put("path", file.toAbsolutePath().toString()).put("size", Files.size(file));
    }

    /** Streams the file from disk (zero-copy), never reading it into memory. */
    private void download(ChannelHandlerContext ctx, boolean keepAlive, String id) throws IOException {
        Path file = completedFile.apply(ApiJson.transferId(id).toString());
        if (file == null || !Files.isRegularFile(file)) throw ApiError.notFound("no received file for transfer " + id + " in this daemon run");
        long size = Files.size(file);
        String name = file.getFileName().toString();
        String type = Files.probeContentType(file);
        boolean image = type != null && type.startsWith("image/") && !type.contains("svg");
        FullHttpResponse head = response(200, new byte[0], image ? type : "application/octet-stream");
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, head.headers());
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, size).set("Content-Disposition", (image ? "inline" : "attachment")
                + "; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.write(res);
        ctx.write(new DefaultFileRegion(file.toFile(), 0, size));
        var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    static String qrSvg(String text) {
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4, EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw ApiError.badRequest("cannot encode that as a QR code: " + e.getMessage());
        }
        StringBuilder d = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) if (m.get(x, y)) d.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight()
                + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + d + "\"/></svg>";
    }

    private static String safeName(String name) {
        if (name == null) throw ApiError.badRequest("give ?name= (the file's name)");
        String n = name.replace('/', '_').replace('\\', '_').replace('\0', '_').trim();
        if (n.isEmpty() || n.equals(".") || n.equals("..")) throw ApiError.badRequest("that file name cannot be used");
        if (n.startsWith(".")) n = "_" + n;
        return n.length() > 200 ? n.substring(n.length() - 200) : n;
    }

    private static String query(QueryStringDecoder qs, String name) {
        var v = qs.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebUi.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private void page(ChannelHandlerContext ctx, boolean keepAlive, int status, String title, String html) {
        String body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<title>" + title + " · Parley</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;color:#1d2430}"
                + "code{background:#eef1f5;padding:.1em .3em;border-radius:3px}</style></head><body><h1 id=\"title\">" + title + "</h1><p>" + html
                + "</p></body></html>";
        send(ctx, keepAlive, response(status, body.getBytes(StandardCharsets.UTF_8), TYPES.get("html")));
    }

    private FullHttpResponse response(int status, byte[] body, String type) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        if (type != null) res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        int port = guard.port();
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; "
                        + "connect-src 'self' ws://127.0.0.1:" + port + " ws://localhost:" + port
                        + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        return res;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }
}
