package io.memoram.connect.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One API write a record turned into. Ops of the same {@link #laneKey()} run one after another in
 * the order they were put; ops of different lanes run in parallel. Identity semantics on purpose.
 */
public final class WriteOp {

    public enum Kind {
        /** Create the blob of {@code marker}, or PATCH it when it exists (upsert mode). */
        UPSERT,
        /** Create the blob of {@code marker} unless it exists already (insert mode, or a null key). */
        INSERT,
        /** PATCH the blob named by the record's id field. */
        PATCH_ID,
        /** Delete the blob of {@code marker} (a tombstone); a missing blob counts as deleted. */
        DELETE
    }

    private final SinkRecord record;
    private final TopicPartition partition;
    private final Kind kind;
    private final String userId;
    private final String marker;
    private final String laneKey;
    private final BlobFields fields;
    private final long createdNanos = System.nanoTime();

    public WriteOp(SinkRecord record, Kind kind, String userId, String marker, String laneKey, BlobFields fields) {
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.kafkaPartition() == null ? 0 : record.kafkaPartition());
        this.kind = kind;
        this.userId = userId;
        this.marker = marker;
        this.laneKey = laneKey;
        this.fields = fields;
    }

    public SinkRecord record() { return record; }
    public TopicPartition partition() { return partition; }
    public long offset() { return record.kafkaOffset(); }
    public Kind kind() { return kind; }
    /** Target user; null only for a tombstone whose user is unknown (then every user's blob of the marker goes). */
    public String userId() { return userId; }
    public String marker() { return marker; }
    public String laneKey() { return laneKey; }
    public BlobFields fields() { return fields; }
    public long createdNanos() { return createdNanos; }

    /** "topic-partition@offset", for messages (never content). */
    public String where() {
        return record.topic() + "-" + partition.partition() + "@" + record.kafkaOffset();
    }

    @Override
    public String toString() {
        return "WriteOp[" + kind + " " + where() + ", user=" + userId + ", marker=" + marker + "]";
    }
}
