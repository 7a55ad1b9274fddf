package io.memoram.connect.sink;

/** JMX view of one sink task: {@code kafka.connect.memoram:type=sink-task,connector=...,task=...}. */
public interface SinkTaskMetricsMXBean {
    long getRecordsIn();

    long getBlobsCreated();

    long getBlobsUpdated();

    long getBlobsDeleted();

    /** Redelivered insert-mode records whose blob already existed (nothing written). */
    long getRecordsAlreadyWritten();

    /** Tombstones ignored (behavior.on.null.values=ignore) or with nothing to delete. */
    long getRecordsIgnored();

    /** Records sent to the errant record reporter (dead letter queue). */
    long getRecordsReported();

    int getWritesInFlight();

    int getWritesBuffered();

    long getRetriesQueued();

    /** Records put but not yet confirmed (their offsets are not committed yet). */
    int getUnconfirmedRecords();

    /** Age of the oldest unconfirmed record in milliseconds: how far confirmations lag behind put(). */
    long getOldestUnconfirmedAgeMs();
}
