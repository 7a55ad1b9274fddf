package io.memoram.connect.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where a record was consumed: the partition and offset the task commits, the one named in
 * failure messages and reports, and the one idempotency markers are made of. The one place that
 * reads a record's position.
 *
 * <p>Taken from before any transform: a topic-renaming SMT ({@code RegexRouter}) changes
 * {@code topic()}, but Connect commits, and {@code preCommit}/{@code close} name, the partitions the
 * consumer read ({@code originalTopic()} and friends, Connect 3.6+). Tracked under the renamed
 * topic, nothing would ever be committed.
 */
record Position(TopicPartition partition, long offset) {

    static Position of(SinkRecord record) {
        Integer partition = record.originalKafkaPartition();
        return new Position(new TopicPartition(record.originalTopic(), partition == null ? 0 : partition),
                record.originalKafkaOffset());
    }

    String topic() {
        return partition.topic();
    }

    /** "topic-partition@offset", for logs (never content). */
    @Override
    public String toString() {
        return partition.topic() + "-" + partition.partition() + "@" + offset;
    }

    /** "topic 't', partition p, offset o", for failure messages. */
    String describe() {
        return "topic '" + partition.topic() + "', partition " + partition.partition() + ", offset " + offset;
    }
}
