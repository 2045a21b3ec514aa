package dev.parley.client.internal.cyclefixtureb;

import dev.parley.client.internal.cyclefixturea.A;

/** The other half of a package cycle made on purpose; see RulesCanFailTest. */
public final class B {
    public A a;
}
