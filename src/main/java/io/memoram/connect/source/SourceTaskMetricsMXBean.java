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

    /** Per user id: seconds since the last complete pass (-1 before the first). */
    Map<String, Long> getSecondsSinceLastPass();
}
