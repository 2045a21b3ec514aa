package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.Welcome;

import javax.net.ssl.SSLContext;
import java.net.URI;

/** An identity plus a recording connection, with the login dance spelled out the way a client does it. */
final class TestPeer implements AutoCloseable {
    final IdentityKeyPair key;
    final RecordingClient ws;
    final String host;

    TestPeer(IdentityKeyPair key, RecordingClient ws, String host) {
        this.key = key;
        this.ws = ws;
        this.host = host;
    }

    static TestPeer connect(URI uri, IdentityKeyPair key, SSLContext tls) throws InterruptedException {
        boolean secure = uri.getScheme().equals("wss");
        return new TestPeer(key, RecordingClient.connect(uri, tls), AuthPayload.authority(uri.getHost(), uri.getPort(), secure));
    }

    PeerId id() {
        return key.publicKey().peerId();
    }

    Auth authFor(Challenge ch) {
        return authFor(ch, null);
    }

    /** With {@code mark}: the last delivery mark this identity received on an earlier connection. */
    Auth authFor(Challenge ch, String mark) {
        byte[] nonce = Base64Url.decode("nonce", ch.nonce(), AuthPayload.NONCE_LENGTH);
        byte[] sig = key.sign(AuthPayload.bytes(host, nonce, key.publicKey()));
        return new Auth(key.publicKey(), ch.nonce(), Base64Url.encode(sig), mark);
    }

    /** A login that returns the last delivery mark of an earlier connection, as a client does. */
    Welcome login(String mark) throws Exception {
        Challenge ch = ws.expect(Challenge.class);
        ws.send(authFor(ch, mark));
        return ws.expect(Welcome.class);
    }

    Welcome login() throws Exception {
        Challenge ch = ws.expect(Challenge.class);
        ws.send(authFor(ch));
        return ws.expect(Welcome.class);
    }

    /** A login to a node that may be slow to answer (a JVM just spawned on a busy box, still cold). */
    Welcome login(java.time.Duration wait) throws Exception {
        Challenge ch = ws.expectWithin(Challenge.class, wait);
        ws.send(authFor(ch));
        return ws.expectWithin(Welcome.class, wait);
    }

    @Override
    public void close() {
        ws.close();
    }
}
