package io.memoram.connect.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that follows real time plus an offset tests can push forward: token expiry without waiting. */
final class MutableClock extends Clock {
    private final AtomicLong offsetNanos = new AtomicLong();

    void advance(Duration d) {
        offsetNanos.addAndGet(d.toNanos());
    }

    @Override
    public Instant instant() {
        return Instant.now().plusNanos(offsetNanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
