package io.memoram.connect.emulator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps for created_at/updated_at: microsecond precision and strictly increasing across the whole
 * emulator, so every change moves updated_at even when two changes fall in the same clock tick.
 */
final class MonotonicClock {
    private Instant last = Instant.EPOCH;

    synchronized Instant next() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        last = now.isAfter(last) ? now : last.plus(1, ChronoUnit.MICROS);
        return last;
    }
}
