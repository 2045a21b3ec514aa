package dev.parley.client.internal.audio;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;

import java.util.Map;

/**
 * Cumulative audio counters of one connection at one instant, read from getStats (W3C
 * webrtc-stats; shared notes §7). Rates are computed by whoever compares two samples.
 *
 * @param timestampUs        report time, microseconds
 * @param roundTripTimeS     remote-inbound-rtp roundTripTime, else the nominated pair's currentRoundTripTime; NaN if unknown
 * @param jitterS            inbound-rtp jitter in seconds; NaN if unknown
 * @param packetsReceived    inbound-rtp packetsReceived
 * @param packetsLost        inbound-rtp packetsLost (may be negative per RFC 3550)
 * @param bytesReceived      inbound-rtp bytesReceived
 * @param packetsSent        outbound-rtp packetsSent
 * @param bytesSent          outbound-rtp bytesSent
 * @param codec              mimeType of the inbound (else outbound) codec, e.g. {@code audio/opus}; "" if unknown
 */
public record AudioStatsSample(long timestampUs, double roundTripTimeS, double jitterS, long packetsReceived,
                               long packetsLost, long bytesReceived, long packetsSent, long bytesSent,
                               String codec) {

    /** Parse a report. Safe on any thread; tolerates missing entries (before media flows). */
    public static AudioStatsSample from(RTCStatsReport report) {
        double rtt = Double.NaN;
        double pairRtt = Double.NaN;
        double jitter = Double.NaN;
        long received = 0, lost = 0, bytesIn = 0, sent = 0, bytesOut = 0;
        String inCodecId = null, outCodecId = null;
        Map<String, RTCStats> all = report.getStats();
        for (RTCStats s : all.values()) {
            Map<String, Object> a = s.getAttributes();
            if (s.getType() == null || !isAudioOrUntyped(s.getType(), a)) {
                continue;
            }
            switch (s.getType()) {
                case INBOUND_RTP -> {
                    jitter = dbl(a.get("jitter"), jitter);
                    received += lng(a.get("packetsReceived"));
                    lost += lng(a.get("packetsLost"));
                    bytesIn += lng(a.get("bytesReceived"));
                    inCodecId = str(a.get("codecId"), inCodecId);
                }
                case OUTBOUND_RTP -> {
                    sent += lng(a.get("packetsSent"));
                    bytesOut += lng(a.get("bytesSent"));
                    outCodecId = str(a.get("codecId"), outCodecId);
                }
                case REMOTE_INBOUND_RTP -> rtt = dbl(a.get("roundTripTime"), rtt);
                case CANDIDATE_PAIR -> {
                    if (Boolean.TRUE.equals(a.get("nominated"))) {
                        pairRtt = dbl(a.get("currentRoundTripTime"), pairRtt);
                    }
                }
                default -> { }
            }
        }
        String codec = "";
        String codecId = inCodecId != null ? inCodecId : outCodecId;
        if (codecId != null && all.get(codecId) != null) {
            codec = str(all.get(codecId).getAttributes().get("mimeType"), "");
        }
        return new AudioStatsSample(report.getTimestamp(), Double.isNaN(rtt) ? pairRtt : rtt, jitter,
                received, lost, bytesIn, sent, bytesOut, codec);
    }

    private static boolean isAudioOrUntyped(RTCStatsType type, Map<String, Object> a) {
        if (type != RTCStatsType.INBOUND_RTP && type != RTCStatsType.OUTBOUND_RTP
                && type != RTCStatsType.REMOTE_INBOUND_RTP) {
            return true;
        }
        Object kind = a.containsKey("kind") ? a.get("kind") : a.get("mediaType");
        return kind == null || "audio".equals(kind.toString());
    }

    private static double dbl(Object o, double dflt) {
        return o instanceof Number n ? n.doubleValue() : dflt;
    }

    private static long lng(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String str(Object o, String dflt) {
        return o == null ? dflt : o.toString();
    }
}
