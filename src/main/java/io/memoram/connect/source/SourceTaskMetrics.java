package io.memoram.connect.source;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Counters of one source task; read by JMX from other threads, hence atomics. */
final class SourceTaskMetrics implements SourceTaskMetricsMXBean {
    private final Clock clock;
    final AtomicLong created = new AtomicLong();
    final AtomicLong updated = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong tags = new AtomicLong();
    final AtomicLong access = new AtomicLong();
    final AtomicLong decryptionFailures = new AtomicLong();
    final AtomicLong raw = new AtomicLong();
    final AtomicLong passes = new AtomicLong();
    final AtomicLong failedCalls = new AtomicLong();
    private final Map<String, Instant> lastPass = new ConcurrentHashMap<>();
    private volatile IntSupplier active = () -> 0;
    private volatile IntSupplier pending = () -> 0;
    private volatile IntSupplier revoked = () -> 0;
    private volatile LongSupplier buffered = () -> 0;
    private volatile long passStartLagMs;

    SourceTaskMetrics(Clock clock) {
        this.clock = clock;
    }

    void gauges(IntSupplier active, IntSupplier pending, IntSupplier revoked) {
        this.active = active;
        this.pending = pending;
        this.revoked = revoked;
    }

    void bufferGauge(LongSupplier buffered) {
        this.buffered = buffered;
    }

    void passStartLag(long ms) {
        passStartLagMs = ms;
    }

    void passCompleted(String userId) {
        passes.incrementAndGet();
        lastPass.put(userId, clock.instant());
    }

    void userKnown(String userId) {
        lastPass.putIfAbsent(userId, Instant.MIN);
    }

    @Override public long getRecordsCreated() { return created.get(); }
    @Override public long getRecordsUpdated() { return updated.get(); }
    @Override public long getRecordsDeleted() { return deleted.get(); }
    @Override public long getTagRecords() { return tags.get(); }
    @Override public long getAccessRecords() { return access.get(); }
    @Override public long getDecryptionFailures() { return decryptionFailures.get(); }
    @Override public long getRawRecords() { return raw.get(); }
    @Override public int getUsersActive() { return active.getAsInt(); }
    @Override public int getUsersPending() { return pending.getAsInt(); }
    @Override public int getUsersRevoked() { return revoked.getAsInt(); }
    @Override public long getPassesCompleted() { return passes.get(); }
    @Override public long getFailedCalls() { return failedCalls.get(); }

    @Override public long getPassStartLagMs() { return passStartLagMs; }
    @Override public long getFetchBufferBytes() { return buffered.getAsLong(); }

    @Override
    public Map<String, Long> getSecondsSinceLastPass() {
        Instant now = clock.instant();
        Map<String, Long> out = new TreeMap<>();
        lastPass.forEach((user, at) -> out.put(user, at.equals(Instant.MIN) ? -1L : Math.max(0, now.getEpochSecond() - at.getEpochSecond())));
        return out;
    }
}
