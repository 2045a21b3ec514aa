package dev.parley.protocol.signal;

/** The signaling protocol version in {@link Challenge#version()}; a client that does not know it must not log in. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;

    private ProtocolVersion() {}
}
