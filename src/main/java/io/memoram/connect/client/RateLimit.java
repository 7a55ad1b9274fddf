package io.memoram.connect.client;

import io.memoram.connect.util.Saturating;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client-side rate limit: one permit every {@code 1/rate} seconds (evenly spread, no bursts),
 * shared by every call of the client, token calls included. A caller reserves the next free slot and
 * waits for it; the wait ends early when the client closes, and a caller that would wait longer than
 * {@code maxWait} gets no permit (and reserves nothing).
 */
final class RateLimit {
    private static final long MAX_PERIOD_NANOS = Duration.ofDays(365).toNanos();
    private final long periodNanos;
    private final long maxWaitNanos;
    private final AtomicLong nextFree = new AtomicLong(System.nanoTime());

    RateLimit(double perSecond, Duration maxWait) {
        // At most a year between permits: nextFree then stays far from wrapping, however low the rate.
        this.periodNanos = Math.min(MAX_PERIOD_NANOS, Math.max(1_000L, Math.round(1_000_000_000d / perSecond)));
        this.maxWaitNanos = Math.min(MAX_PERIOD_NANOS, Saturating.toNanos(maxWait));
    }

    enum Outcome { GRANTED, TOO_LONG, ABANDONED }

    /** Waits for a permit; {@code ABANDONED} when {@code closed} fired or the thread was interrupted. */
    Outcome acquire(CountDownLatch closed) {
        long now = System.nanoTime();
        long slot;
        while (true) {
            long next = nextFree.get();
            slot = next - now > 0 ? next : now;
            if (slot - now > maxWaitNanos) {
                return Outcome.TOO_LONG;
            }
            if (nextFree.compareAndSet(next, slot + periodNanos)) {
                break;
            }
        }
        long wait = slot - now;
        if (wait <= 0) {
            return Outcome.GRANTED;
        }
        try {
            return closed.await(wait, TimeUnit.NANOSECONDS) ? Outcome.ABANDONED : Outcome.GRANTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.ABANDONED;
        }
    }
}
