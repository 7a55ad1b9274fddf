package io.memoram.connect.client;

import java.time.Duration;

/**
 * 429, 5xx, timeouts and connection failures after the configured retries were used up, or an
 * open circuit breaker. {@link #retryAfter()} carries the server's {@code Retry-After} hint (or the
 * circuit's wait) when there was one, so callers that own their backoff can honour it.
 */
public class MemoramUnavailableException extends MemoramException {
    private final Duration retryAfter;

    public MemoramUnavailableException(String call, int status, String message, Duration retryAfter, Throwable cause) {
        super(call, status, message, cause);
        this.retryAfter = retryAfter;
    }

    /** The server's (or the circuit breaker's) requested wait, or null when none was given. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
