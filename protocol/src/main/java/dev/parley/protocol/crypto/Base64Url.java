package dev.parley.protocol.crypto;

import java.util.Base64;

/** Unpadded base64url (RFC 4648 §5), the only binary-to-text form on Parley's wire. */
public final class Base64Url {
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] b) {
        return ENC.encodeToString(b);
    }

    /** Decodes and checks the length; throws IllegalArgumentException naming the field otherwise. */
    public static byte[] decode(String field, String s, int expectedLength) {
        byte[] b = decode(field, s);
        if (b.length != expectedLength) {
            throw new IllegalArgumentException(field + " must be " + expectedLength + " bytes, was " + b.length);
        }
        return b;
    }

    public static byte[] decode(String field, String s) {
        if (s == null) throw new IllegalArgumentException(field + " is missing");
        if (s.indexOf('=') >= 0 || s.indexOf('+') >= 0 || s.indexOf('/') >= 0) {
            throw new IllegalArgumentException(field + " must be unpadded base64url");
        }
        try {
            return DEC.decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not base64url");
        }
    }
}
