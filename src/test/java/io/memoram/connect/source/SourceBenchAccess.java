package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.source.offsets.Fingerprints;
import io.memoram.connect.source.offsets.Manifest;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bench-only window onto the source package's package-private classes (io.memoram.connect.bench),
 * so that the benchmarks measure the real manifest, fingerprint and offset code rather than copies.
 * Nothing here is used by tests or shipped.
 */
public final class SourceBenchAccess {
    private SourceBenchAccess() { }

    /** The fingerprint the source keeps for a blob (Fingerprints.blob). */
    public static String fingerprint(MemoryBlob blob) {
        return Fingerprints.blob(blob);
    }

    /** The bucket "0".."f" of an item id. */
    public static String bucket(String id) {
        return Fingerprints.bucket(id);
    }

    /** One bucket's manifest. */
    public static final class BucketManifest {
        private final Manifest manifest;

        private BucketManifest(Manifest manifest) {
            this.manifest = manifest;
        }

        public static BucketManifest empty() {
            return new BucketManifest(new Manifest());
        }

        /** Manifest.parse: what a task does with each stored offset at start. */
        public static BucketManifest parse(String encoded) {
            return new BucketManifest(Manifest.parse(encoded));
        }

        public void put(String id, String fingerprint) {
            manifest.put(id, fingerprint);
        }

        public int size() {
            return manifest.size();
        }

        /** Manifest.encode: what a poll batch does for each bucket it touches. */
        public String encode() {
            return manifest.encode();
        }
    }

    /**
     * The offsets a task hands to Connect after emitting these blobs of one user in one batch:
     * per bucket partition, the bucket's final offset (StreamManifests.Batch, the real code path).
     *
     * @param idToFingerprint blob id to fingerprint, in emission order
     */
    public static Map<Map<String, ?>, Map<String, ?>> memoriesOffsets(String userId, Map<String, String> idToFingerprint) {
        StreamManifests manifests = new StreamManifests(userId, SourceOffsets.MEMORIES);
        StreamManifests.Batch batch = manifests.batch();
        idToFingerprint.forEach(batch::put);
        Map<Map<String, ?>, Map<String, ?>> last = new LinkedHashMap<>();
        for (StreamManifests.Position p : batch.close()) {
            last.put(p.partition(), p.offset());
        }
        return last;
    }

    /**
     * A task config for MemoramSourceTask serving these approved requests, as the connector would make it.
     *
     * @param requestUsers access request id to user id
     */
    public static Map<String, String> taskConfig(Map<String, String> connectorProps, Map<String, String> requestUsers) {
        List<AccessTaskConfig.Request> requests = new ArrayList<>();
        requestUsers.forEach((req, user) -> requests.add(new AccessTaskConfig.Request(req, user, null)));
        return TaskConfigs.singleTask(connectorProps, requests);
    }

    /** Passes completed by the task (all users), from its metrics. */
    public static long passesCompleted(MemoramSourceTask task) {
        return task.metrics().getPassesCompleted();
    }

    /** Memory blob records emitted as new (op c). */
    public static long recordsCreated(MemoramSourceTask task) {
        return task.metrics().getRecordsCreated();
    }

    /** Bytes the fetch buffer accounts for now (the FetchBufferBytes metric). */
    public static long fetchBufferBytes(MemoramSourceTask task) {
        return task.metrics().getFetchBufferBytes();
    }

    /** API calls of the task in flight now. */
    public static int inFlight(MemoramSourceTask task) {
        return task.pipeline().inFlight();
    }

    /** What the fetch buffer counted for these records before it counted their offsets: content, title, summary, overhead. */
    public static long contentEstimate(List<org.apache.kafka.connect.source.SourceRecord> records) {
        return PullStep.estimate(records);
    }

    /**
     * One user's first pass as the task's step does it, without HTTP: every page through
     * UserStream.applyBlobs (fingerprints, decisions, {@code open} for the content, records and their
     * offsets) and the listing completed. Returns the records made.
     */
    public static long applyPass(String userId, List<List<MemoryBlob>> pages, java.util.function.UnaryOperator<String> open) {
        UserStream stream = new UserStream(userId, new UserStream.Settings("bench.memories", "bench.tags", false, true,
                io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError.FAIL), new SourceTaskMetrics(java.time.Clock.systemUTC()));
        long records = 0;
        for (int i = 0; i < pages.size(); i++) {
            String next = i + 1 < pages.size() ? "cursor-" + (i + 1) : null;
            records += stream.applyBlobs(pages.get(i), next, content -> new io.memoram.connect.crypto.KeyRing.Opened(open.apply(content), 1)).size();
        }
        return records + stream.completeListing(java.time.Instant.now()).size();
    }
}
