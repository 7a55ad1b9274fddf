package io.memoram.connect.util;

import java.time.Duration;

/**
 * Time arithmetic that clamps at the ends of {@code long} instead of wrapping or throwing: a
 * duration of centuries becomes "the longest wait there is", never a negative deadline (a tight
 * loop) or an {@link ArithmeticException} on every call.
 */
public final class Saturating {
    private Saturating() { }

    /** {@code d} in nanoseconds, clamped to {@code [Long.MIN_VALUE, Long.MAX_VALUE]}. */
    public static long toNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code d} in milliseconds, clamped to {@code [Long.MIN_VALUE, Long.MAX_VALUE]}. */
    public static long toMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code a + b}, clamped instead of wrapping. */
    public static long add(long a, long b) {
        long sum = a + b;
        // Overflow only when both operands have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** {@code d}, or {@code max} when longer. */
    public static Duration atMost(Duration d, Duration max) {
        return d.compareTo(max) > 0 ? max : d;
    }
}
