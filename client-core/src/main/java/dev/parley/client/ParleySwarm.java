package dev.parley.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Files shared into groups, fetched in pieces from every member that holds them (docs/library.md §
 * Group files, docs/protocol.md § Swarm files). Each member accepts or declines; a member serves
 * only files it shared or accepted, only to current members, and only pieces it verified.
 */
public interface ParleySwarm {
    /**
     * Hashes the file (Merkle tree and SHA-256: one read) and posts its signed offer into the group;
     * this member serves it from {@code path} from then on (do not change the file).
     *
     * @throws IOException if the file cannot be read
     */
    GroupFileOffer shareFileToGroup(GroupId group, Path path) throws IOException;

    /** Starts fetching an offered file from every member that has pieces of it. */
    void acceptGroupFile(GroupMessageId file);

    void declineGroupFile(GroupMessageId file);

    /**
     * Accepts later offers in {@code group} of at most {@code maxBytes} without asking, as
     * {@code autoAcceptFiles} does for a contact's 1:1 files (this run only; a later call replaces the
     * cap, {@code 0} turns it off since a group file is never empty). Only offers whose sharer is a
     * current member when the offer arrives count; the app still sees {@link GroupFileEvent.Offered},
     * then {@link GroupFileEvent.Accepted} with {@code automatically} true. The rule is per group:
     * a contact's 1:1 rule does not reach into groups, and offers already waiting stay waiting.
     *
     * @throws IllegalArgumentException for a negative cap or a group this member does not know
     */
    void autoAcceptGroupFiles(GroupId group, long maxBytes);

    /** Every group file this member knows of (offered, shared, accepted, done). */
    List<GroupFileOffer> groupFiles();

    /** One group file with its state here, if this member knows it. */
    Optional<GroupFile> groupFile(GroupMessageId file);

    /** Caps this member's group-file uploads over all peers, bytes per second (0: no cap, the default). */
    void setGroupFileUploadLimit(long bytesPerSecond);

    /** Receives every {@link GroupFileEvent} from now on (on the swarm's event thread; hand long work off). */
    void addGroupFileListener(Consumer<GroupFileEvent> listener);
}
