package dev.parley.protocol.peer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The file-transfer control messages (docs/files-notes.md) survive JSON and read as documented. */
class FileMessagesRoundTripTest {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final UUID ID = UUID.fromString("5f0c7a52-3d4e-4f7a-9b1c-2e8d6a4b0c11");
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void fileMessagesRoundTrip() throws Exception {
        for (PeerMessage m : List.of(
                new FileOffer(ID, "holiday ✓.jpg", 1_048_576, "image/jpeg", SHA),
                new FileAccept(ID, 0, 262_144),
                new FileAccept(ID, 4_194_304, null),
                new FileDecline(ID, "declined"),
                new FileCancel(ID, "cancelled"),
                new FileResult(ID, true, null),
                new FileResult(ID, false, "sha256-mismatch"))) {
            assertThat(JSON.readValue(JSON.writeValueAsString(m), PeerMessage.class)).isEqualTo(m);
        }
    }

    @Test
    void messagesLookLikeTheDocument() throws Exception {
        assertThat(JSON.writeValueAsString(new FileOffer(ID, "test.txt", 4, "text/plain", SHA)))
                .isEqualTo("{\"type\":\"file-offer\",\"transferId\":\"" + ID + "\",\"name\":\"test.txt\",\"size\":4,"
                        + "\"mediaType\":\"text/plain\",\"sha256\":\"" + SHA + "\"}");
        assertThat(JSON.writeValueAsString(new FileAccept(ID, 0, 262_144)))
                .isEqualTo("{\"type\":\"file-accept\",\"transferId\":\"" + ID + "\",\"offset\":0,\"maxMessageSize\":262144}");
        assertThat(JSON.writeValueAsString(new FileResult(ID, true, null)))
                .isEqualTo("{\"type\":\"file-result\",\"transferId\":\"" + ID + "\",\"ok\":true}");
        assertThat(JSON.readValue("{\"type\":\"file-accept\",\"transferId\":\"" + ID + "\",\"offset\":7}", PeerMessage.class))
                .isEqualTo(new FileAccept(ID, 7, null));
    }
}
