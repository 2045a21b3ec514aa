package dev.parley.client;

import java.time.Duration;
import java.time.Instant;

/**
 * Live statistics of the active call, computed from two getStats samples (W3C webrtc-stats).
 *
 * @param roundTripTime   RTCP round-trip time (remote-inbound-rtp), else the ICE pair's; null if unknown yet
 * @param jitter          receive jitter (inbound-rtp); null if unknown yet
 * @param lossFraction    packets lost / expected over the last interval, 0..1
 * @param sendBitrateBps  our outgoing audio bitrate over the last interval (from bytesSent: RTP payload)
 * @param recvBitrateBps  incoming audio bitrate over the last interval
 * @param codec           e.g. {@code audio/opus}; "" until known
 * @param packetsSent     cumulative
 * @param packetsReceived cumulative
 * @param packetsLost     cumulative
 */
public record CallStats(CallId callId, Instant at, Duration roundTripTime, Duration jitter, double lossFraction,
                        long sendBitrateBps, long recvBitrateBps, String codec, long packetsSent,
                        long packetsReceived, long packetsLost) {
}
