package io.memoram.connect.client;

import java.time.Duration;

/**
 * Observes the client's traffic, for metrics. Implementations must be thread-safe and fast; they
 * receive call names such as {@code "GET /memory-blobs"} (path templates, never ids or secrets).
 */
public interface RequestListener {
    RequestListener NONE = new RequestListener() { };

    /** One HTTP attempt ended: {@code status} is 0 when no response arrived. */
    default void onAttempt(String call, int status, Duration elapsed) { }

    /** A retry of {@code call} is scheduled after {@code wait} ({@code status} 0 for I/O failures). */
    default void onRetry(String call, int status, Duration wait) { }

    /** A 429 was received and the client waits {@code wait} before trying again. */
    default void onThrottled(String call, Duration wait) { }

    /** A JWT was obtained (at start, before expiry or after a 401). */
    default void onTokenRenewed() { }

    /** {@code call} was not sent because the circuit breaker is open; it may be tried after {@code retryAfter}. */
    default void onCircuitRejected(String call, Duration retryAfter) { }

    /** The circuit breaker moved to {@code state} ({@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}). */
    default void onCircuitStateChanged(String state) { }
}
