package io.memoram.connect.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 16 bucket manifests of one user's stream ({@code memories} or {@code tags}). Every change
 * returns the offset to attach to the record that reports it: the whole updated manifest of that
 * bucket (copy-on-write), so a committed offset always describes exactly the records acknowledged
 * before it, whichever record of the bucket the framework commits last.
 */
final class StreamManifests {
    private final String userId;
    private final String stream;
    private final Map<String, Manifest> buckets = new HashMap<>();

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
                buckets.put(b, SourceOffsets.manifestOf(offset));
            } catch (IllegalArgumentException e) {
                buckets.put(b, new Manifest());
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

    /** Records {@code id} as emitted with {@code fingerprint}; returns the record's {partition, offset}. */
    Position put(String id, String fingerprint) {
        String b = Fingerprints.bucket(id);
        Manifest m = buckets.get(b);
        m.put(id, fingerprint);
        return position(b, m);
    }

    /** Removes {@code id} (a tombstone is emitted for it); returns the record's {partition, offset}. */
    Position remove(String id) {
        String b = Fingerprints.bucket(id);
        Manifest m = buckets.get(b);
        m.remove(id);
        return position(b, m);
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

    private Position position(String bucket, Manifest m) {
        return new Position(SourceOffsets.streamPartition(userId, stream, bucket), SourceOffsets.streamOffset(m.encode()));
    }

    /** Where a record sits in offset storage. */
    record Position(Map<String, ?> partition, Map<String, ?> offset) { }
}
