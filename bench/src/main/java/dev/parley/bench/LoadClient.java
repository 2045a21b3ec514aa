package dev.parley.bench;

import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Welcome;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many WebSocket connections on one selector thread: connect, HTTP upgrade, answer the challenge,
 * then read relayed messages and hand their ids to the current {@link PhaseRecorder}. No thread per
 * connection and no per-connection read buffer: everything is read into one shared array, and only
 * a partial frame is kept per connection until the rest arrives.
 */
final class LoadClient implements AutoCloseable {
    /** Where to connect and what to sign: {@code authority} is the host[:port] written in Host and in AuthPayload. */
    record Target(InetSocketAddress server, String path, String authority) {}

    /** Per-connection relay templates, built once the pairs are known. */
    record Templates(Wire.Template offer, Wire.Template candidate) {}

    private final Target target;
    private final List<InetAddress> sources;
    private final int maxMessage;
    private final Selector selector;
    private final Thread ioThread;
    private volatile boolean running = true;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private byte[] readBuf = new byte[256 * 1024];
    private ByteBuffer readBB = ByteBuffer.wrap(readBuf);

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger ready = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger droppedAfterReady = new AtomicInteger();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    final AtomicLong pongs = new AtomicLong();
    final AtomicLong serverPings = new AtomicLong();
    final LongAdder handshakeNanos = new LongAdder();
    volatile Welcome firstWelcome;
    volatile PhaseRecorder recorder;
    /** Relayed messages that arrived while no phase was recording (late stragglers). */
    final AtomicLong unrecorded = new AtomicLong();

    LoadClient(Target target, List<InetAddress> sources, int maxMessage) throws IOException {
        this.target = target;
        this.sources = sources;
        this.maxMessage = maxMessage;
        this.selector = Selector.open();
        this.ioThread = new Thread(this::loop, "bench-io");
        this.ioThread.setDaemon(true);
        this.ioThread.start();
    }

    /** Starts connecting {@code c}; progress shows in {@link #ready}/{@link #failed}. */
    void open(Conn c) {
        inFlight.incrementAndGet();
        submit(() -> doOpen(c));
    }

    /** Relay sends go straight to the socket from the caller's thread; this is only for leftovers. */
    void send(Conn c, byte[] b, int off, int len) {
        try {
            if (c.send(b, off, len)) submit(() -> wantWrite(c));
        } catch (IOException e) {
            submit(() -> fail(c, "write: " + e.getMessage()));
        }
    }

    private void submit(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    private void loop() {
        while (running) {
            try {
                selector.select(200);
                Runnable r;
                while ((r = tasks.poll()) != null) r.run();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    try {
                        if (!k.isValid()) continue;
                        if (k.isConnectable()) onConnect(c);
                        else {
                            if (k.isWritable()) onWritable(c);
                            if (k.isValid() && k.isReadable()) onReadable(c);
                        }
                    } catch (CancelledKeyException e) {
                        // closed meanwhile
                    } catch (IOException e) {
                        fail(c, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            } catch (Throwable t) {
                if (running) {
                    System.err.println("bench-io: " + t);
                    t.printStackTrace();
                }
            }
        }
    }

    private void doOpen(Conn c) {
        try {
            c.ch = SocketChannel.open();
            c.ch.configureBlocking(false);
            c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!sources.isEmpty()) c.ch.bind(new InetSocketAddress(sources.get(c.index % sources.size()), 0));
            c.state = Conn.State.CONNECTING;
            c.connectStartNanos = System.nanoTime();
            if (c.ch.connect(target.server())) {
                c.selKey = c.ch.register(selector, 0, c);
                onConnect(c);
            } else {
                c.selKey = c.ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            fail(c, "connect: " + e.getMessage());
        }
    }

    private void onConnect(Conn c) throws IOException {
        if (!c.ch.finishConnect()) return;
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        c.wsKey = Base64.getEncoder().encodeToString(k);
        String req = "GET " + target.path() + " HTTP/1.1\r\nHost: " + target.authority()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + c.wsKey
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        c.state = Conn.State.UPGRADING;
        c.selKey.interestOps(SelectionKey.OP_READ);
        byte[] b = req.getBytes(StandardCharsets.US_ASCII);
        if (c.send(b, 0, b.length)) wantWrite(c);
    }

    private void wantWrite(Conn c) {
        if (c.selKey != null && c.selKey.isValid()) c.selKey.interestOps(c.selKey.interestOps() | SelectionKey.OP_WRITE);
    }

    private void onWritable(Conn c) throws IOException {
        if (c.flush()) c.selKey.interestOps(c.selKey.interestOps() & ~SelectionKey.OP_WRITE);
    }

    private void onReadable(Conn c) throws IOException {
        while (c.state != Conn.State.CLOSED) {
            int have = 0;
            if (c.leftover != null) {
                have = c.leftover.length;
                if (have + 16384 > readBuf.length) growReadBuf(have + 65536);
                System.arraycopy(c.leftover, 0, readBuf, 0, have);
                c.leftover = null;
            }
            readBB.clear().position(have);
            int n = c.ch.read(readBB);
            long now = System.nanoTime();
            if (n < 0) {
                fail(c, c.closeCode != 0 ? "closed " + c.closeCode + " " + c.closeReason : "EOF");
                return;
            }
            int end = have + n;
            int used = consume(c, readBuf, 0, end, now);
            if (c.state != Conn.State.CLOSED && used < end) c.leftover = Arrays.copyOfRange(readBuf, used, end);
            if (n == 0 || readBB.hasRemaining()) return;   // socket drained
        }
    }

    private void growReadBuf(int size) {
        readBuf = Arrays.copyOf(readBuf, size);
        readBB = ByteBuffer.wrap(readBuf);
    }

    private int consume(Conn c, byte[] b, int off, int end, long now) throws IOException {
        int start = off;
        if (c.state == Conn.State.UPGRADING) {
            int headEnd = Wire.indexOf(b, off, end, CRLFCRLF);
            if (headEnd < 0) {
                if (end - off > 16384) fail(c, "upgrade response too long");
                return off - start;
            }
            String head = new String(b, off, headEnd - off, StandardCharsets.ISO_8859_1);
            off = headEnd + 4;
            String expect = WsFrames.acceptFor(c.wsKey);
            if (!head.startsWith("HTTP/1.1 101")) {
                fail(c, "upgrade refused: " + head.lines().findFirst().orElse(""));
                return end - start;
            }
            if (!head.toLowerCase().contains("sec-websocket-accept: " + expect.toLowerCase())) {
                fail(c, "bad Sec-WebSocket-Accept");
                return end - start;
            }
            c.state = Conn.State.AUTHENTICATING;
        }
        sink.conn = c;
        sink.now = now;
        off += c.reader.feed(b, off, end - off, sink);
        return off - start;
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private final FrameSink sink = new FrameSink();

    private final class FrameSink implements WsFrames.Sink {
        Conn conn;
        long now;

        @Override
        public void message(int opcode, byte[] buf, int off, int len) {
            try {
                onMessage(conn, buf, off, len, now);
            } catch (IOException e) {
                fail(conn, "write: " + e.getMessage());
            }
        }

        @Override
        public void ping(byte[] buf, int off, int len) {
            serverPings.incrementAndGet();
            byte[] payload = Arrays.copyOfRange(buf, off, off + len);
            byte[] f = WsFrames.masked(WsFrames.OP_PONG, payload, ThreadLocalRandom.current().nextInt());
            send(conn, f, 0, f.length);
        }

        @Override
        public void pong(byte[] buf, int off, int len) {
        }

        @Override
        public void close(int code, String reason) {
            conn.closeCode = code;
            conn.closeReason = reason;
            byte[] f = WsFrames.maskedClose(code == 1005 ? 1000 : code, ThreadLocalRandom.current().nextInt());
            send(conn, f, 0, f.length);
            fail(conn, "closed " + code + " " + reason);
        }

        @Override
        public void protocolError(String why) {
            fail(conn, "framing: " + why);
        }
    }

    private void onMessage(Conn c, byte[] b, int off, int len, long now) throws IOException {
        int end = off + len;
        int[] type = Wire.stringField(b, off, end, Wire.K_TYPE);
        if (c.state == Conn.State.READY && type != null && isRelayed(b, type)) {
            PhaseRecorder r = recorder;
            int[] id = Wire.stringField(b, off, end, Wire.K_ID);
            long[] ids = id == null ? null : Wire.readId(b, id[0], id[1] - id[0]);
            boolean fromOk = c.partner != null && Wire.equalsAscii(b, Wire.stringField(b, off, end, Wire.K_FROM), c.partner.peerId.value());
            if (r == null || ids == null || !r.record(ids[0], now - PhaseRecorder.EPOCH - ids[1], len, fromOk)) {
                unrecorded.incrementAndGet();
            }
            return;
        }
        String typeName = type == null ? "?" : new String(b, type[0], type[1] - type[0], StandardCharsets.US_ASCII);
        received.computeIfAbsent(typeName, k -> new LongAdder()).increment();
        if (typeName.equals("pong")) {
            pongs.incrementAndGet();
            return;
        }
        ServerMessage m;
        try {
            m = Wire.CODEC.decodeServer(new String(b, off, len, StandardCharsets.UTF_8));
        } catch (Exception e) {
            fail(c, "unparseable " + typeName + ": " + e.getMessage());
            return;
        }
        if (m instanceof Challenge ch) {
            if (c.state != Conn.State.AUTHENTICATING) return;
            byte[] auth = Wire.auth(c.key, target.authority(), ch.nonce());
            byte[] f = WsFrames.masked(WsFrames.OP_TEXT, auth, ThreadLocalRandom.current().nextInt());
            if (c.send(f, 0, f.length)) wantWrite(c);
        } else if (m instanceof Welcome w) {
            if (c.state != Conn.State.AUTHENTICATING) return;
            if (!w.peerId().equals(c.peerId)) {
                fail(c, "welcome names another peer id");
                return;
            }
            if (firstWelcome == null) firstWelcome = w;
            c.state = Conn.State.READY;
            handshakeNanos.add(now - c.connectStartNanos);
            inFlight.decrementAndGet();
            ready.incrementAndGet();
        } else if (m instanceof ErrorMessage e) {
            PhaseRecorder r = recorder;
            if (r != null) r.error(e.code().wire());
            if (c.state != Conn.State.READY) c.closeReason = "error " + e.code().wire();
            if (r == null) failures.computeIfAbsent("error " + e.code().wire(), k -> new LongAdder()).increment();
        }
    }

    private static boolean isRelayed(byte[] b, int[] type) {
        return Wire.equalsAscii(b, type, "candidate") || Wire.equalsAscii(b, type, "offer") || Wire.equalsAscii(b, type, "answer");
    }

    private void fail(Conn c, String why) {
        if (c.state == Conn.State.CLOSED) return;
        Conn.State was = c.state;
        c.state = Conn.State.CLOSED;
        c.leftover = null;
        try {
            if (c.ch != null) c.ch.close();
        } catch (IOException ignored) {
        }
        String reason = (was == Conn.State.READY ? "dropped: " : "failed in " + was + ": ") + normalize(why);
        failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
        if (was == Conn.State.READY) {
            ready.decrementAndGet();
            droppedAfterReady.incrementAndGet();
        } else {
            inFlight.decrementAndGet();
            failed.incrementAndGet();
        }
    }

    /** Drops per-connection detail (ports, ids) so failures group by cause. */
    private static String normalize(String s) {
        if (s == null) return "?";
        return s.replaceAll("[0-9a-f]{16,}", "…").replaceAll(":\\d{4,5}\\b", ":PORT");
    }

    Map<String, Long> failureCounts() {
        Map<String, Long> m = new TreeMap<>();
        failures.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Closes every connection and stops the I/O thread. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            ioThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException ignored) {
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
        }
    }
}
