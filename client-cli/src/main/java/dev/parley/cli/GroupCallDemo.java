package dev.parley.cli;

import dev.parley.client.CallMedia;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyClient;
import dev.parley.client.ToneAnalysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The demo's group call: the first member starts it, the others join, each plays a tone of its own and
 * records what it hears (the mix); after three seconds of audio all leave and every recording is
 * checked for the other members' tones.
 */
final class GroupCallDemo {
    private static final long BYTES_PER_S = 48_000 * 2; // the recorder's 48 kHz mono 16-bit

    private GroupCallDemo() {}

    /** Returns, per "listener hears speaker", the fraction of the call in which the speaker's tone is heard. */
    static Map<String, Double> run(Path dir, GroupId group, List<ParleyClient> members, List<DemoCommand.Events> events,
                                   List<Integer> tonesHz, BiConsumer<String, String> say) throws Exception {
        List<Path> heard = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Path wav = dir.resolve(events.get(i).who + "-group-call.wav");
            heard.add(wav);
            CallMedia media = CallMedia.tone(tonesHz.get(i), null).record(wav);
            if (i == 0) members.get(i).startGroupCall(group, media);
            else members.get(i).joinGroupCall(group, media);
            for (DemoCommand.Events e : events) e.await("group-call-joined", 20); // every participant, each join
            say.accept(events.get(i).who, (i == 0 ? "starts a group call" : "joins the call") + ", playing a " + tonesHz.get(i) + " Hz tone");
        }
        say.accept("group", "in call: " + members.size() + " members, a full mesh of Opus streams over their verified pairwise sessions");
        // Judge the three seconds after the last join, when everyone is in the call (before it, the first
        // members heard fewer others).
        List<Long> from = new ArrayList<>();
        for (Path wav : heard) from.add(Files.exists(wav) ? Files.size(wav) : 44L);
        for (int i = 0; i < heard.size(); i++) awaitSize(heard.get(i), from.get(i) + 3 * BYTES_PER_S);
        for (int i = members.size() - 1; i >= 0; i--) members.get(i).leaveGroupCall(group);
        for (DemoCommand.Events e : events) e.await("group-call-ended", 20);

        Map<String, Double> fractions = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            StringBuilder line = new StringBuilder("hears");
            for (int j = 0; j < members.size(); j++) {
                if (i == j) continue;
                double f = fraction(heard.get(i), from.get(i), tonesHz.get(j));
                fractions.put(events.get(i).who + " hears " + events.get(j).who, f);
                line.append(String.format(" %s's %d Hz in %.0f %%;", events.get(j).who, tonesHz.get(j), f * 100));
            }
            line.setLength(line.length() - 1);
            say.accept(events.get(i).who, line + " (3 s with everyone in; its own tone is not played back to it)");
        }
        say.accept("group", "all left: the last one out ended the call");
        return fractions;
    }

    /** In a mix of the others' equal tones, each carries about 1/(n-1) of the energy: 0.3 of it counts as heard. */
    static final ToneAnalysis.Threshold IN_MIX = new ToneAnalysis.Threshold(Math.pow(10, -70 / 20.0), 0.3);

    /** The fraction of the 3 s after byte {@code fromByte} of the recording in which the tone is heard. */
    private static double fraction(Path wav, long fromByte, double hz) throws IOException {
        ToneAnalysis t = ToneAnalysis.read(wav, IN_MIX);
        int windowBytes = (int) (BYTES_PER_S * ToneAnalysis.WINDOW_MS / 1000);
        int first = (int) (Math.max(0, fromByte - 44) / windowBytes);
        return t.coverage(hz, first, 3_000 / ToneAnalysis.WINDOW_MS).fraction();
    }

    /** Waits (bounded) until the recording holds {@code bytes} of audio. */
    private static void awaitSize(Path wav, long bytes) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(wav) || Files.size(wav) < bytes) {
            if (System.nanoTime() > deadline) throw new TimeoutException(wav.getFileName() + " did not record 3 s of the group call within 30 s");
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
