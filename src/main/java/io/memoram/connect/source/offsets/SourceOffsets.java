package io.memoram.connect.source.offsets;

import io.memoram.connect.source.offsets.SignalState;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shapes of this connector's source partitions and offsets (docs/source.md, "Offsets"), and
 * their validation for {@code alterOffsets}.
 *
 * <ul>
 *   <li>{@code {"user_id": u, "stream": "memories"|"tags", "bucket": "0".."f"}} with offset
 *       {@code {"v": 1, "manifest": "id:fp,..."}}: what was emitted for that user, stream and bucket.</li>
 *   <li>{@code {"user_id": u, "stream": "pending", "bucket": "-"}} with offset
 *       {@code {"v": 1, "gen": n, "memories": "id:*,...", "tags": "id:*,..."}}: ids the task may have
 *       emitted beyond what the bucket offsets above are known to hold (see {@link CreateGate}).</li>
 *   <li>{@code {"user_id": u, "stream": "signals", "bucket": "-"}}: what signals did to the user
 *       ({@link SignalState}); a bucket offset written during a re-stream also names it ({@link #RESTREAM}).</li>
 *   <li>{@code {"memory_key_sha256": fp}} with offset {@code {"request_id": id, "status": s}}: the
 *       access request filed for a memory key (the key itself never appears).</li>
 *   <li>{@code {"access_request_id": id}} with offset {@code {"request_id": id, "status": s}}: the
 *       last status seen of a configured request.</li>
 * </ul>
 */
public final class SourceOffsets {
    public static final String USER_ID = "user_id";
    public static final String STREAM = "stream";
    static final String BUCKET = "bucket";
    static final String VERSION = "v";
    static final String MANIFEST = "manifest";
    static final int FORMAT_VERSION = 1;

    static final String MEMORY_KEY_SHA256 = "memory_key_sha256";
    static final String ACCESS_REQUEST_ID = "access_request_id";
    public static final String REQUEST_ID = "request_id";
    public static final String STATUS = "status";

    public static final String MEMORIES = "memories";
    public static final String TAGS = "tags";
    static final List<String> STREAMS = List.of(MEMORIES, TAGS);
    /** The stream name of a user's pending partition; its bucket is {@link #PENDING_BUCKET}. */
    public static final String PENDING = "pending";
    static final String PENDING_BUCKET = "-";
    static final String GENERATION = "gen";
    /**
     * Optional field of a bucket offset: the id of the re-stream signal in progress when it was
     * written (its {@link Manifest#REREAD} entries are that re-stream's remaining ids). A bucket
     * offset without it, while the user's signals offset says a re-stream runs, predates the
     * re-stream: every id of it is re-read.
     */
    static final String RESTREAM = "restream";
    static final List<String> BUCKETS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f");

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private SourceOffsets() { }

    /**
     * Connect looks offsets up by the bytes of the serialized partition, and JSON keeps a map's
     * iteration order, so the order must be the same in every JVM and survive a round trip through
     * Connect (GET /offsets, then PATCH back): Connect reads partitions back into a default
     * {@link HashMap}, whose order for these String keys is fixed, so this builds exactly that.
     * Never {@code Map.of}: its iteration order changes from one JVM run to the next.
     */
    public static Map<String, String> streamPartition(String userId, String stream, String bucket) {
        Map<String, String> m = new HashMap<>();
        m.put(USER_ID, userId);
        m.put(STREAM, stream);
        m.put(BUCKET, bucket);
        return Collections.unmodifiableMap(m);
    }

    /** Where a user's pending ids live (one partition per user, beside its 32 bucket partitions). */
    public static Map<String, String> pendingPartition(String userId) {
        return streamPartition(userId, PENDING, PENDING_BUCKET);
    }

    /**
     * A pending offset: the ids as two manifests whose fingerprints are all {@link Manifest#PENDING},
     * so they escape ids like a bucket's manifest does; {@code gen} grows with each one a task writes.
     */
    public static Map<String, Object> pendingOffset(long gen, String memories, String tags) {
        Map<String, Object> m = new LinkedHashMap<>(8);
        m.put(VERSION, FORMAT_VERSION);
        m.put(GENERATION, gen);
        m.put(MEMORIES, memories);
        m.put(TAGS, tags);
        return m;
    }

    /** What a pending offset holds. */
    public record Pending(long gen, Manifest memories, Manifest tags) {
        public static final Pending NONE = new Pending(0, new Manifest(), new Manifest());
    }

    /** The ids of a pending offset, {@link Pending#NONE} for a missing one. */
    public static Pending pendingOf(Map<String, ?> offset) {
        if (offset == null) {
            return Pending.NONE;
        }
        Object v = offset.get(VERSION);
        if (!(v instanceof Number n) || n.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("offset version must be " + FORMAT_VERSION + " but is " + v);
        }
        if (!(offset.get(GENERATION) instanceof Number gen) || gen.longValue() < 0) {
            throw new IllegalArgumentException("offset field '" + GENERATION + "' must be a number >= 0");
        }
        return new Pending(gen.longValue(), pendingIds(offset, MEMORIES), pendingIds(offset, TAGS));
    }

    private static Manifest pendingIds(Map<String, ?> offset, String field) {
        if (!(offset.get(field) instanceof String s)) {
            throw new IllegalArgumentException("offset field '" + field + "' must be a string");
        }
        return Manifest.parse(s);
    }

    public static Map<String, Object> streamOffset(String manifest) {
        return streamOffset(manifest, null);
    }

    /** A bucket offset; {@code restream} (the signal id of a re-stream in progress) is written only when set. */
    public static Map<String, Object> streamOffset(String manifest, String restream) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        m.put(VERSION, FORMAT_VERSION);
        m.put(MANIFEST, manifest);
        if (restream != null) {
            m.put(RESTREAM, restream);
        }
        return m;
    }

    /** The re-stream signal id a bucket offset was written under, or null. */
    public static String restreamOf(Map<String, ?> offset) {
        return offset != null && offset.get(RESTREAM) instanceof String s ? s : null;
    }

    public static Map<String, String> keyPartition(String keyFingerprint) {
        return Map.of(MEMORY_KEY_SHA256, keyFingerprint);
    }

    public static Map<String, String> requestPartition(String requestId) {
        return Map.of(ACCESS_REQUEST_ID, requestId);
    }

    public static Map<String, Object> accessOffset(String requestId, String status) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        m.put(REQUEST_ID, requestId);
        m.put(STATUS, status);
        return m;
    }

    /** The manifest stored in a stream offset, or an empty one for a missing (reset) offset. */
    public static Manifest manifestOf(Map<String, ?> offset) {
        if (offset == null) {
            return new Manifest();
        }
        Object v = offset.get(VERSION);
        if (!(v instanceof Number n) || n.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("offset version must be " + FORMAT_VERSION + " but is " + v);
        }
        Object manifest = offset.get(MANIFEST);
        if (!(manifest instanceof String s)) {
            throw new IllegalArgumentException("offset field '" + MANIFEST + "' must be a string");
        }
        return Manifest.parse(s);
    }

    /**
     * Checks one partition and its (possibly null) offset for {@code alterOffsets}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void validate(Map<String, ?> partition, Map<String, ?> offset) {
        if (partition == null || partition.isEmpty()) {
            throw new IllegalArgumentException("source partition must not be empty");
        }
        if (partition.containsKey(USER_ID)) {
            requireKeys(partition, List.of(USER_ID, STREAM, BUCKET));
            requireNonBlankString(partition, USER_ID);
            Object stream = partition.get(STREAM);
            if (SignalState.STREAM.equals(stream)) {
                if (!PENDING_BUCKET.equals(partition.get(BUCKET))) {
                    throw new IllegalArgumentException("partition field 'bucket' of stream 'signals' must be '-' but is "
                            + partition.get(BUCKET));
                }
                if (offset != null) {
                    SignalState.parse(offset);
                }
                return;
            }
            if (PENDING.equals(stream)) {
                if (!PENDING_BUCKET.equals(partition.get(BUCKET))) {
                    throw new IllegalArgumentException("partition field 'bucket' of stream 'pending' must be '-' but is "
                            + partition.get(BUCKET));
                }
                if (offset != null) {
                    requireKeys(offset, List.of(VERSION, GENERATION, MEMORIES, TAGS));
                    pendingOf(offset);
                }
                return;
            }
            if (!STREAMS.contains(stream)) {
                throw new IllegalArgumentException("partition field 'stream' must be one of " + STREAMS + ", '" + PENDING
                        + "' or '" + SignalState.STREAM + "' but is " + stream);
            }
            Object bucket = partition.get(BUCKET);
            if (!BUCKETS.contains(bucket)) {
                throw new IllegalArgumentException("partition field 'bucket' must be one hex digit 0-f but is " + bucket);
            }
            if (offset != null) {
                if (offset.containsKey(RESTREAM)) {
                    requireKeys(offset, List.of(VERSION, MANIFEST, RESTREAM));
                    requireNonBlankString(offset, RESTREAM);
                } else {
                    requireKeys(offset, List.of(VERSION, MANIFEST));
                }
                manifestOf(offset);
            }
        } else if (partition.containsKey(MEMORY_KEY_SHA256)) {
            requireKeys(partition, List.of(MEMORY_KEY_SHA256));
            Object fp = partition.get(MEMORY_KEY_SHA256);
            if (!(fp instanceof String s) || !SHA256_HEX.matcher(s).matches()) {
                throw new IllegalArgumentException("partition field 'memory_key_sha256' must be 64 lower-case hex digits");
            }
            validateAccessOffset(offset);
        } else if (partition.containsKey(ACCESS_REQUEST_ID)) {
            requireKeys(partition, List.of(ACCESS_REQUEST_ID));
            requireNonBlankString(partition, ACCESS_REQUEST_ID);
            validateAccessOffset(offset);
        } else {
            throw new IllegalArgumentException("unknown source partition " + partition.keySet() + "; expected {user_id, stream, bucket}, "
                    + "{memory_key_sha256} or {access_request_id}");
        }
    }

    private static void validateAccessOffset(Map<String, ?> offset) {
        if (offset == null) {
            return;
        }
        requireKeys(offset, List.of(REQUEST_ID, STATUS));
        requireNonBlankString(offset, REQUEST_ID);
        requireNonBlankString(offset, STATUS);
    }

    private static void requireKeys(Map<String, ?> map, List<String> keys) {
        if (!map.keySet().equals(new java.util.HashSet<>(keys))) {
            throw new IllegalArgumentException("expected exactly the fields " + keys + " but got " + map.keySet());
        }
    }

    private static void requireNonBlankString(Map<String, ?> map, String key) {
        if (!(map.get(key) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("field '" + key + "' must be a non-empty string");
        }
    }
}
