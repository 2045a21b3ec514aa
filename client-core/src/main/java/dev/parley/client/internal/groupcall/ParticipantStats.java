package dev.parley.client.internal.groupcall;

import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.protocol.PeerId;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per participant of a group call: {@link CallStats} from two successive getStats samples of the pair's
 * session, computed as a 1:1 call's are (rates and loss over the interval; the first sample gives zero
 * rates). Engine worker only.
 */
final class ParticipantStats {
    private final Map<PeerId, AudioStatsSample> last = new HashMap<>();

    CallStats next(CallId call, PeerId peer, AudioStatsSample s, Instant now) {
        AudioStatsSample prev = last.put(peer, s);
        double dt = prev == null ? 0 : (s.timestampUs() - prev.timestampUs()) / 1e6;
        long sendBps = 0, recvBps = 0;
        double loss = 0;
        if (prev != null && dt > 0) {
            sendBps = Math.round((s.bytesSent() - prev.bytesSent()) * 8 / dt);
            recvBps = Math.round((s.bytesReceived() - prev.bytesReceived()) * 8 / dt);
            long lost = Math.max(0, s.packetsLost() - prev.packetsLost());
            long got = Math.max(0, s.packetsReceived() - prev.packetsReceived());
            loss = lost + got == 0 ? 0 : (double) lost / (lost + got);
        }
        return new CallStats(call, now,
                Double.isNaN(s.roundTripTimeS()) ? null : Duration.ofNanos(Math.round(s.roundTripTimeS() * 1e9)),
                Double.isNaN(s.jitterS()) ? null : Duration.ofNanos(Math.round(s.jitterS() * 1e9)),
                loss, sendBps, recvBps, s.codec(), s.packetsSent(), s.packetsReceived(), s.packetsLost());
    }

    void remove(PeerId peer) {
        last.remove(peer);
    }

    void clear() {
        last.clear();
    }
}
