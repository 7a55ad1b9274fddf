package io.memoram.connect.sink;

import io.memoram.connect.util.MetricDoc;

/**
 * JMX view of one sink task: {@code kafka.connect.memoram:type=sink-task,connector=...,task=...}.
 * Each getter's {@link MetricDoc} is its documentation (the tables in docs/sink.md and
 * docs/operations.md).
 */
public interface SinkTaskMetricsMXBean {
    @MetricDoc("Records received from Kafka through `put()`.")
    long getRecordsIn();

    @MetricDoc("Blobs created.")
    long getBlobsCreated();

    @MetricDoc("Blobs updated (upsert of a known key, or a record naming a blob id).")
    long getBlobsUpdated();

    @MetricDoc("Blobs deleted by tombstones (`behavior.on.null.values=delete`).")
    long getBlobsDeleted();

    @MetricDoc("Redelivered insert-mode records whose blob already existed (nothing written).")
    long getRecordsAlreadyWritten();

    @MetricDoc("Tombstones ignored (`behavior.on.null.values=ignore`) or with nothing to delete.")
    long getRecordsIgnored();

    @MetricDoc("Records sent to the errant record reporter (the dead letter queue); look at the queue when it grows.")
    long getRecordsReported();

    @MetricDoc(value = "API writes running (at most `memoram.max.in.flight.requests`).", gauge = true)
    int getWritesInFlight();

    @MetricDoc(value = "Writes submitted and not yet finished, running ones included.", gauge = true)
    int getWritesBuffered();

    @MetricDoc("Writes queued again after a transient failure.")
    long getRetriesQueued();

    @MetricDoc(value = "Records put but not yet confirmed by the API (their offsets are not committed yet).", gauge = true)
    int getUnconfirmedRecords();

    @MetricDoc(value = "Age in milliseconds of the oldest unconfirmed record: how far confirmations lag behind `put()`.",
            gauge = true)
    long getOldestUnconfirmedAgeMs();
}
