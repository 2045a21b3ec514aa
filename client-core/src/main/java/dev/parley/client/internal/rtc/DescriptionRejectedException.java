package dev.parley.client.internal.rtc;

/** Thrown by a {@link DescriptionVerifier} to refuse a remote description. */
public class DescriptionRejectedException extends Exception {

    public DescriptionRejectedException(String message) {
        super(message);
    }

    public DescriptionRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
