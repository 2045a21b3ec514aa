package dev.parley.client;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;

import java.util.List;
import java.util.Optional;

/**
 * A public API class that shows protocol types to apps, made on purpose; see RulesCanFailTest. The
 * members named "hidden" use the protocol where an app cannot see it, which is allowed.
 */
public final class ExposesProtocol {
    public PeerId field;
    private PeerId hiddenField;

    public ExposesProtocol(PeerId peer) {
        this.field = peer;
    }

    public PeerId peer() {
        return field;
    }

    /** Inside a type argument counts too. */
    public Optional<List<IdentityKey>> keys() {
        return Optional.empty();
    }

    public String value() {
        PeerId hidden = field; // a body may use anything
        return hidden.value();
    }

    PeerId hiddenPackagePrivate() {
        return hiddenField;
    }

    public static final class Nested implements Comparable<PeerId> {
        @Override
        public int compareTo(PeerId o) {
            return 0;
        }
    }
}
