package dev.parley.cli;

import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.GroupPost;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.ToneAnalysis;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.PeerId;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code parley demo}: an embedded signaling server and two local users with their own profiles, who
 * exchange contacts, verify each other, connect directly and chat, send a file and talk; then a third
 * user, Carol, and a group of the three — with a readable transcript and the measured figures. Everything stays on this machine.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a local signaling server and two peers that verify each other, chat, send a file and talk, then a group of three, end to end.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the demo profiles (printed at the end) instead of deleting them.")
    boolean keep;

    @Option(names = "--web", description = "At the end, keep Alice's web interface serving and print its login link (open it in a browser); Ctrl-C stops.")
    boolean web;

    private final PrintStream out = System.out;
    private long t0;

    @Override
    public Integer call() throws Exception {
        t0 = System.nanoTime();
        Path root = Files.createTempDirectory("parley-demo-");
        out.println("Parley demo: a signaling server and two users, Alice and Bob, all on this machine.");
        out.println();
        SignalingServer server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        int port = server.start().wsPort();
        URI uri = URI.create("ws://127.0.0.1:" + port);
        say("server", "signaling server listening on " + uri + " (it relays signed offers; it never sees messages)");
        Events ea = new Events("alice"), eb = new Events("bob"), ec = new Events("carol");
        ParleyClient alice = null, bob = null, carol = null;
        try {
            ParleyConfig aliceProfile = ParleyConfig.builder(root.resolve("alice")).server(uri).build();
            alice = ParleyClient.open(aliceProfile, ea);
            bob = ParleyClient.open(ParleyConfig.builder(root.resolve("bob")).server(uri).build(), eb);
            say("alice", "created her Ed25519 identity; peer id " + alice.peerId());
            say("bob", "created his Ed25519 identity;  peer id " + bob.peerId());

            alice.addContact(bob.contactString("Bob").toString(), null);
            bob.addContact(alice.contactString("Alice").toString(), null);
            say("both", "exchanged contact strings (they carry the identity keys, which are now pinned)");
            String sa = alice.safetyNumber(bob.peerId()).orElseThrow(), sb = bob.safetyNumber(alice.peerId()).orElseThrow();
            say("both", "compare safety numbers out of band: " + group(sa) + (sa.equals(sb) ? "  (identical on both sides)" : "  MISMATCH"));
            if (!sa.equals(sb)) return fail("safety numbers differ");
            alice.markVerified(bob.peerId(), sb);
            bob.markVerified(alice.peerId(), sa);
            say("both", "marked each other verified");

            alice.start();
            bob.start();
            ea.await("online", 15);
            eb.await("online", 15);
            say("both", "logged in to the server by signing its challenge (challenge-response, no passwords)");

            long dial = System.nanoTime();
            ChatMessage hello = alice.send(bob.peerId(), "Hi Bob! This goes straight to you, end-to-end encrypted.");
            say("alice", "→ \"" + hello.text() + "\" (stored in her outbox first)");
            ChatMessage got = eb.awaitMessage(hello.id(), 30);
            double connectMs = (System.nanoTime() - dial) / 1e6;
            say("bob", "← \"" + got.text() + "\"");
            ea.awaitState(hello.id(), MessageState.DELIVERED, 10);
            say("alice", "✓ delivered (Bob stored it, then acknowledged)");
            say("both", String.format("direct WebRTC session up: offer and answer signed and verified, DTLS keys bound to identities (%.0f ms from send to delivery)", connectMs));

            bob.setTyping(alice.peerId(), true);
            ea.await("typing", 10);
            say("alice", "sees \"Bob is typing…\"");
            ChatMessage reply = bob.send(alice.peerId(), "Hi Alice! Nothing we say passes through the server.");
            say("bob", "→ \"" + reply.text() + "\"");
            say("alice", "← \"" + ea.awaitMessage(reply.id(), 10).text() + "\"");
            bob.markRead(alice.peerId());
            ea.awaitState(hello.id(), MessageState.READ, 10);
            say("alice", "✓✓ read by Bob");

            int n = 200;
            long burst = System.nanoTime();
            ChatMessage last = null;
            for (int i = 1; i <= n; i++) last = alice.send(bob.peerId(), "burst message " + i);
            ea.awaitState(last.id(), MessageState.DELIVERED, 30);
            double burstS = (System.nanoTime() - burst) / 1e9;
            long rttStart = System.nanoTime();
            ChatMessage ping = alice.send(bob.peerId(), "ping");
            ea.awaitState(ping.id(), MessageState.DELIVERED, 10);
            double rttMs = (System.nanoTime() - rttStart) / 1e6;
            say("alice", n + " more messages delivered and acknowledged, in order");

            // A file, inside the conversation: offered, accepted, streamed, verified.
            Path file = root.resolve("holiday-video.bin");
            writeRandom(file, FILE_BYTES);
            String sourceHash = sha256(file);
            long fileStart = System.nanoTime();
            TransferId tid = alice.sendFile(bob.peerId(), file).get(30, TimeUnit.SECONDS);
            TransferOffer offer = eb.awaitOffer(tid, 30);
            say("bob", String.format("offered \"%s\" (%.0f MiB, %s, sha256 %s…) — accepts", offer.name(),
                    offer.size() / 1048576.0, offer.mediaType(), offer.sha256Hex().substring(0, 12)));
            bob.acceptFile(tid);
            Path received = eb.awaitFile(tid, 60);
            double fileS = (System.nanoTime() - fileStart) / 1e9;
            String receivedHash = sha256(received);
            if (!receivedHash.equals(sourceHash)) return fail("the received file's SHA-256 differs from the original");
            say("bob", "received " + received.getFileName() + ": SHA-256 verified (" + receivedHash.substring(0, 12) + "…, same as Alice's)");

            // A short voice call: Alice's "microphone" is a 1 kHz test tone, Bob records what he hears.
            Path heard = root.resolve("bob-heard.wav");
            CallId cid = alice.call(bob.peerId(), CallMedia.tone(1000, null)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            say("alice", "calls Bob");
            eb.await("ringing", 15);
            say("bob", "phone rings: Alice (identity verified) — answers");
            bob.answerCall(cid, CallMedia.devices().record(heard));
            ea.await("answered", 15);
            say("both", "in call: Opus audio over the same verified session");
            CallStats stats = ea.awaitStats(4);
            alice.hangUp(cid);
            CallRecord ended = ea.awaitEnded(15);
            eb.awaitEnded(15);
            double tone = toneFraction(heard, 1000);
            say("alice", String.format("hangs up after %.1f s; Bob's recording has the tone in %.0f %% of it", ended.duration().toMillis() / 1000.0, tone * 100));

            // A group: Alice founds it and invites Bob and Carol; Carol is Alice's contact, not Bob's.
            Path carolDir = root.resolve("carol");
            carol = ParleyClient.open(ParleyConfig.builder(carolDir).server(uri).build(), ec);
            alice.addContact(carol.contactString("Carol").toString(), null);
            carol.addContact(alice.contactString("Alice").toString(), null);
            carol.start();
            ec.await("online", 15);
            say("carol", "joins: Alice's contact (not Bob's); peer id " + carol.peerId());
            long groupStart = System.nanoTime();
            GroupInfo g = alice.createGroup("Weekend");
            alice.invite(g.id(), List.of(bob.peerId(), carol.peerId()));
            say("alice", "founds the group \"" + g.name() + "\" and invites Bob and Carol (the roster is signed by her)");
            for (ParleyClient member : List.of(bob, carol)) {
                Events e = member == bob ? eb : ec;
                e.awaitInvite(g.id(), 15);
                member.acceptGroup(g.id());
            }
            say("group", "Bob and Carol accept (not each other's contacts: a session between them is verified against the keys in Alice's roster)");
            // Each answers what it has seen, so the replies come after the question everywhere.
            GroupPost p1 = alice.sendToGroup(g.id(), "Hiking on Saturday?");
            say("alice", "→ group: \"" + p1.text() + "\"");
            eb.awaitGroupPosts(g.id(), 1, 20);
            GroupPost p2 = bob.sendToGroup(g.id(), "I'm in!");
            say("bob", "→ group: \"" + p2.text() + "\" (after seeing Alice's)");
            ec.awaitGroupPosts(g.id(), 2, 20);
            GroupPost p3 = carol.sendToGroup(g.id(), "Me too, I'll bring lunch.");
            say("carol", "→ group: \"" + p3.text() + "\" (after seeing both)");
            for (Events e : List.of(ea, eb, ec)) e.awaitGroupPosts(g.id(), 3, 20);
            double groupMs = (System.nanoTime() - groupStart) / 1e6;
            List<String> order = texts(alice.groupHistory(g.id(), null, 100));
            boolean same = order.equals(texts(bob.groupHistory(g.id(), null, 100))) && order.equals(texts(carol.groupHistory(g.id(), null, 100)));
            if (!same || !order.equals(List.of(p1.text(), p2.text(), p3.text()))) {
                return fail("the group's members do not show the same messages in the same (causal) order: " + order);
            }
            say("group", "all three show the same 3 messages in the same order (Lamport clock, then author): " + String.join(" | ", order));
            List<String> roster = alice.members(g.id()).stream().map(m -> m.peer().shortForm() + (m.admin() ? " (admin)" : "")).toList();
            say("group", "members: " + String.join(", ", roster));

            // A group call among all three, each "microphone" a tone of its own. Bob and Carol are not each
            // other's contacts; Alice and Bob's session already carried their 1:1 call above, so it is that
            // session's second call (docs/calls.md § Later calls on one session).
            long gcStart = System.nanoTime();
            Map<String, Double> heardFractions = GroupCallDemo.run(root, g.id(), List.of(alice, bob, carol), List.of(ea, eb, ec),
                    List.of(600, 900, 1200), (who, what) -> say(who, what));
            double gcS = (System.nanoTime() - gcStart) / 1e9;
            if (heardFractions.values().stream().anyMatch(f -> f < 0.5)) {
                return fail("a member of the group call did not hear another one: " + heardFractions);
            }

            // A file shared into the group: Carol fetches it from Alice, then Bob from both of them at once.
            double swarmS = GroupFileDemo.run(root, g.id(), List.of(alice, carol, bob), List.of("alice", "carol", "bob"),
                    (who, what) -> say(who, what));

            out.println();
            out.println("Figures (this machine, this run, a cold JVM; warmed-up medians are in docs/benchmarks.md):");
            out.printf("  first message, including dialing the direct session: %8.1f ms%n", connectMs);
            out.printf("  message round trip (stored, sent, stored, acked):    %8.1f ms%n", rttMs);
            out.printf("  %d messages stored, sent and acknowledged:          %8.0f messages/s%n", n, n / burstS);
            out.printf("  file of %d MiB offered, accepted, sent and verified: %8.1f MiB/s%n", FILE_BYTES >> 20, (FILE_BYTES / 1048576.0) / fileS);
            out.printf("  call: RTT %s ms, jitter %s ms, loss %.1f %%, %s, %d kbit/s%n", millis(stats.roundTripTime()),
                    millis(stats.jitter()), stats.lossFraction() * 100, stats.codec(), stats.recvBitrateBps() / 1000);
            out.printf("  group of 3 formed, 3 posts shown by every member:    %8.1f ms%n", groupMs);
            out.printf("  group call (start, join, 3 s of audio, leave):       %8.1f s%n", gcS);
            out.printf("  group file of %d MiB from 2 holders (one capped):     %8.1f s%n", GroupFileDemo.BYTES >> 20, swarmS);
            out.printf("  history: alice %d, bob %d messages; call %s, %.1f s%n", alice.history(bob.peerId(), null, 1000).items().size(),
                    bob.history(alice.peerId(), null, 1000).items().size(), ended.reason().name().toLowerCase(), ended.duration().toMillis() / 1000.0);

            // The web interface: Alice's profile served as 'parley web' serves it, visited through a login link.
            out.println();
            alice.close();
            alice = null;
            try (DemoWeb page = DemoWeb.serve(aliceProfile)) {
                DemoWeb.Visit v = page.visit();
                say("alice", "opens her web interface ('parley web'): the one-time login link gives a session cookie; the page ("
                        + v.pageBytes() + " bytes, nothing from outside this machine) lists " + String.join(", ", v.contacts())
                        + " and the group " + String.join(", ", v.groups()));
                if (!v.contacts().containsAll(List.of("Bob", "Carol")) || !v.groups().contains(g.name())) {
                    return fail("the web interface's API did not list Bob, Carol and the group: " + v);
                }
                if (web) {
                    page.start();
                    out.println();
                    out.println("Alice's web interface (one-time link; Bob and Carol are offline now): " + page.loginLink());
                    out.println("Serving until Ctrl-C.");
                    out.flush();
                    new java.util.concurrent.CountDownLatch(1).await();
                }
            }
            out.println();
            out.println("Demo finished: verified identities, a direct session, chat with receipts, a verified file, a voice call, a group,"
                    + " a group call, a group file from two holders and the web interface.");
            return 0;
        } catch (TimeoutException e) {
            return fail(e.getMessage());
        } finally {
            if (alice != null) alice.close();
            if (bob != null) bob.close();
            if (carol != null) carol.close();
            server.close();
            if (keep) out.println("profiles kept in " + root);
            else deleteTree(root);
        }
    }

    static final long FILE_BYTES = 32L << 20;

    static List<String> texts(List<GroupPost> posts) {
        return posts.stream().map(GroupPost::text).toList();
    }

    static String millis(java.time.Duration d) {
        return d == null ? "?" : String.format("%.1f", d.toNanos() / 1e6);
    }

    static void writeRandom(Path file, long bytes) throws IOException {
        java.util.Random r = new java.util.Random(42);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    static String sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** Quieter than -70 dBFS is silence, whatever its spectrum. */
    static final ToneAnalysis.Threshold HEARD = new ToneAnalysis.Threshold(Math.pow(10, -70 / 20.0), 0.5);

    /**
     * Fraction of 20 ms windows, from the first to the last one with the tone, in which {@code hz} is
     * heard (the recorder may keep writing silence after the hang-up).
     */
    static double toneFraction(Path wav, double hz) throws IOException {
        return ToneAnalysis.read(wav, HEARD).coverage(hz).fraction();
    }

    private int fail(String why) {
        System.err.println("parley demo failed: " + why);
        return 1;
    }

    private void say(String who, String what) {
        out.printf("[%6.2f s] %-6s %s%n", (System.nanoTime() - t0) / 1e9, who, what);
    }

    static String group(String digits) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 5) b.append(i == 0 ? "" : " ").append(digits, i, Math.min(digits.length(), i + 5));
        return b.toString();
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir: best effort
        }
    }

    static final class TimeoutException extends Exception {
        TimeoutException(String m) {
            super(m);
        }
    }

    /** Collects one user's events for the demo script to wait on. */
    static final class Events implements ParleyListener {
        final String who;
        final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        final Map<MessageId, ChatMessage> messages = new ConcurrentHashMap<>();
        final Map<MessageId, MessageState> states = new ConcurrentHashMap<>();

        Events(String who) {
            this.who = who;
        }

        @Override
        public void onGroupCallParticipantJoined(GroupId group, CallId call, PeerId participant) {
            signals.add("group-call-joined");
        }

        @Override
        public void onGroupCallEnded(GroupId group, CallId call) {
            signals.add("group-call-ended");
        }

        @Override
        public void onServerState(ServerStatus status) {
            if (status.online()) signals.add("online");
        }

        @Override
        public void onTyping(PeerId peer, boolean typing) {
            if (typing) signals.add("typing");
        }

        @Override
        public void onMessage(ChatMessage m) {
            if (m.direction() == Direction.INCOMING) messages.put(m.id(), m);
            synchronized (this) {
                notifyAll();
            }
        }

        @Override
        public void onMessageState(MessageId id, PeerId peer, MessageState state) {
            states.merge(id, state, (a, b) -> a.rank() >= b.rank() ? a : b);
            synchronized (this) {
                notifyAll();
            }
        }

        final Map<TransferId, TransferOffer> offers = new ConcurrentHashMap<>();
        final Map<TransferId, Path> files = new ConcurrentHashMap<>();
        volatile CallStats stats;
        volatile CallRecord ended;

        @Override
        public synchronized void onFileOffered(TransferOffer offer) {
            offers.put(offer.id(), offer);
            notifyAll();
        }

        @Override
        public synchronized void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
            files.put(id, file);
            notifyAll();
        }

        @Override
        public void onFileFailed(TransferId id, Direction direction, String reason) {
            System.err.println("[" + who + "] transfer failed: " + reason);
        }

        @Override
        public void onCallRinging(CallId id, PeerId peer) {
            signals.add("ringing");
        }

        @Override
        public void onCallAnswered(CallId id, PeerId peer) {
            signals.add("answered");
        }

        @Override
        public synchronized void onCallStats(CallStats s) {
            stats = s;
            notifyAll();
        }

        @Override
        public synchronized void onCallEnded(CallRecord r) {
            ended = r;
            notifyAll();
        }

        final Map<GroupId, Integer> invites = new ConcurrentHashMap<>();
        final Map<GroupId, Integer> groupPosts = new ConcurrentHashMap<>();
        final Map<GroupId, dev.parley.client.GroupCallRecord> groupCalls = new ConcurrentHashMap<>();

        @Override
        public synchronized void onGroupCallRecorded(dev.parley.client.GroupCallRecord record) {
            groupCalls.put(record.group(), record);
            notifyAll();
        }

        /** Waits until a call of the group is in this member's history, and returns the entry. */
        synchronized dev.parley.client.GroupCallRecord awaitGroupCallRecord(GroupId group, int seconds) throws InterruptedException, TimeoutException {
            return awaitValue(() -> groupCalls.get(group), seconds, "no group-call history entry");
        }

        @Override
        public synchronized void onGroupInvited(GroupId group, String name, PeerId from) {
            invites.merge(group, 1, Integer::sum);
            notifyAll();
        }

        @Override
        public synchronized void onGroupMessage(GroupPost post) {
            groupPosts.merge(post.group(), 1, Integer::sum);
            notifyAll();
        }

        synchronized void awaitInvite(GroupId group, int seconds) throws InterruptedException, TimeoutException {
            awaitValue(() -> invites.get(group), seconds, "no invitation to the group");
        }

        /** Waits until {@code n} posts of the group are shown (own ones included). */
        synchronized void awaitGroupPosts(GroupId group, int n, int seconds) throws InterruptedException, TimeoutException {
            awaitValue(() -> groupPosts.getOrDefault(group, 0) >= n ? Boolean.TRUE : null, seconds,
                    n + " group messages not shown");
        }

        synchronized TransferOffer awaitOffer(TransferId id, int seconds) throws InterruptedException, TimeoutException {
            return awaitValue(() -> offers.get(id), seconds, "no file offer");
        }

        synchronized Path awaitFile(TransferId id, int seconds) throws InterruptedException, TimeoutException {
            return awaitValue(() -> files.get(id), seconds, "the file did not arrive");
        }

        /** Waits until the call has run for {@code seconds} and returns its latest statistics (which come about once a second). */
        synchronized CallStats awaitStats(int seconds) throws InterruptedException, TimeoutException {
            long until = System.currentTimeMillis() + seconds * 1000L;
            for (long left; (left = until - System.currentTimeMillis()) > 0; ) wait(left);
            return awaitValue(() -> stats, 10, "no call statistics");
        }

        synchronized CallRecord awaitEnded(int seconds) throws InterruptedException, TimeoutException {
            return awaitValue(() -> ended, seconds, "the call did not end");
        }

        private <T> T awaitValue(java.util.function.Supplier<T> value, int seconds, String what)
                throws InterruptedException, TimeoutException {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            T v;
            while ((v = value.get()) == null) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) throw new TimeoutException(who + ": " + what + " within " + seconds + " s");
                wait(left);
            }
            return v;
        }

        @Override
        public void onSecurityWarning(PeerId peer, String reason) {
            System.err.println("[" + who + "] SECURITY WARNING about " + peer.shortForm() + ": " + reason);
        }

        void await(String signal, int seconds) throws InterruptedException, TimeoutException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String s = signals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (signal.equals(s)) return;
                if (System.nanoTime() >= deadline) throw new TimeoutException(who + " did not get '" + signal + "' within " + seconds + " s");
            }
        }

        synchronized ChatMessage awaitMessage(MessageId id, int seconds) throws InterruptedException, TimeoutException {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (!messages.containsKey(id)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) throw new TimeoutException(who + " did not receive message " + id + " within " + seconds + " s");
                wait(left);
            }
            return messages.get(id);
        }

        synchronized void awaitState(MessageId id, MessageState state, int seconds) throws InterruptedException, TimeoutException {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (states.getOrDefault(id, MessageState.PENDING).rank() < state.rank()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) throw new TimeoutException(who + ": message " + id + " not " + state + " within " + seconds + " s");
                wait(left);
            }
        }
    }
}
