package dev.parley.protocol.archfixture;

import dev.parley.protocol.PeerId;
import dev.parley.server.archfixture.UsesWebrtc;

/** A protocol class that depends on another module of ours, made on purpose; see RulesCanFailTest. */
public final class UsesServer {
    public PeerId fine;
    public UsesWebrtc notFine;
}
