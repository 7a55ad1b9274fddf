package io.memoram.connect.source;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter for one user (or one access request). The task owns its
 * backoff because the framework polls again at once after a failure; a longer server
 * {@code Retry-After} wins. Not thread-safe.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final DoubleSupplier random;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.random = random;
    }

    /** Records a failure; returns how long to wait before the next attempt. */
    Duration onFailure(Duration retryAfter) {
        failures++;
        int shift = Math.min(failures - 1, 30);
        long ceiling = Math.min(maxMs, initialMs << shift);
        // "Equal jitter": at least half the ceiling, so waits still grow, plus a random share.
        long wait = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
        if (retryAfter != null && retryAfter.toMillis() > wait) {
            wait = retryAfter.toMillis();
        }
        return Duration.ofMillis(Math.max(1, wait));
    }

    void onSuccess() {
        failures = 0;
    }

    int consecutiveFailures() {
        return failures;
    }
}
