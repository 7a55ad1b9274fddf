package io.memoram.connect.util;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The consecutive failures of one thing retried (a source user, an access request, a sink lane's
 * head write) and the wait they call for. The waits come from the plugin's one
 * {@link ExponentialBackoff} (a longer server {@code Retry-After} wins); this counts the failures
 * it is asked about, so each caller no longer keeps its own counter. Not thread-safe: its owner
 * guards it.
 */
public final class BackoffCounter {
    private static final Duration MAX_WAIT = Duration.ofMillis(Long.MAX_VALUE);

    private final ExponentialBackoff backoff;
    private int failures;

    public BackoffCounter(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    public BackoffCounter(Duration initial, Duration max, DoubleSupplier random) {
        this(new ExponentialBackoff(initial, max, random));
    }

    /** A counter on a shared (stateless) backoff. */
    public BackoffCounter(ExponentialBackoff backoff) {
        this.backoff = backoff;
    }

    /** Records a failure; returns how long to wait before the next attempt. */
    public Duration onFailure(Duration retryAfter) {
        count();
        Duration wait = backoff.waitBefore(failures, retryAfter); // ExponentialBackoff saturates its doubling
        // At least 1 ms (never "again at once"), and at most what milliseconds can count (schedules count in ms).
        return wait.isZero() ? Duration.ofMillis(1) : Saturating.atMost(wait, MAX_WAIT);
    }

    /** Records a failure without asking for a wait; returns the failures counted so far. */
    public int count() {
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        return failures;
    }

    /** The wait the failures counted so far call for (that of the first when none), without counting one. */
    public Duration currentWait(Duration retryAfter) {
        return backoff.waitBefore(Math.max(1, failures), retryAfter);
    }

    public void onSuccess() {
        failures = 0;
    }

    public int consecutiveFailures() {
        return failures;
    }
}
