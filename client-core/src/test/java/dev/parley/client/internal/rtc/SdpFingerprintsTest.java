package dev.parley.client.internal.rtc;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SdpFingerprintsTest {

    private static final String FP =
            "3D:39:B6:C5:13:52:5E:AF:45:3C:03:09:A0:67:0B:DD:0A:81:8E:D5:06:2A:B7:BD:26:79:21:57:1C:4A:36:4C";

    private static final String SDP = String.join("\r\n",
            "v=0",
            "o=- 6029530127455698391 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "a=fingerprint:sha-256 " + FP,
            "a=mid:0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "a=fingerprint:SHA-256 " + FP.toLowerCase(),
            "a=mid:1",
            "");

    @Test
    void parsesEveryFingerprintLineWithAlgorithmAndBytes() {
        var all = SdpFingerprints.parse(SDP);
        assertThat(all).hasSize(2);
        assertThat(all.get(0).algorithm()).isEqualTo("sha-256");
        assertThat(all.get(0).value()).isEqualTo(HexFormat.of().parseHex(FP.replace(":", "")));
        assertThat(all.get(1)).as("hash name and hex are case-insensitive").isEqualTo(all.get(0));
        assertThat(all.get(0).toSdpValue()).isEqualTo("sha-256 " + FP);
    }

    @Test
    void singleReturnsTheAgreedFingerprintOrRejectsDisagreement() {
        assertThat(SdpFingerprints.single(SDP)).map(SdpFingerprints.Fingerprint::toSdpValue)
                .contains("sha-256 " + FP);
        assertThat(SdpFingerprints.single("v=0\r\n")).isEmpty();
        String mixed = SDP.replaceFirst("3D:39", "3D:3A");
        assertThatThrownBy(() -> SdpFingerprints.single(mixed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedFingerprintLineIsRejectedNotSkipped() {
        assertThatThrownBy(() -> SdpFingerprints.parse("a=fingerprint:sha-256\r\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SdpFingerprints.parse("a=fingerprint:sha-256 ZZ:00\r\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintIsAValueAndDefendsItsBytes() {
        byte[] raw = {1, 2, 3};
        var f = new SdpFingerprints.Fingerprint("sha-256", raw);
        raw[0] = 9;
        f.value()[1] = 9;
        assertThat(f.value()).containsExactly(1, 2, 3);
        assertThat(f).isEqualTo(new SdpFingerprints.Fingerprint("sha-256", new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new SdpFingerprints.Fingerprint("sha-256", new byte[] {1, 2, 3}));
    }
}
