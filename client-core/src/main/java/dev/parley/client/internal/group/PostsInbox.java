package dev.parley.client.internal.group;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.GroupPosts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code group-msgs} batches that arrived while the group worker was busy, handed to it together
 * so it stores them in one transaction and answers with one ack per member (docs/concurrency.md: the
 * session threads only queue; the worker drains).
 */
final class PostsInbox {
    record Incoming(PeerId peer, GroupPosts posts) {}

    private final ConcurrentLinkedQueue<Incoming> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Any thread: queues a batch; true when the caller must schedule a {@link #drain()} on the worker. */
    boolean add(PeerId peer, GroupPosts posts) {
        queue.add(new Incoming(peer, posts));
        return scheduled.compareAndSet(false, true);
    }

    /** Worker: everything queued so far, in arrival order (a batch queued meanwhile schedules another drain). */
    List<Incoming> drain() {
        scheduled.set(false);
        List<Incoming> out = new ArrayList<>();
        for (Incoming in; (in = queue.poll()) != null; ) out.add(in);
        return out;
    }
}
