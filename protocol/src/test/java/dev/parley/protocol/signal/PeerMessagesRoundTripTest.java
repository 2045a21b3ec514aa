package dev.parley.protocol.signal;

import dev.parley.protocol.peer.Ack;
import dev.parley.protocol.peer.ChatText;
import dev.parley.protocol.peer.Hello;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.peer.ReadReceipt;
import dev.parley.protocol.peer.Typing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.parley.protocol.signal.MessagesRoundTripTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** Every peer message in docs/protocol.md § Peer protocol survives JSON and back. */
class PeerMessagesRoundTripTest {
    static final UUID ID = UUID.fromString("0b6f3d1e-7c2a-4b7e-9a55-2f1f0c7e9d10");

    @Test
    void peerMessagesRoundTrip() throws Exception {
        for (PeerMessage m : List.of(new Hello(1, "parley/0.1"), new ChatText(ID, 7, 1_700_000_000_000L, "hi ✓"),
                new Ack(List.of(ID)), new ReadReceipt(List.of(ID)), new Typing(true))) {
            assertThat(JSON.readValue(JSON.writeValueAsString(m), PeerMessage.class)).isEqualTo(m);
        }
    }

    @Test
    void chatTextLooksLikeTheDocument() throws Exception {
        assertThat(JSON.writeValueAsString(new ChatText(ID, 7, 1_700_000_000_000L, "hi")))
                .isEqualTo("{\"type\":\"msg\",\"id\":\"" + ID + "\",\"seq\":7,\"sentAtMs\":1700000000000,\"text\":\"hi\"}");
    }
}
