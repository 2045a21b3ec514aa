package dev.parley.client.internal.transfer;

import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.protocol.PeerId;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file we receive. Frames arrive on the session thread into {@link #inbox}; one drain at a time
 * writes them on a disk thread. File state is guarded by {@code this}.
 */
final class Incoming {
    final TransferId id;
    final PeerId peer;
    final String name;
    final long size;
    final String sha256;
    final Path part;
    final String label;

    final ConcurrentLinkedQueue<byte[]> inbox = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();

    // ---- guarded by this ----
    FileChannel file;
    MessageDigest digest;
    long written;
    long checkpointed;
    long checkpointNanos;
    long ackedAt;
    boolean finished;
    final RateMeter meter = new RateMeter();
    long lastProgressNanos;

    /** The link we sent our current file-accept on (control thread only); null after link loss. */
    PeerLink acceptedOn;
    /** Whether the user (or policy) accepted; false while the offer waits (control thread only). */
    boolean accepted;

    Incoming(Transfer t, Path part) {
        this.id = t.id();
        this.peer = t.peer();
        this.name = t.name();
        this.size = t.size();
        this.sha256 = t.sha256Hex();
        this.part = part;
        this.label = Frames.label(t.id());
    }
}
