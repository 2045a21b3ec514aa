package dev.parley.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The client half of RFC 6455 framing, just enough for a load generator: masked frames out, unmasked
 * (or masked, tolerated) frames in, with fragmentation and interleaved control frames. No extensions.
 * Stateless helpers plus {@link Reader}, one per connection, which is fed raw bytes and calls back per
 * complete message or control frame.
 */
public final class WsFrames {
    public static final int OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {}

    /** Header length of a client (masked) frame carrying {@code len} payload bytes, mask key included. */
    public static int maskedHeaderLength(int len) {
        return (len < 126 ? 2 : len <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * Writes a FIN frame header for a masked payload of {@code len} bytes into {@code out} at {@code pos}
     * and returns where the payload starts. The payload must then be copied there and {@link #mask}ed.
     */
    public static int writeMaskedHeader(byte[] out, int pos, int opcode, int len, int maskKey) {
        out[pos++] = (byte) (0x80 | opcode);
        if (len < 126) {
            out[pos++] = (byte) (0x80 | len);
        } else if (len <= 0xFFFF) {
            out[pos++] = (byte) (0x80 | 126);
            out[pos++] = (byte) (len >>> 8);
            out[pos++] = (byte) len;
        } else {
            out[pos++] = (byte) (0x80 | 127);
            for (int s = 56; s >= 0; s -= 8) out[pos++] = (byte) ((long) len >>> s);
        }
        out[pos++] = (byte) (maskKey >>> 24);
        out[pos++] = (byte) (maskKey >>> 16);
        out[pos++] = (byte) (maskKey >>> 8);
        out[pos++] = (byte) maskKey;
        return pos;
    }

    /** XORs {@code b[off, off+len)} with the 4-byte big-endian mask key (RFC 6455 §5.3); self-inverse. */
    public static void mask(byte[] b, int off, int len, int maskKey) {
        byte m0 = (byte) (maskKey >>> 24), m1 = (byte) (maskKey >>> 16), m2 = (byte) (maskKey >>> 8), m3 = (byte) maskKey;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            b[off + i] ^= m0;
            b[off + i + 1] ^= m1;
            b[off + i + 2] ^= m2;
            b[off + i + 3] ^= m3;
        }
        for (; i < len; i++) {
            int k = i & 3;
            b[off + i] ^= k == 0 ? m0 : k == 1 ? m1 : k == 2 ? m2 : m3;
        }
    }

    /** A complete masked frame around {@code payload}. */
    public static byte[] masked(int opcode, byte[] payload, int maskKey) {
        byte[] out = new byte[maskedHeaderLength(payload.length) + payload.length];
        int p = writeMaskedHeader(out, 0, opcode, payload.length, maskKey);
        System.arraycopy(payload, 0, out, p, payload.length);
        mask(out, p, payload.length, maskKey);
        return out;
    }

    public static byte[] maskedText(String text, int maskKey) {
        return masked(OP_TEXT, text.getBytes(StandardCharsets.UTF_8), maskKey);
    }

    /** A close frame with a status code (and no reason). */
    public static byte[] maskedClose(int code, int maskKey) {
        return masked(OP_CLOSE, new byte[]{(byte) (code >>> 8), (byte) code}, maskKey);
    }

    /** The Sec-WebSocket-Accept value a server must answer for {@code key}. */
    public static String acceptFor(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Callbacks from {@link Reader}. Payload slices are only valid during the call. */
    public interface Sink {
        /** A complete text or binary message (fragments already joined). */
        void message(int opcode, byte[] buf, int off, int len);

        void ping(byte[] buf, int off, int len);

        void pong(byte[] buf, int off, int len);

        /** code is 1005 when the close frame had no status. */
        void close(int code, String reason);

        /** The peer broke the framing rules; the connection should be dropped. */
        void protocolError(String why);
    }

    /**
     * Incremental frame parser. {@link #feed} consumes as many whole frames as {@code buf} holds and
     * returns how many bytes it used; the caller keeps the rest and feeds it again with more bytes.
     * Fragmented messages are joined in a buffer that exists only while a message is in pieces.
     */
    public static final class Reader {
        private final int maxMessage;
        private byte[] frag;        // joined fragments of the message in progress, null when none
        private int fragLen;
        private int fragOpcode;

        public Reader(int maxMessage) {
            this.maxMessage = maxMessage;
        }

        public int feed(byte[] buf, int off, int len, Sink sink) {
            int start = off, end = off + len;
            while (end - off >= 2) {
                int b0 = buf[off] & 0xFF, b1 = buf[off + 1] & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0F;
                if ((b0 & 0x70) != 0) {
                    sink.protocolError("RSV bits set without an extension");
                    return end - start;
                }
                boolean masked = (b1 & 0x80) != 0;
                long plen = b1 & 0x7F;
                int p = off + 2;
                if (plen == 126) {
                    if (end - p < 2) break;
                    plen = ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF);
                    p += 2;
                } else if (plen == 127) {
                    if (end - p < 8) break;
                    plen = 0;
                    for (int i = 0; i < 8; i++) plen = (plen << 8) | (buf[p + i] & 0xFF);
                    p += 8;
                }
                if (plen > maxMessage || plen < 0) {
                    sink.protocolError("frame of " + plen + " bytes over the " + maxMessage + " limit");
                    return end - start;
                }
                int maskKey = 0;
                if (masked) {
                    if (end - p < 4) break;
                    maskKey = ((buf[p] & 0xFF) << 24) | ((buf[p + 1] & 0xFF) << 16) | ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
                    p += 4;
                }
                if (end - p < plen) break;
                int n = (int) plen;
                if (masked) mask(buf, p, n, maskKey);
                off = p + n;
                if (opcode >= 0x8) {
                    if (!fin || n > 125) {
                        sink.protocolError("fragmented or oversized control frame");
                        return end - start;
                    }
                    switch (opcode) {
                        case OP_PING -> sink.ping(buf, p, n);
                        case OP_PONG -> sink.pong(buf, p, n);
                        case OP_CLOSE -> {
                            int code = n >= 2 ? ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF) : 1005;
                            String reason = n > 2 ? new String(buf, p + 2, n - 2, StandardCharsets.UTF_8) : "";
                            sink.close(code, reason);
                        }
                        default -> {
                            sink.protocolError("unknown control opcode " + opcode);
                            return end - start;
                        }
                    }
                } else if (opcode == OP_CONT) {
                    if (frag == null) {
                        sink.protocolError("continuation without a first fragment");
                        return end - start;
                    }
                    if (fragLen + n > maxMessage) {
                        sink.protocolError("fragmented message over the " + maxMessage + " limit");
                        return end - start;
                    }
                    if (fragLen + n > frag.length) frag = Arrays.copyOf(frag, Math.max(fragLen + n, frag.length * 2));
                    System.arraycopy(buf, p, frag, fragLen, n);
                    fragLen += n;
                    if (fin) {
                        byte[] m = frag;
                        frag = null;
                        sink.message(fragOpcode, m, 0, fragLen);
                    }
                } else if (opcode == OP_TEXT || opcode == OP_BINARY) {
                    if (frag != null) {
                        sink.protocolError("new message while a fragmented one is unfinished");
                        return end - start;
                    }
                    if (fin) {
                        sink.message(opcode, buf, p, n);
                    } else {
                        frag = Arrays.copyOfRange(buf, p, p + Math.max(n, 256));
                        fragLen = n;
                        fragOpcode = opcode;
                    }
                } else {
                    sink.protocolError("unknown opcode " + opcode);
                    return end - start;
                }
            }
            return off - start;
        }
    }
}
