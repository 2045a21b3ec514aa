package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.IceServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The ICE servers a peer should use: the configured STUN servers, plus TURN with short-lived
 * credentials in coturn's REST-API form when a shared secret is set
 * (username {@code <expiry unix seconds>:<peer id>}, credential base64(HMAC-SHA1(secret, username)),
 * see draft-uberti-behave-turn-rest-00 §2.2). No public server is ever added by default. Thread-safe.
 */
final class IceServerProvider {
    /** The servers and how long their credentials last (0: no credentials). */
    record Offer(List<IceServer> servers, long ttlSeconds) {}

    private final List<String> stun;
    private final List<String> turn;
    private final byte[] secret;
    private final long ttlSeconds;
    private final Clock clock;

    IceServerProvider(ServerConfig c, Clock clock) {
        this.stun = c.stunUrls();
        this.turn = c.turnUrls();
        this.secret = c.turnSecret() == null ? null : c.turnSecret().getBytes(StandardCharsets.UTF_8);
        this.ttlSeconds = c.turnTtl().toSeconds();
        this.clock = clock;
    }

    Offer forPeer(PeerId peer) {
        List<IceServer> out = new ArrayList<>(2);
        if (!stun.isEmpty()) out.add(new IceServer(stun, null, null));
        if (secret == null || turn.isEmpty()) return new Offer(out, 0);
        String username = (clock.millis() / 1000 + ttlSeconds) + ":" + peer.value();
        out.add(new IceServer(turn, username, credential(username)));
        return new Offer(out, ttlSeconds);
    }

    private String credential(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 missing from the JDK", e);
        }
    }
}
