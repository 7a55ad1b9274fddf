package io.memoram.connect.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, the offset of the first record that is not yet
 * confirmed (written, deleted, ignored or reported), or the offset after the highest record seen
 * when all are confirmed. Never more, so a crash redelivers every unconfirmed record. Thread-safe.
 */
final class OffsetTracker {

    private static final class PartitionState {
        /** offset -> how many times it is pending (a redelivery within one assignment may repeat it). */
        final TreeMap<Long, Integer> pending = new TreeMap<>();
        /** offset -> when it was first tracked (System.nanoTime), for the lag metric. */
        final TreeMap<Long, Long> since = new TreeMap<>();
        long next = -1;
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    synchronized void track(TopicPartition tp, long offset) {
        PartitionState s = partitions.computeIfAbsent(tp, k -> new PartitionState());
        s.pending.merge(offset, 1, Integer::sum);
        s.since.putIfAbsent(offset, System.nanoTime());
        s.next = Math.max(s.next, offset + 1);
    }

    synchronized void confirm(TopicPartition tp, long offset) {
        PartitionState s = partitions.get(tp);
        if (s == null) {
            return; // the partition was closed meanwhile: its offsets are no longer ours to commit
        }
        Integer n = s.pending.get(offset);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            s.pending.remove(offset);
            s.since.remove(offset);
        } else {
            s.pending.put(offset, n - 1);
        }
    }

    /** Committable offsets of the partitions in {@code assigned} that have seen records. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> assigned) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : assigned) {
            PartitionState s = partitions.get(tp);
            if (s == null || s.next < 0) {
                continue;
            }
            long offset = s.pending.isEmpty() ? s.next : s.pending.firstKey();
            out.put(tp, new OffsetAndMetadata(offset));
        }
        return out;
    }

    /** Forgets closed partitions: whatever was unconfirmed there will be redelivered to their next owner. */
    synchronized void remove(Collection<TopicPartition> closed) {
        for (TopicPartition tp : closed) {
            partitions.remove(tp);
        }
    }

    synchronized int unconfirmed() {
        int n = 0;
        for (PartitionState s : partitions.values()) {
            n += s.pending.size();
        }
        return n;
    }

    /** Age in milliseconds of the oldest unconfirmed record, 0 when none. */
    synchronized long oldestUnconfirmedAgeMs() {
        long oldest = Long.MAX_VALUE;
        for (PartitionState s : partitions.values()) {
            for (long t : s.since.values()) {
                oldest = Math.min(oldest, t);
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : (System.nanoTime() - oldest) / 1_000_000;
    }
}
