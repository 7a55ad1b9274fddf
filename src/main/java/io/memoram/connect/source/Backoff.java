package io.memoram.connect.source;

import io.memoram.connect.util.Saturating;
import io.memoram.connect.util.ExponentialBackoff;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The consecutive failures of one user (or one access request) and the wait they call for. The
 * task owns its backoff because the framework polls again at once after a failure; the waits
 * themselves come from the plugin's one {@link ExponentialBackoff} (a longer server
 * {@code Retry-After} wins). Not thread-safe.
 */
final class Backoff {
    private static final Duration MAX_WAIT = Duration.ofMillis(Long.MAX_VALUE);

    private final ExponentialBackoff backoff;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.backoff = new ExponentialBackoff(initial, max, random);
    }

    /** Records a failure; returns how long to wait before the next attempt. */
    Duration onFailure(Duration retryAfter) {
        failures++;
        Duration wait = backoff.waitBefore(failures, retryAfter); // ExponentialBackoff saturates its doubling
        // At least 1 ms (never "again at once"), and at most what milliseconds can count (the schedule's unit).
        return wait.isZero() ? Duration.ofMillis(1) : Saturating.atMost(wait, MAX_WAIT);
    }

    void onSuccess() {
        failures = 0;
    }

    int consecutiveFailures() {
        return failures;
    }
}
