package dev.parley.server.archfixture;

import dev.parley.client.ParleyClient;

/** A server class that reaches for client-core, made on purpose; see RulesCanFailTest. */
public final class UsesClientCore {
    public ParleyClient client;
}
