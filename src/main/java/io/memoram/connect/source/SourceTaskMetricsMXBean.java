package io.memoram.connect.source;

import java.util.Map;

/**
 * Metrics of one source task, under
 * {@code kafka.connect.memoram:type=source-task,connector=<name>,task=<n>} (docs/operations.md).
 */
public interface SourceTaskMetricsMXBean {
    long getRecordsCreated();

    long getRecordsUpdated();

    long getRecordsDeleted();

    long getTagRecords();

    long getAccessRecords();

    long getDecryptionFailures();

    long getRawRecords();

    int getUsersActive();

    int getUsersPending();

    int getUsersRevoked();

    long getPassesCompleted();

    long getFailedCalls();

    /**
     * How late (ms) the most recent pass started after its user was due (poll.interval.ms after
     * the previous pass ended): 0 while the task keeps up; growing when it cannot list all its
     * users within the interval (more in-flight requests, more tasks or a longer interval help).
     */
    long getPassStartLagMs();

    /** Estimated bytes of records fetched and not yet handed to Kafka (bounded by memoram.fetch.buffer.max.bytes). */
    long getFetchBufferBytes();

    /** Per user id: seconds since the last complete pass (-1 before the first). */
    Map<String, Long> getSecondsSinceLastPass();
}
