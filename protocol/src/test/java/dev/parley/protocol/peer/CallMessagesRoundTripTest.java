package dev.parley.protocol.peer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every call-control message (docs/calls.md § Protocol) survives JSON and back, and looks as documented. */
class CallMessagesRoundTripTest {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final UUID CALL = UUID.fromString("5f0c2a9e-3b1d-4c6e-8f7a-1e2d3c4b5a69");

    @Test
    void callMessagesRoundTrip() throws Exception {
        for (PeerMessage m : List.of(new CallInvite(CALL, 1_700_000_000_000L), new CallAccept(CALL),
                new CallDecline(CALL), new CallBusy(CALL), new CallCancel(CALL, CallCancel.NO_ANSWER),
                new CallHangup(CALL, CallHangup.NORMAL))) {
            assertThat(JSON.readValue(JSON.writeValueAsString(m), PeerMessage.class)).isEqualTo(m);
        }
    }

    @Test
    void callMessagesLookLikeTheDocument() throws Exception {
        assertThat(JSON.writeValueAsString(new CallInvite(CALL, 1_700_000_000_000L)))
                .isEqualTo("{\"type\":\"call-invite\",\"callId\":\"" + CALL + "\",\"sentAtMs\":1700000000000}");
        assertThat(JSON.writeValueAsString(new CallHangup(CALL, "normal")))
                .isEqualTo("{\"type\":\"call-hangup\",\"callId\":\"" + CALL + "\",\"reason\":\"normal\"}");
        assertThat(JSON.writeValueAsString(new CallBusy(CALL)))
                .isEqualTo("{\"type\":\"call-busy\",\"callId\":\"" + CALL + "\"}");
    }

    @Test
    void aCallMessageWithoutItsIdIsRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> JSON.readValue("{\"type\":\"call-accept\"}", PeerMessage.class))
                .hasRootCauseInstanceOf(NullPointerException.class);
    }
}
