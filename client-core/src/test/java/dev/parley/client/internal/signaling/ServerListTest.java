package dev.parley.client.internal.signaling;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The failover list: learned URLs deduplicated, bounded, never downgrading, never dropping the configured ones. */
class ServerListTest {
    private static final URI A = URI.create("wss://a.example/"), B = URI.create("wss://b.example:443/");

    @Test
    void learnedUrlsAreAddedOnceEachHoweverWritten() {
        ServerList l = new ServerList(List.of(A));
        assertThat(l.learn(List.of("wss://B.example", "wss://b.example:443/", "WSS://b.example/", "wss://a.example:443"))).isEqualTo(1);
        assertThat(l.all()).containsExactly(A, URI.create("wss://B.example"));
        assertThat(l.learn(List.of("wss://b.example"))).isZero();
        assertThat(l.learn(null)).isZero();
    }

    @Test
    void badOrDowngradingUrlsAreIgnored() {
        ServerList l = new ServerList(List.of(A));
        assertThat(l.learn(List.of("ws://c.example/", "http://c.example/", "wss:///nohost", "not a url", "wss://u:p@c.example/",
                "wss://" + "x".repeat(300) + ".example/"))).isZero();
        assertThat(l.all()).containsExactly(A);
        ServerList plain = new ServerList(List.of(URI.create("ws://127.0.0.1:1/")));
        assertThat(plain.learn(List.of("ws://127.0.0.1:2/", "wss://c.example/"))).isEqualTo(2);
    }

    @Test
    void theListIsBoundedDroppingTheOldestLearnedButNeverTheConfiguredOrTheOneInUse() {
        ServerList l = new ServerList(List.of(A, B));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 14; i++) many.add("wss://n" + i + ".example/");
        assertThat(l.learn(many)).isEqualTo(14);
        assertThat(l.all()).hasSize(ServerList.MAX);
        l.next();
        l.next(); // now on n0, the oldest learned
        assertThat(l.current()).isEqualTo(URI.create("wss://n0.example/"));
        assertThat(l.learn(List.of("wss://m0.example/", "wss://m1.example/"))).isEqualTo(2);
        assertThat(l.all()).hasSize(ServerList.MAX).startsWith(A, B, URI.create("wss://n0.example/"))
                .doesNotContain(URI.create("wss://n1.example/"), URI.create("wss://n2.example/"))
                .endsWith(URI.create("wss://m0.example/"), URI.create("wss://m1.example/"));
        assertThat(l.current()).isEqualTo(URI.create("wss://n0.example/"));
    }
}
