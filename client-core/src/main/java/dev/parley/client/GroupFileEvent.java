package dev.parley.client;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the swarm tells the app about group files ({@link ParleySwarm}), on one event thread, in order.
 * Of the moment (not stored): the file's state survives a restart, its events are not repeated.
 */
public sealed interface GroupFileEvent {
    GroupMessageId file();

    /** Another member shared a file: accept or decline it. */
    record Offered(GroupFileOffer offer) implements GroupFileEvent {
        public GroupMessageId file() {
            return offer.id();
        }
    }

    /**
     * This member accepted the file and starts fetching it: by {@link ParleySwarm#acceptGroupFile}
     * ({@code automatically} false) or by the group's rule of {@link ParleySwarm#autoAcceptGroupFiles}
     * (true: it follows that file's {@link Offered} at once). Once per acceptance; accepting an accepted
     * file again says nothing.
     */
    record Accepted(GroupMessageId file, GroupId group, boolean automatically) implements GroupFileEvent {
    }

    /**
     * At most every 250 ms while downloading: verified bytes, rate over the last seconds, the time left at
     * that rate (null while the rate is 0), holders that delivered lately.
     */
    record Progress(GroupMessageId file, GroupId group, long bytes, long size, long bytesPerSecond, java.time.Duration eta,
                    int holdersServing) implements GroupFileEvent {
    }

    /** Whole and verified (tree and whole-file SHA-256): {@code sources} says how many verified bytes came from whom. */
    record Completed(GroupMessageId file, GroupId group, Path path, String sha256Hex, Map<PeerId, Long> sources)
            implements GroupFileEvent {
        public Completed {
            sources = Map.copyOf(sources);
        }
    }

    /** Another member now announces every piece of the file verified (once per member and file in a run): "they have it". */
    record Held(GroupMessageId file, GroupId group, PeerId member) implements GroupFileEvent {
    }

    /** A holder sent data that failed the Merkle check ({@code bad-piece}, {@code bad-hashes}, {@code bad-frame}): nothing more is taken from it for this file. */
    record HolderDropped(GroupMessageId file, GroupId group, PeerId holder, String reason) implements GroupFileEvent {
    }

    /** A member refused to serve this file to us ({@code not-allowed}: we are not a current member as it sees the group). */
    record Refused(GroupMessageId file, GroupId group, PeerId holder, String reason) implements GroupFileEvent {
    }

    /**
     * The download ended without a file: {@code sha256-mismatch} (every piece matched the tree but the whole
     * file did not match the offer's SHA-256: a bad offer) or {@code io-error} (whole and verified, but it could
     * not be saved: the download folder is gone or full). The part file is deleted either way.
     */
    record Failed(GroupMessageId file, GroupId group, String reason) implements GroupFileEvent {
    }
}
