package io.memoram.connect.source;

import io.memoram.connect.util.MetricDoc;
import java.util.Map;

/**
 * Metrics of one source task, under
 * {@code kafka.connect.memoram:type=source-task,connector=<name>,task=<n>}. Each getter's
 * {@link MetricDoc} is its documentation (the tables in docs/source.md and docs/operations.md).
 */
public interface SourceTaskMetricsMXBean {
    @MetricDoc("Memory records emitted for blobs new to the connector (header `memoram.op=c`).")
    long getRecordsCreated();

    @MetricDoc("Memory records emitted for blobs that changed (header `memoram.op=u`).")
    long getRecordsUpdated();

    @MetricDoc("Tombstones emitted for blobs that disappeared (header `memoram.op=d`; `behavior.on.delete=tombstone`).")
    long getRecordsDeleted();

    @MetricDoc("Tag records emitted (tombstones included).")
    long getTagRecords();

    @MetricDoc("Access-request status records emitted to `<prefix>.access`.")
    long getAccessRecords();

    @MetricDoc("Blobs that no known key of their user opened (see `behavior.on.decryption.error`).")
    long getDecryptionFailures();

    @MetricDoc("Blobs emitted with their content still sealed (`behavior.on.decryption.error=raw`).")
    long getRawRecords();

    @MetricDoc(value = "Users of this task whose access is approved and whose blobs are streamed.", gauge = true)
    int getUsersActive();

    @MetricDoc(value = "Users of this task whose access request is still pending.", gauge = true)
    int getUsersPending();

    @MetricDoc(value = "Users of this task whose access was rejected or revoked.", gauge = true)
    int getUsersRevoked();

    @MetricDoc("Complete listings of a user's blobs.")
    long getPassesCompleted();

    @MetricDoc("API calls that failed (the user backs off and tries again; other users go on).")
    long getFailedCalls();

    @MetricDoc(value = "How late (ms) the most recent pass started after its user was due (`poll.interval.ms` after the previous pass ended): 0 while the task keeps up; growing when it cannot list all its users within the interval (raise `memoram.max.in.flight.requests`, add tasks or lengthen `poll.interval.ms`).", gauge = true)
    long getPassStartLagMs();

    @MetricDoc(value = "Estimated bytes of records fetched and not yet handed to Kafka (bounded by `memoram.fetch.buffer.max.bytes`).", gauge = true)
    long getFetchBufferBytes();

    @MetricDoc(value = "Per user id: seconds since the last complete pass (-1 before the first); for people (alerts use `OldestPassAgeSeconds` and `UsersOverdue`).",
            gauge = true)
    Map<String, Long> getSecondsSinceLastPass();

    @MetricDoc(value = "Seconds since the least recent complete pass over the task's active users (since the user became active when it has had none yet); 0 without active users.",
            gauge = true)
    long getOldestPassAgeSeconds();

    @MetricDoc(value = "Active users of this task without a complete pass for more than twice `poll.interval.ms` (at least 60 s); alert when above 0.",
            gauge = true)
    int getUsersOverdue();
}
