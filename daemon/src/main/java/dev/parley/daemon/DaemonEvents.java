package dev.parley.daemon;

import dev.parley.client.CallId;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.TransferId;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The daemon's listener: the daemon is the app, so it opens the {@code ParleyClient} with this. Every
 * event becomes JSON in the {@link EventLog}; returning acknowledges it to the library (auto-ack, see
 * docs/api.md § Delivery). It also remembers what the API needs that the library does not offer as a
 * query: the last server status, the transfers and calls seen in this run.
 */
public final class DaemonEvents implements ParleyListener {
    private final EventLog log;
    private volatile ServerStatus server;
    private final Set<TransferId> transfers = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, java.nio.file.Path> received = new ConcurrentHashMap<>();
    private final Set<CallId> liveCalls = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);

    public DaemonEvents(EventLog log) {
        this.log = log;
    }

    public DaemonEvents() {
        this(new EventLog(EventLog.DEFAULT_CAPACITY));
    }

    public EventLog log() {
        return log;
    }

    @Override
    public void onEvent(ParleyEvent e) {
        if (e instanceof ParleyEvent.ServerStateChanged s) server = s.status();
        else if (e instanceof ParleyEvent.TransferChanged t) transfers.add(t.transfer().id());
        else if (e instanceof ParleyEvent.FileOffered f) transfers.add(f.offer().id());
        else if (e instanceof ParleyEvent.FileCompleted f && f.file() != null
                && f.direction() == dev.parley.client.Direction.INCOMING) received.put(f.id().toString(), f.file());
        else if (e instanceof ParleyEvent.CallDialing c) liveCalls.add(c.id());
        else if (e instanceof ParleyEvent.CallRinging c) liveCalls.add(c.id());
        else if (e instanceof ParleyEvent.CallEnded c) liveCalls.remove(c.record().callId());
        log.append(ApiJson.event(e));
        if (e instanceof ParleyEvent.Closed) closed.countDown();
    }

    /** The last status the library reported, if any yet. */
    public Optional<ServerStatus> serverStatus() {
        return Optional.ofNullable(server);
    }

    public boolean knowsTransfer(TransferId id) {
        return transfers.contains(id);
    }

    /** Where an incoming transfer completed in this run (the web interface's download link), or null. */
    public java.nio.file.Path receivedFile(String transferId) {
        return received.get(transferId);
    }

    public void transferCreated(TransferId id) {
        transfers.add(id);
    }

    /** A call that is dialing, ringing or answered in this run. */
    public boolean isLiveCall(CallId id) {
        return liveCalls.contains(id);
    }

    public void callPlaced(CallId id) {
        liveCalls.add(id);
    }

    /** Waits (bounded) for the library's terminal event after {@code close()}. */
    public boolean awaitClosed(java.time.Duration wait) throws InterruptedException {
        return closed.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
