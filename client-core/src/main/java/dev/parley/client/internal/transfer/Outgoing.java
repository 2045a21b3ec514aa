package dev.parley.client.internal.transfer;

import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.protocol.PeerId;

import java.nio.file.Path;

/** A file we send. The stream loop and the control thread meet under {@code this}. */
final class Outgoing {
    final TransferId id;
    final PeerId peer;
    final Path source;
    final String name;
    final String mediaType;
    final long size;
    final String sha256;
    final String label;

    // ---- guarded by this ----
    /** Bumped to stop a running stream loop (link lost, finished, superseded). */
    int generation;
    /** Generation of the loop now running, or -1. */
    int loopGeneration = -1;
    /** Where the next loop starts, or where a running loop must jump to ({@link #restartAt}). */
    long startAt;
    long restartAt = -1;
    PeerLink link;
    int payloadMax;
    boolean waitingForChannel;
    boolean finished;

    // ---- read by the stream loop, written on the session thread ----
    volatile long acked;
    // ---- progress, written by the session thread only ----
    final RateMeter meter = new RateMeter();
    long lastProgressNanos;

    Outgoing(Transfer t, Path source) {
        this.id = t.id();
        this.peer = t.peer();
        this.source = source;
        this.name = t.name();
        this.mediaType = t.mediaType();
        this.size = t.size();
        this.sha256 = t.sha256Hex();
        this.label = Frames.label(t.id());
    }
}
