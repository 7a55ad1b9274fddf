package io.memoram.connect.sink;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Counters of one sink task; gauges are read from the scheduler and the offset tracker when asked. */
final class SinkTaskMetrics implements SinkTaskMetricsMXBean {
    private final AtomicLong recordsIn = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong updated = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong alreadyWritten = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private volatile IntSupplier inFlight = () -> 0;
    private volatile IntSupplier buffered = () -> 0;
    private volatile LongSupplier retries = () -> 0;
    private volatile IntSupplier unconfirmed = () -> 0;
    private volatile LongSupplier oldestAge = () -> 0;

    void bind(LaneScheduler scheduler, OffsetTracker tracker) {
        inFlight = scheduler::inFlight;
        buffered = scheduler::buffered;
        retries = scheduler::retriesScheduled;
        unconfirmed = tracker::unconfirmed;
        oldestAge = tracker::oldestUnconfirmedAgeMs;
    }

    void recordsIn(int n) { recordsIn.addAndGet(n); }
    void created() { created.incrementAndGet(); }
    void updated() { updated.incrementAndGet(); }
    void deleted() { deleted.incrementAndGet(); }
    void alreadyWritten() { alreadyWritten.incrementAndGet(); }
    void ignored() { ignored.incrementAndGet(); }
    void reported() { reported.incrementAndGet(); }

    @Override public long getRecordsIn() { return recordsIn.get(); }
    @Override public long getBlobsCreated() { return created.get(); }
    @Override public long getBlobsUpdated() { return updated.get(); }
    @Override public long getBlobsDeleted() { return deleted.get(); }
    @Override public long getRecordsAlreadyWritten() { return alreadyWritten.get(); }
    @Override public long getRecordsIgnored() { return ignored.get(); }
    @Override public long getRecordsReported() { return reported.get(); }
    @Override public int getWritesInFlight() { return inFlight.getAsInt(); }
    @Override public int getWritesBuffered() { return buffered.getAsInt(); }
    @Override public long getRetriesQueued() { return retries.getAsLong(); }
    @Override public int getUnconfirmedRecords() { return unconfirmed.getAsInt(); }
    @Override public long getOldestUnconfirmedAgeMs() { return oldestAge.getAsLong(); }
}
