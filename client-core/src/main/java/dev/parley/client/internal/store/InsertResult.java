package dev.parley.client.internal.store;

/** Outcome of storing an incoming message. Either way the sender should be acknowledged. */
enum InsertResult {
    /** New: stored, to be shown. */
    INSERTED,
    /** Its id was stored before (a retransmission): ack again, show nothing. */
    DUPLICATE
}
