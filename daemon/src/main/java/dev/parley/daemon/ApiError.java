package dev.parley.daemon;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * An API error: HTTP status plus a machine-readable code, written as
 * {@code {"error":{"code":"…","message":"…"}}} (docs/api.md § Errors). {@link #of} maps the library's
 * exceptions: IllegalArgumentException → 400 {@code bad_request}, IllegalStateException → 409
 * {@code conflict}, a timeout → 504 {@code timeout}, anything else → 500 {@code internal}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    public static ApiError conflict(String message) {
        return new ApiError(409, "conflict", message);
    }

    /** The error an exception from a handler (or a library future) becomes. */
    public static ApiError of(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        if (t instanceof ApiError e) return e;
        if (t instanceof IllegalArgumentException) return badRequest(message(t));
        if (t instanceof IllegalStateException) return conflict(message(t));
        if (t instanceof TimeoutException) return new ApiError(504, "timeout", message(t));
        if (t instanceof IOException) return badRequest(message(t));
        return new ApiError(500, "internal", "unexpected error: " + t + " (the profile's parley.log may say more)");
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
