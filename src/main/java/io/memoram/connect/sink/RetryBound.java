package io.memoram.connect.sink;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a write that keeps failing for reasons that may pass (5xx, 429, no connection) stops being
 * retried: after {@code maxRetries} retries (memoram.max.retries) or after failing for longer than
 * the budget. It then fails the task with a message naming the record and the last cause, rather
 * than pinning its partition's commits forever without a word.
 */
record RetryBound(long maxRetries, long budgetNanos) {
    static final RetryBound UNBOUNDED = new RetryBound(Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * The budget gives every retry a full request timeout and the longest backoff, so it only ends
     * what the retry count would end too, unless the server keeps asking to wait longer
     * (Retry-After). Saturates instead of overflowing (memoram.max.retries may be 2147483647).
     */
    static RetryBound of(long maxRetries, Duration requestTimeout, Duration backoffMax) {
        long retries = Math.max(0, maxRetries);
        long perTryMs = Math.max(1, (requestTimeout == null ? 30_000 : requestTimeout.toMillis()) + backoffMax.toMillis());
        long budgetNanos;
        try {
            budgetNanos = Math.multiplyExact(Math.multiplyExact(Math.addExact(retries, 1), perTryMs), 1_000_000L);
        } catch (ArithmeticException e) {
            budgetNanos = Long.MAX_VALUE;
        }
        return new RetryBound(retries, budgetNanos);
    }

    /** {@code retry} while within bounds, else the fatal outcome that ends the task. */
    Outcome judge(WriteOp op, Outcome.Retry retry, long failedAttempts, long failingNanos) {
        if (failedAttempts <= maxRetries && failingNanos < budgetNanos) {
            return retry;
        }
        String why = failedAttempts > maxRetries
                ? failedAttempts + " failed attempts (memoram.max.retries=" + maxRetries + ")"
                : "failing for " + TimeUnit.NANOSECONDS.toSeconds(failingNanos) + " s (the retry budget: memoram.max.retries + 1 "
                + "times the request timeout plus memoram.retry.backoff.max.ms)";
        return new Outcome.Fatal("gave up writing the record at " + op.at().describe() + " after " + why
                + "; last failure: " + retry.why(), null);
    }
}
