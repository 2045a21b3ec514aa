package dev.parley.client.internal.cyclefixturea;

import dev.parley.client.internal.cyclefixtureb.B;

/** One half of a package cycle made on purpose; see RulesCanFailTest. */
public final class A {
    public B b;
}
