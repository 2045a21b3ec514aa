package dev.parley.client.internal.groupcall;

import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.WavSource;
import dev.parley.client.internal.store.GroupCallStore;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Group calls as the app sees them (app ids, {@link CallMedia}): opens the call's audio files and
 * hands them to the {@link GroupCallEngine}, which closes them when this member leaves.
 */
public final class GroupCalls {
    private final GroupCallEngine engine;
    private final GroupCallHistory history;
    private final GroupCallStore store;

    public GroupCalls(GroupCallEngine engine, GroupCallHistory history, GroupCallStore store) {
        this.engine = engine;
        this.history = history;
        this.store = store;
    }

    /** The group's recorded calls, newest first (the caller has checked that the group exists). */
    public List<GroupCallRecord> history(GroupId group, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
        return store.list(group, limit);
    }

    /** After the engine closed (every call left): records the calls this member was in as far as they went. */
    public void close() {
        history.close();
    }

    public CallId start(GroupId group, CallMedia media) {
        return withMedia(media, m -> engine.startOrJoin(Ids.wire(group), m));
    }

    public CallId join(GroupId group, CallMedia media) {
        return withMedia(media, m -> engine.join(Ids.wire(group), m));
    }

    public void leave(GroupId group) {
        engine.leave(Ids.wire(group));
    }

    public void setMuted(GroupId group, boolean muted) {
        engine.setMuted(Ids.wire(group), muted);
    }

    public Optional<GroupCallInfo> info(GroupId group) {
        return engine.info(Ids.wire(group));
    }

    private static CallId withMedia(CallMedia media, java.util.function.Function<MeshAudio.Media, CallId> action) {
        MeshAudio.Media m = open(media);
        try {
            return action.apply(m);
        } catch (RuntimeException e) {
            closeQuietly(m);
            throw e;
        }
    }

    private static MeshAudio.Media open(CallMedia media) {
        PcmSource source = null;
        try {
            if (media.playFile() != null) source = new WavSource(media.playFile());
            else if (media.toneHz() > 0) source = new ToneSource(media.toneHz(), 0.5, media.toneDuration());
            WavRecorder recorder = media.recordFile() != null ? new WavRecorder(media.recordFile()) : null;
            return new MeshAudio.Media(source, recorder);
        } catch (IOException | RuntimeException e) {
            if (source != null) source.close();
            throw new IllegalArgumentException("cannot use the call's audio files: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(MeshAudio.Media m) {
        if (m.source() != null) m.source().close();
        if (m.recorder() != null) {
            try {
                m.recorder().close();
            } catch (IOException ignored) {
                // nothing recorded
            }
        }
    }
}
