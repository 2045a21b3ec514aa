package dev.parley.client;

/** Where the direct, verified session with a contact stands, as {@link ParleyListener#onSessionState} reports it. */
public enum SessionStatus {
    /** Dialling or negotiating; nothing can be sent directly yet. */
    CONNECTING,
    /** Verified and open: messages, files and calls flow directly. */
    CONNECTED,
    /** The path was lost; ICE is restarting within the same session. */
    RECONNECTING,
    /** Terminal for this session (a new one may follow). */
    CLOSED;

    /** The lower-case name the CLI and JSON output use ({@code connecting}, {@code connected}, …). */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
