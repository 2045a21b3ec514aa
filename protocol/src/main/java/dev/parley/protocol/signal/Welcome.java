package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;

/**
 * Login succeeded. {@code peerId} is derived by the server from the proven key. {@code resumed} is
 * true when this login took over a binding still held from a dropped connection (watch list kept,
 * no offline/online flap seen by others). {@code nodes}: the public URLs of the cluster's other live
 * nodes, which a client may fail over to (null, absent on the wire: none advertised).
 */
public record Welcome(PeerId peerId, boolean resumed, long heartbeatMs, long idleTimeoutMs, long resumeGraceMs,
                      List<IceServer> iceServers, long iceServersTtlSeconds, Limits limits, List<String> nodes) implements ServerMessage {
    @JsonCreator
    public Welcome {
        iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
        nodes = nodes == null || nodes.isEmpty() ? null : List.copyOf(nodes);
    }

    /** A welcome that advertises no other nodes. */
    public Welcome(PeerId peerId, boolean resumed, long heartbeatMs, long idleTimeoutMs, long resumeGraceMs,
                   List<IceServer> iceServers, long iceServersTtlSeconds, Limits limits) {
        this(peerId, resumed, heartbeatMs, idleTimeoutMs, resumeGraceMs, iceServers, iceServersTtlSeconds, limits, null);
    }

    /** The server's limits, so a client can stay inside them instead of being cut off. */
    public record Limits(int maxMessageBytes, int messagesPerSecond, int burst, int maxWatch) {
    }

    @Override
    public void accept(ServerMessage.Handler h) {
        h.welcome(this);
    }
}
