package io.memoram.connect.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The memories and tags topics as log compaction leaves them (key: latest value; a tombstone
 * removes the key), built from every record a task returned, in order, as if each was produced.
 * Also the model's second rule: a record that leaves its key as it was (the same value again, or a
 * tombstone for a key already gone) is a repeat, allowed only for keys whose last record was
 * produced after the last committed offset of a crashed task (at-least-once may emit those again).
 * A task started after a crash may also tombstone again a key whose tombstone was committed (the
 * lost offsets may be the ones that said the id was settled): a repeated tombstone is allowed from a
 * crash until a graceful restart (which commits everything) after the task settled (complete passes
 * past the crash, so whatever the crash made it emit again has been emitted). A tombstone for a key never
 * produced is allowed only for ids the committed offsets named as possibly emitted when the task
 * started ({@link #restarted}): a task that records the ids it is about to emit before their records
 * (so a crash cannot lose their tombstones) cannot tell, after a restart, an id whose record never
 * went out (announced, still held at the stop) from one whose record went out in a crash's lost lag,
 * so it tombstones both; any other tombstone of a key never produced is a defect.
 */
final class CompactedTopic {
    private final Map<String, Struct> live = new TreeMap<>();
    /** Keys whose latest record was in a crashed task's uncommitted lag. */
    private final Set<String> mayRepeat = new HashSet<>();
    private final Set<String> everProduced = new HashSet<>();
    /** Keys the committed offsets named as possibly emitted when the running task started. */
    private Set<String> possiblyEmitted = Set.of();
    /** Between a crash and the first graceful restart after a settle. */
    private boolean recovering;
    private boolean settledSinceCrash;
    private final List<String> repeats = new ArrayList<>();
    private long applied;

    /** Applies one produced record; access records are not the model's business. */
    void apply(SourceRecord r) {
        if (!(r.key() instanceof Struct key)) {
            return;
        }
        String k = key(r.topic(), key.getString("user_id"), key.getString("id"));
        Struct value = (Struct) r.value();
        Header op = r.headers().lastWithName(SourceRecords.OP_HEADER);
        String opText = op == null ? null : String.valueOf(op.value());
        if ((value == null) != SourceRecords.DELETE.equals(opText)) {
            repeats.add("record #" + applied + " for " + k + " has op " + opText + " but value " + value);
        }
        Struct before = live.get(k);
        boolean repeat = value == null ? before == null : value.equals(before);
        boolean unproduced = !everProduced.contains(k);
        boolean allowed = mayRepeat.contains(k) || (value == null && (recovering || (unproduced && possiblyEmitted.contains(k))));
        if (repeat && !allowed) {
            repeats.add("record #" + applied + " (" + (value == null ? "tombstone" : "op " + opText) + ") for " + k
                    + (unproduced ? " never produced, nor named as possibly emitted by the offsets the task started from"
                    : " repeats what the topic already says"));
        }
        mayRepeat.remove(k);
        everProduced.add(k);
        if (value == null) {
            live.remove(k);
        } else {
            live.put(k, value);
        }
        applied++;
    }

    /** A crash lost the offsets of these records (they were produced): their keys may be emitted again. */
    void lostOffsetsOf(Collection<SourceRecord> produced) {
        recovering = true;
        settledSinceCrash = false;
        for (SourceRecord r : produced) {
            if (r.key() instanceof Struct key) {
                mayRepeat.add(key(r.topic(), key.getString("user_id"), key.getString("id")));
            }
        }
    }

    /** A task starts from offsets that name these keys as possibly emitted (pending, or {@code *} in a bucket). */
    void restarted(Set<String> keys) {
        possiblyEmitted = Set.copyOf(keys);
    }

    /** The task completed passes past every change and crash so far, and the topics were checked. */
    void settled() {
        settledSinceCrash = true;
    }

    /**
     * A graceful restart committed every offset; once the task settled after the last crash, nothing
     * that crash lost may come again.
     */
    void gracefulRestart() {
        if (settledSinceCrash) {
            recovering = false;
            mayRepeat.clear();
        }
    }

    Map<String, Struct> live() {
        return live;
    }

    List<String> repeats() {
        return repeats;
    }

    long applied() {
        return applied;
    }

    static String key(String topic, String userId, String id) {
        return topic + " " + userId + "/" + id;
    }
}
