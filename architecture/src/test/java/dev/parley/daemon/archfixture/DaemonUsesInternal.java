package dev.parley.daemon.archfixture;

import dev.parley.client.internal.store.ContactId;

/** Breaks the daemon rule on purpose (an internal type); see RulesCanFailTest. */
public final class DaemonUsesInternal {
    public ContactId id;
}
