package io.memoram.connect.util;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: retry {@code n} (1-based) waits a random time in
 * {@code [b/2, b]} where {@code b = min(initial * 2^(n-1), max)}. Half the interval stays fixed so
 * retries never come faster than half the nominal backoff; the random half spreads out clients
 * that failed together. A {@code Retry-After} longer than that wins.
 *
 * <p>The one backoff of the plugin: the client's retries, the source task's per-user waits and
 * the sink's per-key lanes all use it. Stateless and thread-safe; the random source is injectable
 * so tests can pin the jitter.
 */
public final class ExponentialBackoff {
    private final long initialMs;
    private final long maxMs;
    private final DoubleSupplier random;

    public ExponentialBackoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    public ExponentialBackoff(Duration initial, Duration max, DoubleSupplier random) {
        // Saturated: a duration beyond Long.MAX_VALUE ms is the longest wait, not an ArithmeticException.
        this.initialMs = Math.max(0, Saturating.toMillis(initial));
        this.maxMs = Math.max(this.initialMs, Saturating.toMillis(max));
        this.random = random;
    }

    /** The nominal (un-jittered) backoff before retry {@code retry} (1-based). */
    public long nominalMs(int retry) {
        long b = initialMs;
        for (int i = 1; i < retry && b < maxMs; i++) {
            b = b > maxMs / 2 ? maxMs : b * 2; // doubling past maxMs could wrap negative
        }
        return Math.min(b, maxMs);
    }

    /** The wait before retry {@code retry} (1-based), honouring {@code retryAfter} (may be null) when longer. */
    public Duration waitBefore(int retry, Duration retryAfter) {
        long nominal = nominalMs(retry);
        long jittered = nominal / 2 + Math.round(random.getAsDouble() * (nominal - nominal / 2));
        Duration wait = Duration.ofMillis(jittered);
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            return retryAfter;
        }
        return wait;
    }

    public Duration max() {
        return Duration.ofMillis(maxMs);
    }
}
