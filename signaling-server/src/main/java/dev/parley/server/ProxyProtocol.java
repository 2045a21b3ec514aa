package dev.parley.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The PROXY protocol (HAProxy, v1 text and v2 binary) header a trusted load balancer puts before the
 * connection's first byte, naming the real client. Only installed for connections from a configured
 * trusted proxy. If the connection does not start with a PROXY header the bytes pass through unchanged
 * (the proxy may use X-Forwarded-For instead). Removes itself after the header; a malformed header
 * closes the socket.
 */
final class ProxyProtocol extends ByteToMessageDecoder {
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final int V1_MAX = 107;

    /** Called with the client's address (null: the header named none, e.g. LOCAL or UNKNOWN). */
    private final Consumer<InetAddress> client;
    private final Runnable malformed;

    ProxyProtocol(Consumer<InetAddress> client, Runnable malformed) {
        this.client = client;
        this.malformed = malformed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = in.readableBytes();
        if (startsWith(in, V2, n)) {
            if (n < 16) return;
            int len = in.getUnsignedShort(in.readerIndex() + 14);
            if (n < 16 + len) return;
            int verCmd = in.getUnsignedByte(in.readerIndex() + 12);
            int fam = in.getUnsignedByte(in.readerIndex() + 13);
            int base = in.readerIndex() + 16;
            InetAddress a = null;
            if ((verCmd >> 4) != 2) {
                fail(ctx);
                return;
            }
            if ((verCmd & 0x0f) == 1) { // PROXY; 0 is LOCAL (the proxy's own health check)
                int af = fam >> 4;
                byte[] src = af == 1 && len >= 12 ? new byte[4] : af == 2 && len >= 36 ? new byte[16] : null;
                if (src != null) {
                    in.getBytes(base, src);
                    a = address(src);
                }
            }
            in.skipBytes(16 + len);
            done(ctx, a);
        } else if (startsWith(in, V1, n)) {
            int eol = -1;
            for (int i = 0; i < Math.min(n, V1_MAX); i++) {
                if (in.getByte(in.readerIndex() + i) == '\n') {
                    eol = i;
                    break;
                }
            }
            if (eol < 0) {
                if (n >= V1_MAX) fail(ctx);
                return;
            }
            String line = in.toString(in.readerIndex(), eol + 1, StandardCharsets.US_ASCII);
            in.skipBytes(eol + 1);
            if (!line.endsWith("\r\n")) {
                fail(ctx);
                return;
            }
            String[] f = line.trim().split(" ");
            InetAddress a = null;
            if (f.length >= 2 && (f[1].equals("TCP4") || f[1].equals("TCP6")) && f.length == 6) {
                a = Cidr.literal(f[2]);
                if (a == null) {
                    fail(ctx);
                    return;
                }
            } else if (f.length < 2 || !f[1].equals("UNKNOWN")) {
                fail(ctx);
                return;
            }
            done(ctx, a);
        } else if (n >= V2.length || !prefixOfEither(in, n)) {
            ctx.pipeline().remove(this); // no PROXY header: pass everything through
        }
    }

    private void done(ChannelHandlerContext ctx, InetAddress a) {
        client.accept(a);
        ctx.pipeline().remove(this);
    }

    private void fail(ChannelHandlerContext ctx) {
        malformed.run();
        ctx.close();
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean startsWith(ByteBuf in, byte[] sig, int n) {
        if (n < sig.length) return false;
        for (int i = 0; i < sig.length; i++) if (in.getByte(in.readerIndex() + i) != sig[i]) return false;
        return true;
    }

    /** The bytes so far could still become one of the signatures. */
    private static boolean prefixOfEither(ByteBuf in, int n) {
        return prefix(in, V1, n) || prefix(in, V2, n);
    }

    private static boolean prefix(ByteBuf in, byte[] sig, int n) {
        for (int i = 0; i < Math.min(n, sig.length); i++) if (in.getByte(in.readerIndex() + i) != sig[i]) return false;
        return true;
    }
}
