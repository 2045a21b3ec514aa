package dev.parley.server;

/**
 * What one connection may send, counted per WebSocket frame rather than per message, so that frames
 * that cost work but complete no message (non-final continuations, even empty ones; pings; unsolicited
 * pongs) are paid for too (docs/server.md § Every frame is charged). Three token buckets: frames, bytes
 * (payload of every frame) and control frames. Before login the limits are much smaller: a client needs
 * one ~300-byte {@code auth} there. Reading thread only; not thread-safe.
 */
final class FrameBudget {
    /** Rates per second and bursts of one phase (before or after login). */
    record Limits(double framesPerSecond, double frameBurst, double bytesPerSecond, double byteBurst,
                  double controlPerSecond, double controlBurst) {}

    enum Verdict { OK, FRAMES, CONTROL }

    private Limits limits;
    private double frames;
    private double bytes;
    private double control;
    private long refillMs;

    FrameBudget(Limits limits, long now) {
        phase(limits, now);
    }

    /** Switches to other limits (at login), starting from their full bursts. */
    void phase(Limits l, long now) {
        limits = l;
        frames = l.frameBurst();
        bytes = l.byteBurst();
        control = l.controlBurst();
        refillMs = now;
    }

    Verdict charge(long now, boolean isControl, int payloadBytes) {
        Limits l = limits;
        if (now > refillMs) {
            double dt = (now - refillMs) / 1000.0;
            frames = Math.min(l.frameBurst(), frames + dt * l.framesPerSecond());
            bytes = Math.min(l.byteBurst(), bytes + dt * l.bytesPerSecond());
            control = Math.min(l.controlBurst(), control + dt * l.controlPerSecond());
            refillMs = now;
        }
        frames -= 1;
        bytes -= payloadBytes;
        if (isControl) control -= 1;
        if (isControl && control < 0) return Verdict.CONTROL;
        if (frames < 0 || bytes < 0) return Verdict.FRAMES;
        return Verdict.OK;
    }
}
