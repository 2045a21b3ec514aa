package dev.parley.client.internal.call;

/**
 * Receives {@link CallEvent}s, on the engine's thread ({@code parley-call}), in order. Must not block
 * for long (it delays timers and control handling). Exceptions are logged and swallowed.
 */
@FunctionalInterface
interface CallListener {
    void onCallEvent(CallEvent event);
}
