package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/**
 * A message the server forwards from one peer to another. The sender names {@code to} and leaves
 * {@code from} out; the server stamps {@code from} with the sender's authenticated peer id (a client
 * that sets {@code from} itself is disconnected). {@code id} is the sender's optional correlation id,
 * echoed in any error about this message.
 */
public sealed interface Relayed extends ClientMessage, ServerMessage permits Offer, Answer, Candidate {
    PeerId to();

    PeerId from();

    String id();

    /**
     * The {@link DeliveryMark} a cluster node stamps on a relay it delivers from its inbox (null: none). A
     * client remembers the last one and returns it in {@link Auth#mark()} when it logs in again.
     */
    String mark();

    /** The same message as delivered: {@code from} stamped by the server. */
    Relayed withFrom(PeerId from);
}
