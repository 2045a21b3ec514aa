package dev.parley.client.internal.swarm;

import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupId;
import dev.parley.client.GroupMessageId;
import dev.parley.client.ParleySwarm;
import dev.parley.client.internal.Ids;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@link ParleySwarm} as {@code ParleyClient} offers it (app ids in, app records out) over the
 * {@link SwarmEngine}; the client delegates each method here, so the swarm's API lives in one place.
 */
public final class GroupFiles implements ParleySwarm {
    private final SwarmEngine engine;
    private final Predicate<GroupId> knownGroup;

    /** {@code knownGroup}: whether this member has the group (joined, or invited to it). */
    public GroupFiles(SwarmEngine engine, Predicate<GroupId> knownGroup) {
        this.engine = engine;
        this.knownGroup = knownGroup;
    }

    @Override
    public GroupFileOffer shareFileToGroup(GroupId group, Path path) throws IOException {
        return engine.share(Ids.wire(group), path);
    }

    @Override
    public void acceptGroupFile(GroupMessageId file) {
        engine.accept(Ids.wire(file));
    }

    @Override
    public void declineGroupFile(GroupMessageId file) {
        engine.decline(Ids.wire(file));
    }

    @Override
    public void autoAcceptGroupFiles(GroupId group, long maxBytes) {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be 0 or more (0: no auto-accept)");
        if (!knownGroup.test(group)) throw new IllegalArgumentException("no group " + group.shortForm());
        engine.autoAccept(Ids.wire(group), maxBytes);
    }

    @Override
    public List<GroupFileOffer> groupFiles() {
        return engine.files();
    }

    @Override
    public Optional<GroupFile> groupFile(GroupMessageId file) {
        return engine.file(Ids.wire(file));
    }

    @Override
    public void setGroupFileUploadLimit(long bytesPerSecond) {
        engine.setUploadLimit(bytesPerSecond);
    }

    @Override
    public void addGroupFileListener(Consumer<GroupFileEvent> listener) {
        engine.addListener(listener);
    }

    /** Piece bytes received for completed files, then thrown away and fetched again (diagnostics). */
    public long discardedBytes() {
        return engine.discardedBytes();
    }

    /** Swarm requests refused to non-members so far (diagnostics). */
    public long refusals() {
        return engine.refusals();
    }
}
