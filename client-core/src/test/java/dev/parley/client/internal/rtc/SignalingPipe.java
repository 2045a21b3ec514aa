package dev.parley.client.internal.rtc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one in-memory signaling fixture of the client-core tests (rtc, call and transfer use it): one
 * direction between two sessions. It lives here, public, because {@link SignalingChannel} and
 * {@link PeerSession} are in this package (and stay public: call and transfer use them). Delivery always goes through the pipe's
 * own thread, never straight from the sender: a WebRTC call on the other factory from a callback
 * can deadlock both (shared notes §3). Can hold messages back, reorder them or drop candidates, to
 * stage glare and early candidates.
 */
public final class SignalingPipe implements SignalingChannel {

    private sealed interface Msg permits Desc, Cand { }

    private record Desc(DescriptionType type, String sdp) implements Msg { }

    private record Cand(String candidate, String mid, int index) implements Msg { }

    private final ExecutorService thread;
    private volatile PeerSession target;
    private final List<Msg> held = new ArrayList<>();
    private boolean holding;
    private volatile boolean dropCandidates;
    private volatile boolean down;

    final AtomicInteger offersSent = new AtomicInteger();
    final AtomicInteger answersSent = new AtomicInteger();
    final AtomicInteger candidatesSent = new AtomicInteger();
    final CountDownLatch firstOffer = new CountDownLatch(1);
    final CountDownLatch endOfCandidates = new CountDownLatch(1);

    public SignalingPipe(String name) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipe-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public void connectTo(PeerSession target) {
        this.target = target;
    }

    synchronized void hold() {
        holding = true;
    }

    /** Deliver what was held, optionally all candidates before any description. */
    synchronized void release(boolean candidatesFirst) {
        holding = false;
        List<Msg> out = new ArrayList<>(held);
        held.clear();
        if (candidatesFirst) {
            out.sort((x, y) -> Boolean.compare(x instanceof Desc, y instanceof Desc));
        }
        out.forEach(this::deliver);
    }

    /** Wait (bounded) until at least n offers went into this pipe. */
    boolean awaitOffers(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (offersSent) {
            while (offersSent.get() < n) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                offersSent.wait(left);
            }
            return true;
        }
    }

    void dropCandidates(boolean drop) {
        this.dropCandidates = drop;
    }

    /** Simulate the signaling server going away: everything is dropped. */
    void setDown(boolean down) {
        this.down = down;
    }

    @Override
    public void sendDescription(DescriptionType type, String sdp) {
        (type == DescriptionType.OFFER ? offersSent : answersSent).incrementAndGet();
        if (type == DescriptionType.OFFER) {
            firstOffer.countDown();
            synchronized (offersSent) {
                offersSent.notifyAll();
            }
        }
        submit(new Desc(type, sdp));
    }

    @Override
    public void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
        candidatesSent.incrementAndGet();
        if (!dropCandidates) {
            submit(new Cand(candidate, sdpMid, sdpMLineIndex));
        }
    }

    @Override
    public void sendEndOfCandidates() {
        endOfCandidates.countDown();
    }

    private synchronized void submit(Msg m) {
        if (down) {
            return;
        }
        if (holding) {
            held.add(m);
        } else {
            deliver(m);
        }
    }

    private void deliver(Msg m) {
        thread.execute(() -> {
            PeerSession t = target;
            if (m instanceof Desc d) {
                t.onRemoteDescription(d.type(), d.sdp(), null);
            } else if (m instanceof Cand c) {
                t.onRemoteCandidate(c.candidate(), c.mid(), c.index());
            }
        });
    }

    public void shutdown() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }
}
