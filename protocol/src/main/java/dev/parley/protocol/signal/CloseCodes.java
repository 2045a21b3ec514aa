package dev.parley.protocol.signal;

/** WebSocket close codes Parley uses (RFC 6455 §7.4.1, plus two in the private 4000-4999 range). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int INVALID_DATA = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int TRY_AGAIN_LATER = 1013;
    /** Another connection proved the same identity; the newest login wins. Do not reconnect automatically. */
    public static final int REPLACED = 4001;

    private CloseCodes() {}
}
