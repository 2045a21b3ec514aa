package dev.parley.server;

import dev.parley.protocol.PeerId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The TURN credential vector in docs/protocol.md § Test vectors, which coturn's use-auth-secret accepts. */
class TurnCredentialVectorTest {
    @Test
    void credentialsMatchThePublishedVector() {
        ServerConfig config = ServerConfig.builder().turnUrls(List.of("turn:198.51.100.1:3478?transport=udp"))
                .turnSecret("parley-test-secret").turnTtl(Duration.ofHours(1)).build();
        Clock at = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

        IceServerProvider.Offer offer = new IceServerProvider(config, at).forPeer(PeerId.of("eh7ddx5bksrgcytl7bkai36se4nxx3kl"));

        assertThat(offer.ttlSeconds()).isEqualTo(3600);
        assertThat(offer.servers()).singleElement().satisfies(s -> {
            assertThat(s.username()).isEqualTo("1700003600:eh7ddx5bksrgcytl7bkai36se4nxx3kl");
            assertThat(s.credential()).isEqualTo("k6KEOrAwiZ2hPZTeTYkCpHAwVhk=");
            assertThat(s.urls()).containsExactly("turn:198.51.100.1:3478?transport=udp");
        });
    }
}
