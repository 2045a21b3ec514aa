package dev.parley.cli;

import dev.parley.client.GroupCallRecord;
import dev.parley.client.PeerId;

import dev.parley.client.GroupPost;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A group call's history entry in words, the same in {@code parley group history} and the group chat. */
public final class GroupCallText {
    private GroupCallText() {}

    /** {@code "call, 3 min, with Bob, Carol"}, {@code "call, 42 s, with Bob"} or {@code "missed call"}. */
    public static String describe(GroupCallRecord r, Function<PeerId, String> names) {
        if (r.missed()) return "missed call";
        StringBuilder b = new StringBuilder("call, ").append(length(r.inCall()));
        if (!r.with().isEmpty()) b.append(", with ").append(r.with().stream().map(names).collect(Collectors.joining(", ")));
        else b.append(", nobody else came");
        return b.toString();
    }

    /** Whole minutes from one minute on (rounded), seconds below. */
    static String length(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : Math.round(d.toMillis() / 60_000.0) + " min";
    }

    /**
     * Posts (display order) with the calls placed among them by when each started: before the first
     * post sent after that. {@code calls} newest first, as the library returns them.
     */
    public static List<Object> merge(List<GroupPost> posts, List<GroupCallRecord> calls) {
        List<GroupCallRecord> oldestFirst = new ArrayList<>(calls);
        Collections.reverse(oldestFirst);
        List<Object> out = new ArrayList<>();
        int c = 0;
        for (GroupPost p : posts) {
            while (c < oldestFirst.size() && oldestFirst.get(c).startedAt().isBefore(p.sentAt())) out.add(oldestFirst.get(c++));
            out.add(p);
        }
        while (c < oldestFirst.size()) out.add(oldestFirst.get(c++));
        return out;
    }

    public static Json json(GroupCallRecord r) {
        return Json.object().put("kind", "call").put("callId", r.call().toString()).put("startedAt", r.startedAt().toString())
                .put("endedAt", r.endedAt().toString()).put("joined", r.joined()).put("missed", r.missed())
                .put("inCallMs", r.inCall().toMillis()).put("with", r.with().stream().map(PeerId::value).toList());
    }
}
