package dev.parley.daemon.archfixture;

import dev.parley.client.ParleyClient;

/** Keeps the daemon rule: the public API only; see RulesCanFailTest. */
public final class DaemonUsesPublicApi {
    public ParleyClient client;
}
