package io.memoram.connect.source.offsets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 16 bucket manifests of one user's stream ({@code memories} or {@code tags}). Changes are made
 * through a {@link Batch}, which hands out the offsets of the records that report them. Lookups take
 * the bucket index ({@link Fingerprints#bucketIndex}) so a caller hashes each id once.
 */
public final class StreamManifests {
    private final String userId;
    private final String stream;
    private final Manifest[] buckets = new Manifest[16];
    /**
     * Per bucket, the manifest string last handed out, kept only while a pass is in progress (it is
     * the "before" of the pass's next batch, saving an encode per page); dropped when the pass
     * ends so that an idle user costs only its compact manifests. Without it, the "before" is
     * rebuilt from the manifest and the batch's undo entries.
     */
    private final String[] encoded = new String[16];
    /** The re-stream signal in progress (written into every bucket offset while set), or null. */
    private String restream;
    /** Per bucket, the re-stream signal id its stored offset was written under (see {@link #resumeRestream}). */
    private final String[] loadedRestream = new String[16];

    public StreamManifests(String userId, String stream) {
        this.userId = userId;
        this.stream = stream;
        for (int b = 0; b < 16; b++) {
            buckets[b] = new Manifest();
        }
    }

    /** The partitions to read at start. */
    public static List<Map<String, String>> partitions(String userId, String stream) {
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
    public List<String> load(Map<Map<String, String>, Map<String, Object>> offsets) {
        List<String> problems = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            String bucket = SourceOffsets.BUCKETS.get(b);
            Map<String, Object> offset = offsets.get(SourceOffsets.streamPartition(userId, stream, bucket));
            encoded[b] = null;
            loadedRestream[b] = SourceOffsets.restreamOf(offset);
            try {
                buckets[b] = SourceOffsets.manifestOf(offset);
            } catch (IllegalArgumentException e) {
                buckets[b] = new Manifest();
                problems.add("bucket " + bucket + ": " + e.getMessage());
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

    public String fingerprint(String id) {
        return buckets[Fingerprints.bucketIndex(id)].fingerprint(id);
    }

    /** Whether {@code id} (in bucket {@code bucket}) was emitted with exactly this fingerprint. */
    public boolean matches(int bucket, String id, long fingerprint) {
        return buckets[bucket].matches(id, fingerprint);
    }

    public boolean contains(String id) {
        return buckets[Fingerprints.bucketIndex(id)].contains(id);
    }

    public boolean contains(int bucket, String id) {
        return buckets[bucket].contains(id);
    }

    /** Whether {@code id} is known only as possibly emitted ({@link Manifest#PENDING}). */
    public boolean pending(int bucket, String id) {
        return buckets[bucket].pending(id);
    }

    /**
     * Adds the ids a crashed task may have emitted without its bucket offsets knowing (its pending
     * offset) as {@link Manifest#PENDING}, unless a bucket already names them: a listing that misses
     * them then tombstones them, one that has them emits them again. Returns the ids added.
     */
    public List<String> markPending(Manifest pending) {
        List<String> added = new ArrayList<>();
        for (String id : pending.ids()) {
            int b = Fingerprints.bucketIndex(id);
            if (!buckets[b].contains(id)) {
                buckets[b].put(id, Manifest.PENDING);
                added.add(id);
            }
        }
        return added;
    }

    /** Whether {@code id} waits to be emitted again by the re-stream in progress ({@link Manifest#REREAD}). */
    public boolean rereading(int bucket, String id) {
        return buckets[bucket].rereading(id);
    }

    /**
     * A re-stream starts: every id (but pending ones, which come again as new anyway) is marked
     * {@link Manifest#REREAD}, so the next listing emits it again; the offsets written from now on
     * name the signal. Returns how many ids were marked.
     */
    public int restream(String signalId) {
        restream = signalId;
        int marked = 0;
        for (int b = 0; b < 16; b++) {
            marked += markBucket(b);
        }
        return marked;
    }

    /**
     * After a restart in the middle of re-stream {@code signalId}: a bucket whose stored offset was
     * written under it holds its remaining ids as {@link Manifest#REREAD} already; one written before
     * the re-stream started is re-read whole.
     */
    public void resumeRestream(String signalId) {
        restream = signalId;
        for (int b = 0; b < 16; b++) {
            if (!signalId.equals(loadedRestream[b])) {
                markBucket(b);
            }
        }
    }

    private int markBucket(int b) {
        encoded[b] = null; // the cached string predates the marks
        int marked = 0;
        for (String id : buckets[b].ids()) {
            String fp = buckets[b].fingerprint(id);
            if (!Manifest.PENDING.equals(fp)) {
                buckets[b].put(id, Manifest.REREAD);
                marked++;
            }
        }
        return marked;
    }

    /** The re-stream ended: offsets written from now on name none. */
    public void restreamEnded() {
        restream = null;
    }

    /** The pass ended: forget the cached strings (see {@link #encoded}). */
    public void passEnded() {
        java.util.Arrays.fill(encoded, null);
        for (Manifest m : buckets) {
            m.forgetEncoding();
        }
    }

    /** Starts the changes of one poll batch. */
    public Batch batch() {
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
    public final class Batch {
        private int[] recordBuckets = new int[16];
        private int records;
        /** Per bucket touched: id -> its fingerprint before the batch (null: absent). */
        private final Map<Integer, Map<String, String>> undo = new HashMap<>();
        private boolean closed;

        /** {@code id} is emitted with {@code fingerprint} by the next record. */
        public void put(String id, String fingerprint) {
            int b = Fingerprints.bucketIndex(id);
            remember(b, id);
            buckets[b].put(id, fingerprint);
            add(b);
        }

        /** {@code id} (in bucket {@code bucket}) is emitted with {@code fingerprint} by the next record. */
        public void put(int bucket, String id, long fingerprint) {
            remember(bucket, id);
            buckets[bucket].put(id, fingerprint);
            add(bucket);
        }

        /** {@code id} is gone; the next record is its tombstone. */
        public void remove(String id) {
            int b = Fingerprints.bucketIndex(id);
            remember(b, id);
            buckets[b].remove(id);
            add(b);
        }

        /**
         * The next record changes nothing: the record flagged as deleted that goes before the
         * tombstone of {@code id} (behavior.on.delete=rewrite). Not its bucket's last record, it
         * carries the bucket's offset from before the batch, which still names the id: a commit
         * after it but before the tombstone leaves the id known, so the tombstone comes after a crash.
         */
        public void keep(String id) {
            add(Fingerprints.bucketIndex(id));
        }

        private void remember(int bucket, String id) {
            Map<String, String> before = undo.computeIfAbsent(bucket, b -> new HashMap<>());
            if (!before.containsKey(id)) {
                before.put(id, buckets[bucket].fingerprint(id));
            }
        }

        private void add(int bucket) {
            if (records == recordBuckets.length) {
                recordBuckets = java.util.Arrays.copyOf(recordBuckets, records * 2);
            }
            recordBuckets[records++] = bucket;
        }

        /** The {partition, offset} of each record, in the order the changes were made. */
        public List<Position> close() {
            if (closed) {
                throw new IllegalStateException("batch already closed");
            }
            closed = true;
            int[] last = new int[16];
            int[] count = new int[16];
            java.util.Arrays.fill(last, -1);
            for (int i = 0; i < records; i++) {
                last[recordBuckets[i]] = i;
                count[recordBuckets[i]]++;
            }
            @SuppressWarnings("unchecked")
            Map<String, ?>[] before = new Map[16];
            @SuppressWarnings("unchecked")
            Map<String, ?>[] after = new Map[16];
            @SuppressWarnings("unchecked")
            Map<String, String>[] partition = new Map[16];
            for (int b = 0; b < 16; b++) {
                if (last[b] < 0) {
                    continue;
                }
                partition[b] = SourceOffsets.streamPartition(userId, stream, SourceOffsets.BUCKETS.get(b));
                if (count[b] > 1) {
                    String was = encoded[b] != null ? encoded[b] : buckets[b].encode(undo.get(b));
                    before[b] = SourceOffsets.streamOffset(was, restream);
                }
                String now = buckets[b].encodeKept();
                encoded[b] = now;
                after[b] = SourceOffsets.streamOffset(now, restream);
            }
            List<Position> positions = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                int b = recordBuckets[i];
                positions.add(new Position(partition[b], last[b] == i ? after[b] : before[b]));
            }
            return positions;
        }
    }

    /** Forgets {@code id} without a record (behavior.on.delete=ignore); the bucket's next record carries it. */
    public void forget(String id) {
        int b = Fingerprints.bucketIndex(id);
        // The cached "before" string still names it, which is what a later batch's earlier records must claim.
        buckets[b].remove(id);
    }

    /** Every id in every bucket (a copy). */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Manifest m : buckets) {
            ids.addAll(m.ids());
        }
        return ids;
    }

    public int size() {
        int n = 0;
        for (Manifest m : buckets) {
            n += m.size();
        }
        return n;
    }

    /** Where a record sits in offset storage. */
    public record Position(Map<String, ?> partition, Map<String, ?> offset) { }
}
