package io.memoram.connect.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    /** When each user got a slot in this task: the age of a user that has not completed a pass yet. */
    private final Map<String, Instant> knownSince = new ConcurrentHashMap<>();
    private volatile Supplier<Collection<String>> activeUsers = List::of;
    /** Seconds without a complete pass after which an active user counts as overdue. */
    private volatile long overdueSeconds = MIN_OVERDUE.toSeconds();
    static final Duration MIN_OVERDUE = Duration.ofSeconds(60);
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

    /** The users whose passes are due (approved ones): revoked and pending users never pass, and are not overdue. */
    void activeUsers(Supplier<Collection<String>> activeUsers, Duration pollInterval) {
        this.activeUsers = activeUsers;
        this.overdueSeconds = Math.max(MIN_OVERDUE.toSeconds(), pollInterval.multipliedBy(2).toSeconds());
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
        knownSince.putIfAbsent(userId, clock.instant());
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
    public long getOldestPassAgeSeconds() {
        long oldest = 0;
        for (long age : activeAges()) {
            oldest = Math.max(oldest, age);
        }
        return oldest;
    }

    @Override
    public int getUsersOverdue() {
        int overdue = 0;
        for (long age : activeAges()) {
            if (age > overdueSeconds) {
                overdue++;
            }
        }
        return overdue;
    }

    /** Seconds since each active user's last complete pass, or since it joined this task when it has none yet. */
    private List<Long> activeAges() {
        long now = clock.instant().getEpochSecond();
        return activeUsers.get().stream().map(user -> {
            Instant at = lastPass.get(user);
            if (at == null || at.equals(Instant.MIN)) {
                at = knownSince.get(user);
            }
            return at == null ? null : Math.max(0, now - at.getEpochSecond());
        }).filter(Objects::nonNull).toList();
    }

    @Override
    public Map<String, Long> getSecondsSinceLastPass() {
        Instant now = clock.instant();
        Map<String, Long> out = new TreeMap<>();
        lastPass.forEach((user, at) -> out.put(user, at.equals(Instant.MIN) ? -1L : Math.max(0, now.getEpochSecond() - at.getEpochSecond())));
        return out;
    }
}
