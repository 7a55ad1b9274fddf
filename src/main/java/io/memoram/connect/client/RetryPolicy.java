package io.memoram.connect.client;

/**
 * How often one call is re-sent after a retriable failure (408, 429, 5xx, timeout, I/O error),
 * chosen per call: {@code client.withRetry(RetryPolicy.NONE).createMemoryBlob(...)}. Every policy
 * shares the client's token, rate limiter and circuit breaker; only the number of attempts differs.
 * The reasons live here, not where objects are wired.
 */
public enum RetryPolicy {
    /** Idempotent calls (reads, patches, deletes): up to {@code memoram.max.retries} retries with backoff. */
    STANDARD,
    /**
     * One attempt, because re-sending blind could do the work twice: a create whose response was lost
     * may have landed, so the caller looks before it writes again (the sink re-lists; access requests
     * are looked up by memory key).
     */
    NONE,
    /**
     * One attempt, because the caller owns the backoff: the source task schedules each user's next try
     * itself, and a retry inside the client would hold up every other user of the task.
     */
    CALLER_BACKS_OFF,
    /**
     * At most {@value #SHORT_MAX_RETRIES} retries: the connectors' own checks (resolving memory keys,
     * watching access requests) run where Connect waits for them, so they must not sit through
     * minutes of backoff; they are tried again on their next round anyway.
     */
    SHORT;

    /** The cap of {@link #SHORT}. */
    public static final int SHORT_MAX_RETRIES = 3;

    /** Retries this policy allows when the configured maximum ({@code memoram.max.retries}) is {@code configured}. */
    public int maxRetries(int configured) {
        int c = Math.max(0, configured);
        switch (this) {
            case STANDARD:
                return c;
            case SHORT:
                return Math.min(c, SHORT_MAX_RETRIES);
            default:
                return 0;
        }
    }
}
