package dev.parley.client.internal.transfer;

import dev.parley.client.TransferId;
import dev.parley.client.TransferState;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.TransferStore;
import dev.parley.protocol.PeerId;
import lombok.extern.slf4j.Slf4j;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * What a {@link Sender} and a {@link Receiver} share with their {@link TransferEngine}: the store,
 * the settings, the executors, the live links and the listener. Methods marked "control thread"
 * must only be called on the engine's control thread; {@link #onControl} from any thread.
 */
@Slf4j
final class TransferContext {
    final TransferStore store;
    final TransferConfig config;
    final Path downloadDir;
    /** Whether a part file's length can be trusted after a restart (see {@link BootId}). */
    final boolean trustPageCache;
    final ExecutorService sendPool;

    private final TransferListener listener;
    private final ExecutorService control;
    private final ExecutorService disk;
    private final Consumer<TransferId> forget;
    /** Control thread only. */
    private final Map<PeerId, PeerLink> links = new HashMap<>();

    TransferContext(TransferStore store, TransferConfig config, Path downloadDir, boolean trustPageCache,
                    TransferListener listener, ExecutorService control, ExecutorService sendPool,
                    ExecutorService disk, Consumer<TransferId> forget) {
        this.store = store;
        this.config = config;
        this.downloadDir = downloadDir;
        this.trustPageCache = trustPageCache;
        this.listener = listener;
        this.control = control;
        this.sendPool = sendPool;
        this.disk = disk;
        this.forget = forget;
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** Hands {@code step} to the control thread (any thread); false (dropped) once the engine closed. */
    boolean onControl(String what, Step step) {
        try {
            control.execute(() -> {
                try {
                    step.run();
                } catch (Throwable t) {
                    log.warn("transfer step '{}' failed", what, t);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("{} dropped: engine closed", what);
            return false;
        }
    }

    /** A new serial lane on the disk pool, for one part file. */
    Executor newDiskLane() {
        return new Lane(disk);
    }

    /** Control thread: calls the listener directly (the one hop); a throwing listener is logged. */
    void emit(Consumer<TransferListener> event) {
        try {
            event.accept(listener);
        } catch (Throwable t) {
            log.warn("transfer listener threw", t);
        }
    }

    /** Control thread: the contact's live link, or null. */
    PeerLink link(PeerId peer) {
        return links.get(peer);
    }

    /** Control thread. */
    void linkUp(PeerLink link) {
        links.put(link.peer(), link);
    }

    /** Control thread. */
    void linkDown(PeerId peer) {
        links.remove(peer);
    }

    /** Control thread: the transfer ended; the engine drops it. */
    void forget(TransferId id) {
        forget.accept(id);
    }

    /** Control thread: an active transfer whose link went away is recorded as paused. */
    void pause(TransferId id) {
        store.get(id).ifPresent(t -> {
            if (t.state() == TransferState.ACTIVE) {
                store.updateState(id, TransferState.PAUSED);
            }
        });
    }
}
