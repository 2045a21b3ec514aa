package dev.parley.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A group file as this member stores it: the offer, its state here, and where its bytes are
 * ({@code path}: the saved file once {@link GroupFileState#COMPLETED}, the shared file when
 * {@link GroupFileState#SHARED}, else null). What {@link ParleyEvent.GroupFileChanged} carries.
 */
public record GroupFile(GroupFileOffer offer, GroupFileState state, Path path) {
    public GroupFile {
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(state, "state");
    }

    public GroupMessageId id() {
        return offer.id();
    }
}
