package dev.parley.client;

/** How a call ended; both sides record the same reason (who ended it is {@link CallRecord#endedLocally()}). */
public enum CallEndReason {
    /** It was answered and then one side hung up. */
    COMPLETED,
    /** The callee declined. */
    DECLINED,
    /** The callee was already in (or ringing for) another call. */
    BUSY,
    /** Nobody answered before the ring timeout: a missed call for the callee. */
    NO_ANSWER,
    /** The caller hung up before it was answered: a missed call for the callee. */
    CANCELLED,
    /** The peer session went away, or no audio arrived for the media timeout. */
    CONNECTION_LOST,
    /** Audio could not be started, or a control message could not be sent. */
    FAILED
}
