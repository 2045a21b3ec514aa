package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.CallRecord;
import dev.parley.protocol.PeerId;

/** What happens to calls; delivered to {@link CallListener} on the engine thread. */
sealed interface CallEvent {
    CallId callId();

    /** We are calling {@code peer}; it is ringing there (or about to). */
    record Dialing(CallId callId, PeerId peer) implements CallEvent { }

    /** {@code peer} is calling us. The id is the verified identity of the peer session it came on. */
    record Ringing(CallId callId, PeerId peer) implements CallEvent { }

    /** Answered: both sides now send audio. */
    record Answered(CallId callId, PeerId peer) implements CallEvent { }

    /**
     * Glare: both sides dialled each other at once. The call with the lower id survives; this side's
     * outgoing {@code callId} is folded into the peer's {@code survivor}, which is answered at once
     * (both users wanted to talk). No history entry is made for {@code callId}.
     */
    record Superseded(CallId callId, CallId survivor) implements CallEvent { }

    /** Our microphone was muted or unmuted. */
    record MuteChanged(CallId callId, boolean muted) implements CallEvent { }

    /** Periodic statistics while answered. */
    record Stats(CallId callId, CallStats stats) implements CallEvent { }

    /** Terminal for this call: the history entry. No further events for {@code callId}. */
    record Ended(CallId callId, CallRecord record) implements CallEvent { }
}
