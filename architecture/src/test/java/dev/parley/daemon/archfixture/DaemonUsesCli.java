package dev.parley.daemon.archfixture;

import dev.parley.cli.Profile;

/** Breaks the daemon rule on purpose (the CLI depends on the daemon, never the reverse); see RulesCanFailTest. */
public final class DaemonUsesCli {
    public Profile profile;
}
