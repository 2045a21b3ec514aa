package dev.parley.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One connection of the thin path to the daemon: a TCP socket, or the API's UNIX socket in the profile.
 * Reads wait at most the {@link #timeout} (0: no limit) and then throw {@link SocketTimeoutException},
 * on both: a UNIX socket channel has no SO_TIMEOUT, so it is read non-blocking through a selector.
 */
abstract class ThinLink implements Closeable {
    abstract InputStream in() throws IOException;

    abstract OutputStream out() throws IOException;

    /** How long a read may wait, in milliseconds (0: no limit). */
    abstract void timeout(int ms) throws IOException;

    static ThinLink tcp(Socket s) {
        return new ThinLink() {
            @Override
            InputStream in() throws IOException {
                return s.getInputStream();
            }

            @Override
            OutputStream out() throws IOException {
                return s.getOutputStream();
            }

            @Override
            void timeout(int ms) throws IOException {
                s.setSoTimeout(ms);
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }

    static ThinLink unix(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.configureBlocking(false);
            return new Unix(ch, Selector.open());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static final class Unix extends ThinLink {
        private final SocketChannel ch;
        private final Selector selector;
        private final SelectionKey key;
        private volatile int timeoutMs;

        Unix(SocketChannel ch, Selector selector) throws IOException {
            this.ch = ch;
            this.selector = selector;
            this.key = ch.register(selector, 0);
        }

        /** Waits until {@code op} is ready, at most {@code ms} (0: no limit). */
        private void await(int op, int ms) throws IOException {
            key.interestOps(op);
            long deadline = System.nanoTime() + ms * 1_000_000L;
            while (true) {
                long left = ms == 0 ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                int n = selector.select(left);
                selector.selectedKeys().clear();
                if (n > 0) return;
                if (ms != 0 && System.nanoTime() - deadline >= 0) throw new SocketTimeoutException("the daemon did not answer within " + ms + " ms");
            }
        }

        @Override
        InputStream in() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return 0;
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (true) {
                        int n = ch.read(buf);
                        if (n != 0) return n;
                        await(SelectionKey.OP_READ, timeoutMs);
                    }
                }
            };
        }

        @Override
        OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        if (ch.write(buf) == 0) await(SelectionKey.OP_WRITE, 30_000);
                    }
                }
            };
        }

        @Override
        void timeout(int ms) {
            timeoutMs = ms;
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close();
            } finally {
                ch.close();
            }
        }
    }
}
