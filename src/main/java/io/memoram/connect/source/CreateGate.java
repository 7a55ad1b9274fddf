package io.memoram.connect.source;

import io.memoram.connect.source.offsets.Manifest;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Holds back the record of a new blob or tag until offset storage names its id (docs/source.md,
 * "Offsets after a crash"). Why: without exactly-once, Connect writes offsets only every
 * {@code offset.flush.interval.ms}, while a record reaches Kafka at once. A task killed in between
 * restarts from bucket offsets that never knew the id; if the blob is deleted meanwhile, nothing
 * could ever tombstone it. So before the record of a new id goes out, the id is written to the
 * user's <em>pending</em> offset (carried by a status record of the user's access request, the one
 * record a user can always give), and the record waits until {@link #confirm} reads that offset
 * back from offset storage. After a crash the pending ids that no bucket names are emitted again
 * or tombstoned ({@link UserStream#load}).
 *
 * <p>Everything else (changes and tombstones of ids offset storage already knows, access records)
 * passes at once, but never ahead of a held record: the order of records is kept. One set of
 * carriers is out at a time and announces every new id held by then, so a wave costs one offset
 * flush whatever its size. An id leaves the pending offset (at the user's next carrier) once every
 * record returned up to its last one was acknowledged before that carrier: the flush that writes the
 * carrier writes their bucket offsets too; a user whose released ids all settled gets a carrier for
 * that alone, so its pending offset shrinks again. A tombstone of a pending id takes it out at once
 * (see {@link #take}). Held records go out a whole {@link #add} batch at a time.
 *
 * <p>Threads: the task's thread for everything but {@link #acked()}, {@link #committed()} (producer
 * and committer threads), which only count and wake, and {@link #admit} (a user joining the task
 * while it runs, {@link TaskAccess}'s thread), which only queues.
 */
final class CreateGate {
    /** Offset storage is read again this often while carriers wait, even without a commit() call. */
    static final long RECHECK_MILLIS = 5_000;

    /** One id a user's pending offset names or is about to. */
    private static final class Entry {
        long announcedGen;
        /** Index (1-based, in records returned) of its last record returned; MAX_VALUE while none. */
        long lastReturned = Long.MAX_VALUE;
    }

    private static final class User {
        final String userId;
        /** The last generation written; the next carrier gets the one after. */
        long gen;
        /** The newest generation offset storage is known to hold. */
        long confirmedGen;
        /** The last record returned for one of its entries since its last carrier; 0 while none. */
        long releasedThrough;
        /** Its pending offset names ids a bucket offset names too: the next carrier leaves them out. */
        boolean stale;
        /** Stream letter ('m' or 't') + id -> entry. */
        final Map<String, Entry> entries = new LinkedHashMap<>();

        User(String userId, long gen) {
            this.userId = userId;
            this.gen = gen;
            this.confirmedGen = gen;
        }
    }

    private record Item(String userId, String key, boolean create, boolean delete) { }

    /** The request a carrier names for a user, and the status last seen of it (never claimed anew). */
    record Carrier(String requestId, String status) { }

    private final String accessTopic;
    private final Function<String, Carrier> carrierOf;
    private final OffsetStorageReader reader;
    private final long maxBytes;
    private final Map<String, User> users = new HashMap<>();
    /** Users that joined while the task runs, resumed by the task's thread before it looks at their records. */
    private final Queue<UserStream> admitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<SourceRecord> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    /** Records per {@link #add} call, in order: each goes out whole (see {@link #take}). */
    private final ArrayDeque<Integer> batches = new ArrayDeque<>();
    private long queuedBytes;
    private long returned;
    private long allAckedThrough;
    /** User id -> the generation its carrier is waiting for; null while no carrier waits. */
    private Map<String, Long> outstanding;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final Object signal = new Object();
    private boolean stopped; // guarded by signal
    private long commitsSeen;
    private long lastCheck;

    /**
     * @param carrierOf the access request a user is served through (the carrier's key) and its status, by user id
     * @param maxBytes  held records above which the task stops taking more from the pipeline
     */
    CreateGate(String accessTopic, Function<String, Carrier> carrierOf, OffsetStorageReader reader, long maxBytes) {
        this.accessTopic = accessTopic;
        this.carrierOf = carrierOf;
        this.reader = reader;
        this.maxBytes = maxBytes;
    }

    /**
     * A user resumed from offsets: its last generation and the pending ids it still has to settle
     * (those no bucket names); when its pending offset also names ids a bucket names, its first
     * carrier (at the first {@link #take}) leaves them out.
     */
    void resume(UserStream stream) {
        User u = users.get(stream.userId());
        if (u == null) {
            u = new User(stream.userId(), stream.pending().gen());
            users.put(u.userId, u);
        }
        // Known already only if its records came first (not so via admit): its generation continues, its pending ids join.
        for (String id : stream.pendingMemories()) {
            u.entries.putIfAbsent("m" + id, confirmedEntry(u));
        }
        for (String id : stream.pendingTags()) {
            u.entries.putIfAbsent("t" + id, confirmedEntry(u));
        }
        // Without a carrier of its own, such a user's pending offset would keep naming them until its
        // next new id, so a tombstone committed meanwhile would be followed, after a restart, by another.
        u.stale |= stream.pending().memories().size() > stream.pendingMemories().size()
                || stream.pending().tags().size() > stream.pendingTags().size();
    }

    /**
     * A user joining the task while it runs, its offsets loaded (any thread, before the pipeline
     * gets the user): resumed like one of the start, before any of its records is looked at. Without
     * this, the pending ids restored into its manifests would be missing from its next carrier, and
     * a crash before their tombstones or records were flushed would lose them for good.
     */
    void admit(UserStream stream) {
        admitted.add(stream);
    }

    private void resumeAdmitted() {
        for (UserStream s; (s = admitted.poll()) != null; ) {
            resume(s);
        }
    }

    private static Entry confirmedEntry(User u) {
        Entry e = new Entry();
        e.announcedGen = u.confirmedGen; // stored before the restart: known to offset storage
        return e;
    }

    /** Records the pipeline handed over, in order. */
    void add(List<SourceRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        batches.add(records.size());
        for (SourceRecord r : records) {
            long size = PullStep.estimate(List.of(r));
            queue.add(r);
            sizes.add(size);
            queuedBytes += size;
        }
    }

    /** Whether the held records reached the bound (take nothing more from the pipeline). */
    boolean full() {
        return queuedBytes >= maxBytes;
    }

    /** Whether carriers wait for offset storage. */
    boolean waiting() {
        return outstanding != null;
    }

    int held() {
        return queue.size();
    }

    /** A record was acknowledged by Kafka (any thread). */
    void acked() {
        acked.incrementAndGet();
    }

    /** Connect committed offsets (any thread): worth reading offset storage again. */
    void committed() {
        commits.incrementAndGet();
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** The task stops: a poll waiting for a commit returns now, and later ones do not wait. */
    void wake() {
        synchronized (signal) {
            stopped = true;
            signal.notifyAll();
        }
    }

    /** Waits up to {@code millis} for a commit (or {@link #wake}). */
    void awaitCommit(long millis) throws InterruptedException {
        synchronized (signal) {
            if (commits.get() == commitsSeen && !stopped) {
                signal.wait(Math.max(1, millis));
            }
        }
    }

    /**
     * What may go out now: held batches up to the first with a new id offset storage does not know
     * yet, and, when such an id waits and no carrier is out, the carriers announcing every such id
     * held. A batch (one {@link #add}, whole pipeline steps) goes out whole: its records before the
     * last of a bucket carry that bucket's offset from before the batch ({@link StreamManifests.Batch}),
     * so returning only a prefix would let a graceful stop commit an offset that names neither the
     * changes returned nor those held, and the restarted task would emit them again.
     *
     * <p>A tombstone of an id the user's pending offset names carries that offset without the id
     * ({@link #tombstone}), and the bucket offset it carried moves to a status record right behind
     * it: otherwise a graceful stop right after the tombstone commits its bucket offset (without the
     * id) and the pending offset (with it), and the restarted task restores the id and tombstones it
     * again. Offsets are committed per partition, so after a crash either may be committed without
     * the other, and both ways are safe: the tombstone's offset is committed only once the tombstone
     * is in Kafka, and the bucket offset without the pending one leaves the id pending (tombstoned
     * again, as at-least-once allows after a crash).
     */
    List<SourceRecord> take(Instant now) {
        resumeAdmitted();
        if (acked.get() >= returned) {
            allAckedThrough = returned;
        }
        List<SourceRecord> out = new ArrayList<>();
        while (!batches.isEmpty() && mayRelease(batches.peek())) {
            for (int n = batches.poll(); n > 0; n--) {
                SourceRecord r = queue.poll();
                queuedBytes -= sizes.poll();
                Item it = item(r);
                User u = it == null ? null : users.get(it.userId());
                Entry e = u == null ? null : u.entries.get(it.key());
                if (e != null && it.delete()) {
                    u.entries.remove(it.key());
                    out.addAll(tombstone(r, u, now));
                    continue;
                }
                out.add(r);
                if (e != null) {
                    e.lastReturned = returned + out.size();
                    u.releasedThrough = e.lastReturned;
                }
            }
        }
        if (outstanding == null) {
            out.addAll(announce(now));
        }
        returned += out.size();
        return out;
    }

    /** Whether the next batch of {@code size} records may go out now: none of its new ids waits. */
    private boolean mayRelease(int size) {
        Iterator<SourceRecord> records = queue.iterator();
        for (int i = 0; i < size; i++) {
            Item it = item(records.next());
            if (it == null || !it.create()) {
                continue;
            }
            User u = user(it.userId());
            Entry e = u.entries.get(it.key());
            if (e == null || e.announcedGen > u.confirmedGen) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tombstone of a pending id, carrying the user's next pending offset (without the id), and a
     * status record carrying the bucket offset the tombstone had (see {@link #take}). Not waited for:
     * nothing is held for it (a carrier waited for reads as confirmed by a later generation).
     */
    private List<SourceRecord> tombstone(SourceRecord r, User u, Instant now) {
        SourceRecord moved = new SourceRecord(SourceOffsets.pendingPartition(u.userId), pendingOffset(u), r.topic(),
                r.kafkaPartition(), r.keySchema(), r.key(), r.valueSchema(), r.value(), r.timestamp(), r.headers());
        Carrier c = carrierOf.apply(u.userId);
        return List.of(moved, SourceRecords.pendingCarrier(accessTopic, r.sourcePartition(), r.sourceOffset(),
                c.requestId(), c.status(), u.userId, now));
    }

    /**
     * Carriers for the users with new ids held, and for those whose released ids all settled (so
     * that their pending offset shrinks again: a restart must not take ids long written to their
     * buckets, and since tombstoned, for ids a crash may have left behind). Empty when none.
     */
    private List<SourceRecord> announce(Instant now) {
        Map<String, User> touched = new LinkedHashMap<>();
        Set<User> announcing = new LinkedHashSet<>();
        for (User u : users.values()) {
            if (u.stale || (u.releasedThrough > 0 && u.releasedThrough <= allAckedThrough)) {
                touched.put(u.userId, u);
            }
        }
        for (SourceRecord r : queue) {
            Item it = item(r);
            if (it == null || !it.create()) {
                continue;
            }
            User u = user(it.userId());
            Entry e = u.entries.get(it.key());
            if (e == null || e.announcedGen > u.confirmedGen) {
                if (e == null) {
                    e = new Entry();
                    u.entries.put(it.key(), e);
                }
                e.lastReturned = Long.MAX_VALUE;
                e.announcedGen = Long.MAX_VALUE; // set below, once the user's generation is known
                touched.put(u.userId, u);
                announcing.add(u);
            }
        }
        if (touched.isEmpty()) {
            return List.of();
        }
        // Only carriers announcing new ids are waited for: the others just take settled ids out.
        outstanding = announcing.isEmpty() ? null : new HashMap<>();
        List<SourceRecord> carriers = new ArrayList<>(touched.size());
        for (User u : touched.values()) {
            carriers.add(carrier(u, now));
            if (announcing.contains(u)) {
                outstanding.put(u.userId, u.gen);
            }
        }
        return carriers;
    }

    /** The user's next pending offset on its carrier. */
    private SourceRecord carrier(User u, Instant now) {
        Map<String, Object> offset = pendingOffset(u);
        Carrier c = carrierOf.apply(u.userId);
        return SourceRecords.pendingCarrier(accessTopic, SourceOffsets.pendingPartition(u.userId), offset,
                c.requestId(), c.status(), u.userId, now);
    }

    /**
     * The user's next pending offset (the next generation): its entries, new ones now announced,
     * settled ones gone (their bucket offsets are written by the same flush as this offset).
     */
    private Map<String, Object> pendingOffset(User u) {
        u.gen++;
        u.releasedThrough = 0;
        u.stale = false;
        StringBuilder memories = new StringBuilder();
        StringBuilder tags = new StringBuilder();
        for (Iterator<Map.Entry<String, Entry>> i = u.entries.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Entry> me = i.next();
            Entry e = me.getValue();
            if (e.announcedGen == Long.MAX_VALUE) {
                e.announcedGen = u.gen;
            } else if (settled(e, u)) {
                i.remove();
                continue;
            }
            if (e.lastReturned != Long.MAX_VALUE) {
                // Released, not yet acknowledged: a later carrier takes it out.
                u.releasedThrough = Math.max(u.releasedThrough, e.lastReturned);
            }
            String key = me.getKey();
            append(key.charAt(0) == 'm' ? memories : tags, key.substring(1));
        }
        return SourceOffsets.pendingOffset(u.gen, memories.toString(), tags.toString());
    }

    private boolean settled(Entry e, User u) {
        return e.announcedGen <= u.confirmedGen && e.lastReturned <= allAckedThrough;
    }

    private static void append(StringBuilder sb, String id) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        Manifest m = new Manifest();
        m.put(id, Manifest.PENDING);
        sb.append(m.encode());
    }

    /**
     * After a commit (or every {@link #RECHECK_MILLIS}), reads the waiting users' pending offsets;
     * once all hold their carrier's generation, the ids announced are known and their records go.
     */
    void confirm(long nowMillis) {
        if (outstanding == null) {
            return;
        }
        long c = commits.get();
        if (c == commitsSeen && nowMillis - lastCheck < RECHECK_MILLIS) {
            return;
        }
        commitsSeen = c;
        lastCheck = nowMillis;
        List<Map<String, String>> partitions = new ArrayList<>();
        outstanding.keySet().forEach(u -> partitions.add(SourceOffsets.pendingPartition(u)));
        Map<Map<String, String>, Map<String, Object>> stored = reader.offsets(partitions);
        for (Iterator<Map.Entry<String, Long>> i = outstanding.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Long> w = i.next();
            long gen;
            try {
                gen = SourceOffsets.pendingOf(stored.get(SourceOffsets.pendingPartition(w.getKey()))).gen();
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (gen >= w.getValue()) {
                users.get(w.getKey()).confirmedGen = w.getValue();
                i.remove();
            }
        }
        if (outstanding.isEmpty()) {
            outstanding = null;
        }
    }

    /**
     * A user this gate has not seen yet (one that joined the task after start) continues the
     * generation offset storage holds: a lower one would read as confirmed before it was written.
     */
    private User user(String userId) {
        User u = users.get(userId);
        if (u == null) {
            long gen;
            try {
                gen = SourceOffsets.pendingOf(reader.offset(SourceOffsets.pendingPartition(userId))).gen();
            } catch (IllegalArgumentException e) {
                gen = 0;
            }
            u = new User(userId, gen);
            users.put(userId, u);
        }
        return u;
    }

    /** The user, stream and id of a memory or tag record, and whether it creates; null for others. */
    private static Item item(SourceRecord r) {
        if (!(r.key() instanceof Struct k)) {
            return null;
        }
        String schema = k.schema().name();
        char stream;
        if (SourceSchemas.MEMORY_KEY.name().equals(schema)) {
            stream = 'm';
        } else if (SourceSchemas.TAG_KEY.name().equals(schema)) {
            stream = 't';
        } else {
            return null;
        }
        Header op = r.headers().lastWithName(SourceRecords.OP_HEADER);
        boolean create = op != null && SourceRecords.CREATE.equals(op.value());
        // Only the tombstone itself: the record flagged as deleted before it (behavior.on.delete=rewrite) is a plain change.
        boolean delete = op != null && SourceRecords.DELETE.equals(op.value()) && r.value() == null;
        return new Item(k.getString("user_id"), stream + k.getString("id"), create, delete);
    }
}
