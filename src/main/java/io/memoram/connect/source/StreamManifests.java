package io.memoram.connect.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 16 bucket manifests of one user's stream ({@code memories} or {@code tags}). Changes are made
 * through a {@link Batch}, which hands out the offsets of the records that report them.
 */
final class StreamManifests {
    private final String userId;
    private final String stream;
    private final Map<String, Manifest> buckets = new HashMap<>();
    /** Per bucket, the manifest string last handed out (or loaded): the "before" of the next batch. */
    private final Map<String, String> encoded = new HashMap<>();

    StreamManifests(String userId, String stream) {
        this.userId = userId;
        this.stream = stream;
        for (String b : SourceOffsets.BUCKETS) {
            buckets.put(b, new Manifest());
        }
    }

    /** The partitions to read at start. */
    static List<Map<String, String>> partitions(String userId, String stream) {
        List<Map<String, String>> out = new ArrayList<>(SourceOffsets.BUCKETS.size());
        for (String b : SourceOffsets.BUCKETS) {
            out.add(SourceOffsets.streamPartition(userId, stream, b));
        }
        return out;
    }

    /**
     * Loads what offset storage holds. A malformed offset is treated as empty (its bucket is read
     * again as new), with the reason returned so the caller can log it.
     */
    List<String> load(Map<Map<String, String>, Map<String, Object>> offsets) {
        List<String> problems = new ArrayList<>();
        for (String b : SourceOffsets.BUCKETS) {
            Map<String, Object> offset = offsets.get(SourceOffsets.streamPartition(userId, stream, b));
            try {
                Manifest m = SourceOffsets.manifestOf(offset);
                buckets.put(b, m);
                encoded.put(b, m.encode());
            } catch (IllegalArgumentException e) {
                buckets.put(b, new Manifest());
                encoded.remove(b);
                problems.add("bucket " + b + ": " + e.getMessage());
            }
        }
        return problems;
    }

    String userId() {
        return userId;
    }

    String stream() {
        return stream;
    }

    String fingerprint(String id) {
        return bucketOf(id).fingerprint(id);
    }

    boolean contains(String id) {
        return bucketOf(id).contains(id);
    }

    /** Starts the changes of one poll batch. */
    Batch batch() {
        return new Batch();
    }

    /**
     * The changes reported by the records of one poll batch, in record order. Offsets are handed out
     * when the batch closes: in each bucket, the batch's last record carries the bucket's full new
     * manifest and the records before it carry the manifest as it was before the batch. Whatever
     * prefix of a bucket's records the framework has acknowledged when it commits, the committed
     * offset never claims a record that was not acknowledged (at worst it claims fewer, and those
     * are emitted again: at-least-once); with exactly-once, the batch is one transaction and its
     * last offset per bucket is the one committed. One manifest string per bucket and batch, shared,
     * instead of one per record keeps CPU and memory proportional to the batches, not to the records.
     */
    final class Batch {
        private final List<String> recordBuckets = new ArrayList<>();
        private boolean closed;

        /** {@code id} is emitted with {@code fingerprint} by the next record. */
        void put(String id, String fingerprint) {
            String b = Fingerprints.bucket(id);
            buckets.get(b).put(id, fingerprint);
            recordBuckets.add(b);
        }

        /** {@code id} is gone; the next record is its tombstone. */
        void remove(String id) {
            String b = Fingerprints.bucket(id);
            buckets.get(b).remove(id);
            recordBuckets.add(b);
        }

        /** The {partition, offset} of each record, in the order the changes were made. */
        List<Position> close() {
            if (closed) {
                throw new IllegalStateException("batch already closed");
            }
            closed = true;
            Map<String, Integer> last = new HashMap<>();
            for (int i = 0; i < recordBuckets.size(); i++) {
                last.put(recordBuckets.get(i), i);
            }
            Map<String, Map<String, ?>> before = new HashMap<>();
            Map<String, Map<String, ?>> after = new HashMap<>();
            for (String b : last.keySet()) {
                before.put(b, SourceOffsets.streamOffset(encoded.getOrDefault(b, "")));
                String now = buckets.get(b).encode();
                encoded.put(b, now);
                after.put(b, SourceOffsets.streamOffset(now));
            }
            List<Position> positions = new ArrayList<>(recordBuckets.size());
            for (int i = 0; i < recordBuckets.size(); i++) {
                String b = recordBuckets.get(i);
                positions.add(new Position(SourceOffsets.streamPartition(userId, stream, b),
                        last.get(b) == i ? after.get(b) : before.get(b)));
            }
            return positions;
        }
    }

    /** Forgets {@code id} without a record (behavior.on.delete=ignore); the bucket's next record carries it. */
    void forget(String id) {
        bucketOf(id).remove(id);
    }

    /** Every id in every bucket (a copy). */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Manifest m : buckets.values()) {
            ids.addAll(m.ids());
        }
        return ids;
    }

    int size() {
        int n = 0;
        for (Manifest m : buckets.values()) {
            n += m.size();
        }
        return n;
    }

    private Manifest bucketOf(String id) {
        return buckets.get(Fingerprints.bucket(id));
    }

    /** Where a record sits in offset storage. */
    record Position(Map<String, ?> partition, Map<String, ?> offset) { }
}
