package dev.parley.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator end to end against {@link FakeSignalingServer}: logs in, relays, counts every message. */
class LoadClientTest {
    FakeSignalingServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop(1000);
    }

    @Test
    void authenticatesEveryConnectionAndDeliversEveryRelayedMessage(@TempDir Path out) throws Exception {
        server = new FakeSignalingServer().startAndAwait();

        SignalingBench.Options o = SignalingBench.parse(new String[]{
                "--server", "127.0.0.1:" + server.getPort(), "--connections", "200", "--rates", "1000,2000",
                "--seconds", "1", "--reps", "2", "--warmup-seconds", "0", "--hold-seconds", "0",
                "--source-ips", "3", "--ramp-rate", "2000", "--out", out.toString()});
        SignalingBench b = new SignalingBench(o);
        assertThat(b.run()).isZero();
        String results = b.resultsText();
        assertThat(results).contains("RESULT signaling.connections target=200 held=200 failed=0 dropped=0");
        assertThat(results).containsPattern("RESULT signaling.relay rep=1 rate=1000 \\S+ \\S+ delivered=1000 errors=0 misrouted=0");
        assertThat(results).containsPattern("RESULT signaling.relay rep=2 rate=2000 \\S+ \\S+ delivered=2000 errors=0 misrouted=0");
        assertThat(results).contains("RESULT signaling.relay.median rate=2000 runs=2");
    }
}
