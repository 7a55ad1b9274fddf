package io.memoram.connect.source;

import io.memoram.connect.source.offsets.SignalState;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.crypto.ContentCryptoException;
import io.memoram.connect.crypto.KeyRing;
import io.memoram.connect.source.offsets.Fingerprints;
import io.memoram.connect.source.offsets.Manifest;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental pull of one user: turns complete listings, page by page, into the records of
 * what is new, changed or gone since it was last emitted (docs/source.md). Holds no client: the
 * task fetches, this decides. Not thread-safe: one thread at a time (the pipeline runs one step
 * of a user at a time, and hands the stream over through its lock).
 *
 * <p>Deletions: an id in the manifest that a complete listing of blobs misses becomes a
 * <em>suspect</em>; when the next complete listing misses it too, it is deleted (tombstone or
 * forgotten). One listing is not trusted alone because cursor pagination over a changing list can
 * skip a blob that moved between pages; a blob that reappears is no longer a suspect. Suspects are
 * kept in memory only: after a restart a deletion just takes one more pass.
 */
final class UserStream {
    private static final Logger log = LoggerFactory.getLogger(UserStream.class);

    /** Opens sealed content; may refresh credentials (key rotation), so it may also throw client exceptions. */
    interface Opener {
        KeyRing.Opened open(String content);
    }

    /** What this connector emits and how it treats deletions and undecryptable blobs. */
    record Settings(String memoriesTopic, String tagsTopic, boolean tagsEnabled, boolean tombstoneOnDelete,
                    io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError onDecryptionError, ValueFields fields) {
        /** Values without added fields (behavior.on.delete is not rewrite, no operation field). */
        Settings(String memoriesTopic, String tagsTopic, boolean tagsEnabled, boolean tombstoneOnDelete,
                 io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError onDecryptionError) {
            this(memoriesTopic, tagsTopic, tagsEnabled, tombstoneOnDelete, onDecryptionError, ValueFields.NONE);
        }
    }

    private final String userId;
    private final Settings settings;
    private final SourceTaskMetrics metrics;
    private final StreamManifests memories;
    private final StreamManifests tags;
    private SourceOffsets.Pending pending = SourceOffsets.Pending.NONE;
    private List<String> pendingMemories = List.of();
    private List<String> pendingTags = List.of();
    /** What signals did to this user (docs/source.md, "Signals"); its offset travels on notifications. */
    private SignalState signals = new SignalState();
    /** Where this user's notifications go; null: none are emitted (tests of the stream alone). */
    private String notificationTopic;
    /** Whether the initial load is notified (only where an operator asked for signals or notifications). */
    private boolean notifyInitialLoad;

    // The pass in progress.
    private String cursor;
    private boolean tagsDone;
    private final Set<String> seen = new HashSet<>();
    private Set<String> suspects = new HashSet<>();

    // Blobs skipped as undecryptable (id -> fingerprint): not re-counted until they change or the key does.
    private final Map<String, Long> skipped = new HashMap<>();
    private Integer skippedAtKeyVersion;

    UserStream(String userId, Settings settings, SourceTaskMetrics metrics) {
        this.userId = userId;
        this.settings = settings;
        this.metrics = metrics;
        this.memories = new StreamManifests(userId, SourceOffsets.MEMORIES);
        this.tags = new StreamManifests(userId, SourceOffsets.TAGS);
    }

    String userId() {
        return userId;
    }

    List<Map<String, String>> partitions() {
        List<Map<String, String>> p = new ArrayList<>(StreamManifests.partitions(userId, SourceOffsets.MEMORIES));
        p.addAll(StreamManifests.partitions(userId, SourceOffsets.TAGS));
        p.add(SourceOffsets.pendingPartition(userId));
        p.add(SignalState.partition(userId));
        return p;
    }

    /**
     * Loads the manifests from offset storage; returns problems found (logged by the caller). Ids of
     * the pending offset that no bucket names join the manifests as {@link Manifest#PENDING}: a
     * crash may have left their records in Kafka, so they are emitted again or tombstoned.
     */
    List<String> load(Map<Map<String, String>, Map<String, Object>> offsets) {
        List<String> problems = new ArrayList<>(memories.load(offsets));
        problems.addAll(tags.load(offsets));
        try {
            pending = SourceOffsets.pendingOf(offsets.get(SourceOffsets.pendingPartition(userId)));
        } catch (IllegalArgumentException e) {
            pending = SourceOffsets.Pending.NONE;
            problems.add("pending ids: " + e.getMessage());
        }
        pendingMemories = memories.markPending(pending.memories());
        pendingTags = tags.markPending(pending.tags());
        Map<String, Object> stored = offsets.get(SignalState.partition(userId));
        try {
            signals = SignalState.parse(stored);
        } catch (IllegalArgumentException e) {
            signals = new SignalState();
            problems.add("signals: " + e.getMessage());
        }
        if (stored == null) {
            // A user streamed before signals existed had its initial load long ago: nothing to notify.
            signals.loaded = memories.size() > 0 || tags.size() > 0;
        }
        if (signals.restream != null) {
            memories.resumeRestream(signals.restream);
            tags.resumeRestream(signals.restream);
        }
        return problems;
    }

    /** The pending offset read at start (its generation continues in {@link CreateGate}). */
    SourceOffsets.Pending pending() {
        return pending;
    }

    /** Ids of the pending offset that joined the manifests at start (memories, then tags). */
    List<String> pendingMemories() {
        return pendingMemories;
    }

    List<String> pendingTags() {
        return pendingTags;
    }

    int blobsKnown() {
        return memories.size();
    }

    /** Where notifications go (set by the task; without it the stream emits none). */
    void notifyTo(String topic, boolean initialLoad) {
        notificationTopic = topic;
        notifyInitialLoad = initialLoad;
    }

    /** The user's signal state; touched like the stream (one thread at a time). */
    SignalState signals() {
        return signals;
    }

    /**
     * Starts re-stream {@code signalId}: every id known is marked to be emitted again, and the pass
     * starts over so that its complete listing is the re-stream's (call only while no step of the
     * user runs). Returns the "restream_started" notification, which stores the state.
     */
    List<SourceRecord> startRestream(String signalId, long position, Instant now) {
        signals.applied(signalId, position);
        signals.restream = signalId;
        signals.rereadBlobs = 0;
        signals.rereadTags = 0;
        long blobs = memories.restream(signalId);
        long tagCount = tags.restream(signalId);
        restartPass();
        return List.of(notification(Notifications.RESTREAM_STARTED, signalId, blobs, tagCount, now));
    }

    /** A notification of this user carrying its signal state (to the notification topic, or the given fallback). */
    SourceRecord notification(String type, String signalId, Long blobs, Long tagCount, Instant now) {
        return Notifications.of(notificationTopic, type, userId, signalId, blobs, tagCount, signals, now);
    }

    /** Whether the pass still has to list tags before blobs. */
    boolean needsTags() {
        return settings.tagsEnabled() && !tagsDone;
    }

    String cursor() {
        return cursor;
    }

    /** Forgets the pass in progress (after a failure that makes its cursor useless); detects no deletions. */
    void restartPass() {
        cursor = null;
        tagsDone = false;
        seen.clear();
    }

    /** A new key version makes skipped blobs worth another try. */
    void keyVersion(int version) {
        if (skippedAtKeyVersion == null || skippedAtKeyVersion != version) {
            skipped.clear();
            skippedAtKeyVersion = version;
        }
    }

    /** The complete tag list of the user (one call, no pages): changes and disappearances. */
    List<SourceRecord> applyTags(List<Tag> listed, Instant now) {
        StreamManifests.Batch batch = tags.batch();
        List<Function<StreamManifests.Position, SourceRecord>> pending = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Tag t : listed) {
            if (t.id() == null || !ids.add(t.id())) {
                continue;
            }
            String fp = Fingerprints.tag(t);
            String old = tags.fingerprint(t.id());
            if (fp.equals(old)) {
                continue;
            }
            // A pending id may never have reached Kafka: it comes (again) as new.
            String op = old == null || Manifest.PENDING.equals(old) ? SourceRecords.CREATE
                    : Manifest.REREAD.equals(old) ? SourceRecords.READ : SourceRecords.UPDATE;
            if (SourceRecords.READ.equals(op)) {
                signals.rereadTags++;
            }
            batch.put(t.id(), fp);
            pending.add(pos -> SourceRecords.tag(settings.tagsTopic(), pos, userId, t, op));
        }
        for (String id : tags.ids()) {
            if (!ids.contains(id)) {
                if (settings.tombstoneOnDelete()) {
                    if (settings.fields().rewritesDeletes()) {
                        batch.keep(id);
                        pending.add(pos -> settings.fields().deleted(SourceRecords.tagTombstone(settings.tagsTopic(), pos, userId, id, now)));
                    }
                    batch.remove(id);
                    pending.add(pos -> SourceRecords.tagTombstone(settings.tagsTopic(), pos, userId, id, now));
                } else {
                    tags.forget(id);
                }
            }
        }
        tagsDone = true;
        metrics.tags.addAndGet(pending.size());
        List<SourceRecord> out = build(batch, pending);
        tags.passEnded();
        return out;
    }

    private List<SourceRecord> build(StreamManifests.Batch batch, List<Function<StreamManifests.Position, SourceRecord>> pending) {
        List<StreamManifests.Position> positions = batch.close();
        List<SourceRecord> out = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            out.add(settings.fields().live(pending.get(i).apply(positions.get(i))));
        }
        return out;
    }

    private enum Kind { EMIT, RAW, SKIP, UNCHANGED }

    private record Decision(MemoryBlob blob, int bucket, long fp, Kind kind, String content, Integer keyVersion) { }

    /**
     * One page of the blob listing. Decides (and decrypts) everything first and changes state only
     * when the whole page went through, so a failure midway (e.g. a credential refresh that hits a
     * 503) leaves nothing half-applied and the page can simply be fetched again.
     *
     * @throws ConnectException when a blob cannot be decrypted and behavior.on.decryption.error=fail
     */
    List<SourceRecord> applyBlobs(List<MemoryBlob> page, String nextCursor, Opener opener) {
        Map<String, MemoryBlob> byId = new LinkedHashMap<>();
        for (MemoryBlob b : page) {
            if (b.id() != null) {
                byId.put(b.id(), b);
            }
        }
        List<Decision> decisions = new ArrayList<>(byId.size());
        for (MemoryBlob b : byId.values()) {
            decisions.add(decide(b, opener));
        }

        StreamManifests.Batch batch = memories.batch();
        List<Function<StreamManifests.Position, SourceRecord>> pending = new ArrayList<>();
        for (Decision d : decisions) {
            String id = d.blob().id();
            seen.add(id);
            suspects.remove(id);
            switch (d.kind()) {
                case UNCHANGED -> { }
                case SKIP -> {
                    Long was = skipped.put(id, d.fp());
                    if (was == null || was != d.fp()) {
                        metrics.decryptionFailures.incrementAndGet();
                        log.warn("Skipping memory blob {} of user {}: no known key opens it (behavior.on.decryption.error=skip)",
                                id, userId);
                    }
                }
                case EMIT, RAW -> {
                    // A pending id may never have reached Kafka: it comes (again) as new.
                    boolean known = memories.contains(d.bucket(), id) && !memories.pending(d.bucket(), id);
                    boolean raw = d.kind() == Kind.RAW;
                    String op = !known ? SourceRecords.CREATE
                            : memories.rereading(d.bucket(), id) ? SourceRecords.READ : SourceRecords.UPDATE;
                    if (SourceRecords.READ.equals(op)) {
                        signals.rereadBlobs++;
                    }
                    batch.put(d.bucket(), id, d.fp());
                    pending.add(pos -> SourceRecords.memory(settings.memoriesTopic(), pos, userId, d.blob(),
                            d.content(), d.keyVersion(), raw, op));
                    skipped.remove(id);
                    (known ? metrics.updated : metrics.created).incrementAndGet();
                    if (raw) {
                        metrics.raw.incrementAndGet();
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        cursor = nextCursor;
        return build(batch, pending);
    }

    /**
     * A complete listing ends the re-stream in progress and the initial load: their notifications,
     * behind every record of the listing, store that in the user's signal state.
     */
    private List<SourceRecord> listingCompleted(Instant now) {
        List<SourceRecord> out = new ArrayList<>(2);
        if (!signals.loaded && notifyInitialLoad) {
            signals.loaded = true;
            out.add(notification(Notifications.INITIAL_LOAD_COMPLETE, null, (long) memories.size(), (long) tags.size(), now));
        }
        if (signals.restream != null) {
            String id = signals.restream;
            signals.restream = null;
            memories.restreamEnded();
            tags.restreamEnded();
            log.info("User {}: re-stream {} complete ({} memory blobs, {} tags re-read)", userId, id, signals.rereadBlobs, signals.rereadTags);
            out.add(notification(Notifications.RESTREAM_COMPLETE, id, signals.rereadBlobs, signals.rereadTags, now));
        }
        return notificationTopic == null ? List.of() : out;
    }

    private Decision decide(MemoryBlob b, Opener opener) {
        int bucket = Fingerprints.bucketIndex(b.id());
        long fp = Fingerprints.blobBits(b);
        Long skippedFp = skipped.get(b.id());
        if (memories.matches(bucket, b.id(), fp) || (skippedFp != null && skippedFp == fp)) {
            return new Decision(b, bucket, fp, Kind.UNCHANGED, null, null);
        }
        if (b.content() == null) {
            return new Decision(b, bucket, fp, Kind.EMIT, null, null);
        }
        try {
            KeyRing.Opened opened = opener.open(b.content());
            return new Decision(b, bucket, fp, Kind.EMIT, opened.plaintext(), opened.keyVersion());
        } catch (ContentCryptoException e) {
            switch (settings.onDecryptionError()) {
                case SKIP:
                    return new Decision(b, bucket, fp, Kind.SKIP, null, null);
                case RAW:
                    if (skippedFp == null || skippedFp != fp) {
                        log.warn("Emitting memory blob {} of user {} with its content still sealed: no known key opens it "
                                + "(behavior.on.decryption.error=raw)", b.id(), userId);
                    }
                    return new Decision(b, bucket, fp, Kind.RAW, b.content(), null);
                default:
                    metrics.decryptionFailures.incrementAndGet();
                    throw new ConnectException("Cannot decrypt memory blob " + b.id() + " of user " + userId + " ("
                            + e.getClass().getSimpleName() + "): no known key of the user opens it. Set "
                            + "behavior.on.decryption.error=skip or raw to keep streaming past such blobs.");
            }
        }
    }

    /**
     * The listing just completed (the last page was applied): blobs missed by this listing and the
     * one before become tombstones (or are forgotten). Starts the next pass.
     */
    List<SourceRecord> completeListing(Instant now) {
        StreamManifests.Batch batch = memories.batch();
        List<Function<StreamManifests.Position, SourceRecord>> pending = new ArrayList<>();
        Set<String> nextSuspects = new HashSet<>();
        for (String id : memories.ids()) {
            if (seen.contains(id)) {
                continue;
            }
            if (!suspects.contains(id)) {
                nextSuspects.add(id);
            } else if (settings.tombstoneOnDelete()) {
                if (settings.fields().rewritesDeletes()) {
                    batch.keep(id);
                    pending.add(pos -> settings.fields().deleted(SourceRecords.memoryTombstone(settings.memoriesTopic(), pos, userId, id, now)));
                }
                batch.remove(id);
                pending.add(pos -> SourceRecords.memoryTombstone(settings.memoriesTopic(), pos, userId, id, now));
                metrics.deleted.incrementAndGet();
            } else {
                memories.forget(id);
            }
        }
        List<SourceRecord> out = build(batch, pending);
        out.addAll(listingCompleted(now));
        memories.passEnded();
        suspects = nextSuspects;
        skipped.keySet().retainAll(seen);
        cursor = null;
        tagsDone = false;
        seen.clear();
        return out;
    }
}
