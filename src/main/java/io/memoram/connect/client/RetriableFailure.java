package io.memoram.connect.client;

import java.time.Duration;

/**
 * Internal: one attempt failed in a way that trying again may fix (429, 5xx, 408, I/O error).
 * Never leaves the client: exhausted retries turn it into a {@link MemoramUnavailableException}.
 * Its message is already safe (scrubbed, truncated).
 */
final class RetriableFailure extends RuntimeException {
    private final String call;
    private final int status;
    private final Duration retryAfter;

    RetriableFailure(String call, int status, String safeMessage, Duration retryAfter, Throwable cause) {
        super(safeMessage, cause, false, false);
        this.call = call;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    String call() {
        return call;
    }

    int status() {
        return status;
    }

    /** The server's Retry-After, or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
