package dev.parley.client.internal.transfer;

import dev.parley.client.internal.rtc.SignalingPipe;
import dev.parley.client.TransferId;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.TransferState;
import dev.parley.client.internal.transfer.TransferRecorder.Completed;
import dev.parley.client.internal.transfer.TransferRecorder.Failed;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.peer.FileAccept;
import dev.parley.protocol.peer.FileOffer;
import dev.parley.protocol.peer.FileResult;
import dev.parley.protocol.peer.PeerMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.client.internal.transfer.Pair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bob's real engine against "mallory", a peer that speaks the wire protocol by hand: hostile names,
 * and a sender that sends more than it declared.
 */
@Tag("native")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostilePeerTest {

    @TempDir
    Path tmp;
    private Side bob;
    private RtcRuntime rtcBob;
    private RtcRuntime rtcMallory;
    private final IdentityKeyPair malloryKey = IdentityKeyPair.generate();
    private final PeerId mallory = malloryKey.publicKey().peerId();
    private final BlockingQueue<PeerMessage> toMallory = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> malloryOpen = new LinkedBlockingQueue<>();
    private LinkAdapter malloryLink;

    @AfterEach
    void tearDown() {
        try {
            if (rtcMallory != null) {
                rtcMallory.close();
            }
            if (rtcBob != null) {
                rtcBob.close();
            }
        } finally {
            if (bob != null) {
                bob.close();
            }
        }
    }

    private void connect() throws Exception {
        bob = new Side("bob", tmp, c -> c);
        bob.store.contacts().add(mallory, "mallory");
        bob.engine.autoAccept().allow(mallory, 1 << 20);
        rtcBob = RtcRuntime.create(RtcConfig.defaults());
        rtcMallory = RtcRuntime.create(RtcConfig.defaults());
        PeerFeature recorder = new PeerFeature() {
            @Override
            public void onControl(PeerId peer, PeerMessage message) {
                toMallory.add(message);
            }

            @Override
            public void onChannelOpen(PeerId peer, String label) {
                malloryOpen.add(label);
            }
        };
        SignalingPipe m2b = new SignalingPipe("m2b");
        SignalingPipe b2m = new SignalingPipe("b2m");
        malloryLink = new LinkAdapter(bob.id, recorder);
        LinkAdapter bobLink = new LinkAdapter(mallory, bob.feature());
        PeerSession m = rtcMallory.newSession(mallory.value(), bob.id.value(), m2b, DescriptionVerifier.ACCEPT_ALL, malloryLink);
        PeerSession b = rtcBob.newSession(bob.id.value(), mallory.value(), b2m, DescriptionVerifier.ACCEPT_ALL, bobLink);
        malloryLink.bind(m);
        bobLink.bind(b);
        m2b.connectTo(b);
        b2m.connectTo(m);
        m.dial();
        assertThat(malloryLink.linkUp.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bobLink.linkUp.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private <T extends PeerMessage> T awaitControl(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            PeerMessage m = toMallory.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + type.getSimpleName() + " reached mallory");
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    /** Offers {@code content} under {@code name} and sends {@code sent} once bob accepts. */
    private UUID offerAndSend(String name, byte[] content, long declaredSize, byte[] sent) throws Exception {
        UUID id = UUID.randomUUID();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(malloryLink.sendControl(new FileOffer(id, name, declaredSize, "text/plain", sha))).isTrue();
        FileAccept accept = awaitControl(FileAccept.class);
        assertThat(accept.transferId()).isEqualTo(id);
        assertThat(accept.offset()).isZero();
        assertThat(accept.maxMessageSize()).isEqualTo(TransferConfig.NATIVE_MAX_MESSAGE_SIZE);
        String label = "file:" + id;
        malloryLink.openChannel(label, true);
        assertThat(malloryOpen.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(label);
        byte[] frame = new byte[8 + sent.length];
        System.arraycopy(sent, 0, frame, 8, sent.length);
        assertThat(malloryLink.sendBinary(label, frame)).isTrue();
        return id;
    }

    @Test
    void hostileNamesLandInsideTheDownloadFolder() throws Exception {
        connect();
        Path dir = bob.downloads.toRealPath();
        String[][] cases = {
                {"../../.ssh/authorized_keys", "authorized_keys"},
                {"/etc/passwd", "passwd"},
                {"..\\x", "x"},
                {"CON", "_CON"},
                {"a\u202Egpj.exe", "agpj.exe"},
                {"nul\u0000inside.txt", "nulinside.txt"},
                {"n".repeat(296) + ".txt", "n".repeat(251) + ".txt"},
        };
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        for (String[] c : cases) {
            UUID id = offerAndSend(c[0], content, content.length, content);
            Completed done = bob.events.offeredStartedCompleted(new dev.parley.client.TransferId(id), 0, WAIT);
            assertThat(done.file().getParent()).isEqualTo(dir);
            assertThat(done.file().getFileName().toString()).isEqualTo(c[1]);
            assertThat(Files.readString(done.file())).isEqualTo("hello");
            assertThat(awaitControl(FileResult.class)).isEqualTo(new FileResult(id, true, null));
        }
        assertThat(tmp.resolve(".ssh")).doesNotExist();
        try (var files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.contains("\u202E") || n.contains("\u0000"));
        }
    }

    @Test
    void aSenderExceedingTheDeclaredSizeIsStoppedAndNothingIsKept() throws Exception {
        connect();
        byte[] declared = "12345".getBytes(StandardCharsets.UTF_8);
        UUID id = offerAndSend("liar.txt", declared, declared.length, "1234567890".getBytes(StandardCharsets.UTF_8));
        bob.events.next(TransferRecorder.Offered.class, WAIT);
        bob.events.next(TransferRecorder.Started.class, WAIT);
        Failed failed = bob.events.next(Failed.class, WAIT);
        assertThat(failed.reason()).isEqualTo("size-exceeded");
        assertThat(awaitControl(FileResult.class)).isEqualTo(new FileResult(id, false, "size-exceeded"));
        assertThat(bob.downloadsListing()).isEmpty();
        assertThat(bob.store.transfers().get(new dev.parley.client.TransferId(id)).orElseThrow().state())
                .isEqualTo(TransferState.FAILED);
        bob.events.assertExhausted();
    }

    @Test
    void malformedOffersAreDeclined() throws Exception {
        connect();
        UUID id = UUID.randomUUID();
        malloryLink.sendControl(new FileOffer(id, "x", 5, "text/plain", "not-a-hash"));
        assertThat(awaitControl(dev.parley.protocol.peer.FileDecline.class))
                .isEqualTo(new dev.parley.protocol.peer.FileDecline(id, "bad-offer"));
        assertThat(bob.store.transfers().get(new dev.parley.client.TransferId(id))).isEmpty();
    }
}
