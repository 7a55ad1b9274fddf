package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.source.offsets.Fingerprints;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The gate alone, with offset storage as a map: what it holds, announces and lets go, and when. */
class CreateGateTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

    private final Fakes.Offsets offsets = new Fakes.Offsets();
    private final CreateGate gate = new CreateGate("p.access", u -> new CreateGate.Carrier("req-" + u, "approved"), offsets, 1 << 20);

    static SourceRecord create(String userId, String id) {
        return memory(userId, id, SourceRecords.CREATE);
    }

    static SourceRecord memory(String userId, String id, String op) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(SourceRecords.OP_HEADER, op);
        return new SourceRecord(SourceOffsets.streamPartition(userId, "memories", Fingerprints.bucket(id)), Map.of("v", 1),
                "p.memories", null, SourceSchemas.MEMORY_KEY, SourceRecords.memoryKey(userId, id), null, null, 0L, h);
    }

    private static SourceRecord tagCreate(String userId, String id) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(SourceRecords.OP_HEADER, SourceRecords.CREATE);
        return new SourceRecord(SourceOffsets.streamPartition(userId, "tags", Fingerprints.bucket(id)), Map.of("v", 1),
                "p.tags", null, SourceSchemas.TAG_KEY, SourceRecords.tagKey(userId, id), null, null, 0L, h);
    }

    /** What a worker does with returned records: acknowledges them and (when told) flushes their offsets. */
    private List<SourceRecord> returned(List<SourceRecord> records, boolean flush) {
        for (SourceRecord r : records) {
            gate.acked();
            if (flush) {
                offsets.stored.put(r.sourcePartition(), new HashMap<>(r.sourceOffset()));
            }
        }
        if (flush) {
            gate.committed();
        }
        return records;
    }

    /** An offset flush of records acknowledged earlier. */
    private void flush(List<SourceRecord> records) {
        records.forEach(r -> offsets.stored.put(r.sourcePartition(), new HashMap<>(r.sourceOffset())));
        gate.committed();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> offset(SourceRecord r) {
        return (Map<String, Object>) r.sourceOffset();
    }

    private static List<String> ids(List<SourceRecord> records) {
        return records.stream().map(r -> r.key() instanceof org.apache.kafka.connect.data.Struct k ? k.getString("id") : "carrier:" + r.key())
                .toList();
    }

    @Test
    void aNewIdWaitsUntilOffsetStorageNamesItAndNothingOvertakesIt() {
        gate.add(List.of(memory("u1", "known", SourceRecords.UPDATE)));
        gate.add(List.of(create("u1", "new"), memory("u1", "gone", SourceRecords.DELETE)));
        List<SourceRecord> first = gate.take(NOW);
        assertThat(ids(first)).containsExactly("known", "carrier:req-u1");
        assertThat(offset(first.get(1))).containsEntry("memories", "new:*").containsEntry("gen", 1L);
        assertThat(gate.waiting()).isTrue();

        // Acknowledged but not flushed: the new id stays held, and the tombstone behind it too.
        returned(first, false);
        gate.confirm(0);
        assertThat(gate.take(NOW)).isEmpty();
        // A commit that did not write the carrier (an earlier flush): still held.
        gate.committed();
        gate.confirm(1);
        assertThat(gate.take(NOW)).isEmpty();

        flush(first);
        gate.confirm(2);
        assertThat(gate.waiting()).isFalse();
        assertThat(ids(returned(gate.take(NOW), true))).containsExactly("new", "gone");
        // Once they are acknowledged, the pending offset is emptied again.
        List<SourceRecord> cleanup = gate.take(NOW);
        assertThat(ids(cleanup)).containsExactly("carrier:req-u1");
        assertThat(offset(cleanup.get(0))).containsEntry("gen", 2L).containsEntry("memories", "");
    }

    @Test
    void oneWaveAnnouncesEveryNewIdHeldPerUserAndSettledIdsLeaveTheNextCarrier() {
        gate.add(List.of(create("u1", "a"), create("u2", "b"), tagCreate("u1", "t")));
        List<SourceRecord> carriers = returned(gate.take(NOW), true);
        assertThat(ids(carriers)).containsExactly("carrier:req-u1", "carrier:req-u2");
        assertThat(offset(carriers.get(0))).containsEntry("memories", "a:*").containsEntry("tags", "t:*");
        assertThat(offset(carriers.get(1))).containsEntry("memories", "b:*").containsEntry("tags", "");
        gate.confirm(0);
        List<SourceRecord> released = gate.take(NOW);
        assertThat(ids(released)).containsExactly("a", "b", "t");

        // Not yet acknowledged when the next wave starts: "a" is still named.
        gate.add(List.of(create("u1", "c")));
        List<SourceRecord> second = gate.take(NOW);
        assertThat(ids(second)).containsExactly("carrier:req-u1");
        assertThat(offset(second.get(0))).containsEntry("gen", 2L).containsEntry("memories", "a:*,c:*");
        returned(released, true);
        returned(second, true);
        gate.confirm(0);
        // u2's ids all settled: a carrier of its own empties its pending offset.
        List<SourceRecord> third = returned(gate.take(NOW), true);
        assertThat(ids(third)).containsExactly("c", "carrier:req-u2");
        assertThat(offset(third.get(1))).containsEntry("gen", 2L).containsEntry("memories", "").containsEntry("tags", "");
        gate.confirm(0);

        // Everything acknowledged before this carrier: only the new id is named.
        gate.add(List.of(create("u1", "d")));
        List<SourceRecord> fourth = gate.take(NOW);
        assertThat(offset(fourth.get(0))).containsEntry("gen", 3L).containsEntry("memories", "d:*").containsEntry("tags", "");
    }

    @Test
    void aUserFirstSeenContinuesTheGenerationInOffsetStorage() {
        offsets.stored.put(SourceOffsets.pendingPartition("u1"), new HashMap<>(SourceOffsets.pendingOffset(7, "x:*", "")));
        gate.add(List.of(create("u1", "a")));
        List<SourceRecord> carrier = gate.take(NOW);
        assertThat(offset(carrier.get(0))).containsEntry("gen", 8L);
        // Generation 7 in storage is not this carrier's.
        gate.committed();
        gate.confirm(0);
        assertThat(gate.take(NOW)).isEmpty();
    }

    @Test
    void heldRecordsAreBoundedInBytes() {
        CreateGate small = new CreateGate("p.access", u -> new CreateGate.Carrier("r", "approved"), offsets, 1_000);
        small.add(List.of(create("u1", "a"), create("u1", "b"), create("u1", "c"), create("u1", "d")));
        assertThat(small.full()).isTrue();
        small.take(NOW);
        assertThat(small.held()).isEqualTo(4);
    }

    /**
     * A user that joins a running task (TaskAccess's thread admits it, offsets loaded): its pending ids
     * from before a crash stay named by its next carrier until they settle, like a user of the start.
     */
    @Test
    void aUserAdmittedWhileTheTaskRunsKeepsItsRestoredPendingIds() throws Exception {
        offsets.stored.put(SourceOffsets.pendingPartition("u1"), new HashMap<>(SourceOffsets.pendingOffset(7, "x:*", "")));
        UserStream stream = new UserStream("u1", new UserStream.Settings("p.memories", "p.tags", true, true,
                io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError.FAIL), new SourceTaskMetrics(java.time.Clock.systemUTC()));
        stream.load(offsets.offsets(stream.partitions()));
        Thread admitting = new Thread(() -> gate.admit(stream));
        admitting.start();
        admitting.join();

        gate.add(List.of(create("u1", "a")));
        List<SourceRecord> carrier = gate.take(NOW);
        assertThat(ids(carrier)).containsExactly("carrier:req-u1");
        assertThat(offset(carrier.get(0))).containsEntry("gen", 8L).containsEntry("memories", "x:*,a:*");
    }

    /**
     * Seeds -999890 and 130 of SourceHistoryModelTest: a graceful stop right after the take that
     * returned a tombstone of an id its user's pending offset still named committed the tombstone's
     * bucket offset (without the id) and the pending offset (with it); the restarted task restored
     * the id as pending and tombstoned it a second time. Whatever take a graceful stop follows, the
     * pending offset must not name an id whose tombstone was returned.
     */
    @Test
    void aTombstonedIdLeavesThePendingOffsetInTheFlushThatCommitsItsTombstone() {
        gate.add(List.of(create("u1", "x")));
        flush(returned(gate.take(NOW), false));
        gate.confirm(0);
        // x goes out together with u2's new id, whose carrier is then waited for: no carrier for u1 meanwhile.
        gate.add(List.of(create("u2", "z")));
        List<SourceRecord> wave = returned(gate.take(NOW), false);
        assertThat(ids(wave)).containsExactly("x", "carrier:req-u2");
        // x is deleted (two listings later) while z still waits, then the carrier is flushed.
        gate.add(List.of(memory("u1", "x", SourceRecords.DELETE)));
        flush(wave);

        boolean tombstoned = false;
        for (int poll = 0; poll < 6; poll++) {
            gate.confirm(poll + 1);
            List<SourceRecord> batch = gate.take(NOW);
            // Every take is followed by a graceful stop's commit of everything returned.
            returned(batch, true);
            tombstoned |= ids(batch).contains("x");
            if (tombstoned) {
                assertThat(SourceOffsets.pendingOf(offsets.stored.get(SourceOffsets.pendingPartition("u1"))).memories().ids())
                        .as("u1's pending offset once x's tombstone is committed (poll %d)", poll)
                        .doesNotContain("x");
            }
        }
        assertThat(tombstoned).isTrue();
        assertThat(gate.held()).isZero();
    }

    /**
     * A tombstone of a pending id carries the pending offset without the id, and its bucket offset
     * moves to a status record right behind it: whichever of the two a crash leaves committed, the id
     * is either still pending or its tombstone is in Kafka. The same for an id recovered as pending
     * after a restart (never in a bucket offset).
     */
    @Test
    void aTombstoneOfAPendingIdCarriesThePendingOffsetWithoutIt() {
        Map<Map<String, String>, Map<String, Object>> stored = new HashMap<>();
        stored.put(SourceOffsets.pendingPartition("u1"), new HashMap<>(SourceOffsets.pendingOffset(4, "y:*", "")));
        offsets.stored.putAll(stored);
        UserStream stream = new UserStream("u1", new UserStream.Settings("p.memories", "p.tags", true, true,
                io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError.FAIL), new SourceTaskMetrics(java.time.Clock.systemUTC()));
        stream.load(stored);
        gate.resume(stream);

        gate.add(List.of(create("u1", "x")));
        flush(returned(gate.take(NOW), false));
        gate.confirm(0);
        assertThat(ids(returned(gate.take(NOW), false))).containsExactly("x");
        SourceRecord tombstone = memory("u1", "x", SourceRecords.DELETE);
        gate.add(List.of(tombstone));
        // Not acknowledged yet: it goes out at once all the same.
        List<SourceRecord> out = gate.take(NOW);
        assertThat(ids(out)).containsExactly("x", "carrier:req-u1");
        assertThat(out.get(0).sourcePartition()).isEqualTo(SourceOffsets.pendingPartition("u1"));
        assertThat(offset(out.get(0))).containsEntry("gen", 6L).containsEntry("memories", "y:*");
        assertThat(out.get(0).value()).isNull();
        assertThat(out.get(1).sourcePartition()).isEqualTo(tombstone.sourcePartition());
        assertThat(out.get(1).sourceOffset()).isEqualTo(tombstone.sourceOffset());
        assertThat(gate.waiting()).isFalse();

        gate.add(List.of(memory("u1", "y", SourceRecords.DELETE)));
        List<SourceRecord> recovered = gate.take(NOW);
        assertThat(ids(recovered)).containsExactly("y", "carrier:req-u1");
        assertThat(offset(recovered.get(0))).containsEntry("gen", 7L).containsEntry("memories", "");
    }

    /**
     * A batch goes out whole: its records before the last of a bucket carry the bucket's offset from
     * before the batch, so a prefix committed by a graceful stop while the rest waits would make the
     * restarted task emit the prefix again.
     */
    @Test
    void aBatchWithANewIdWaitsWhole() {
        gate.add(List.of(memory("u1", "k", SourceRecords.UPDATE), create("u1", "n")));
        List<SourceRecord> first = gate.take(NOW);
        assertThat(ids(first)).containsExactly("carrier:req-u1");
        flush(returned(first, false));
        gate.confirm(0);
        assertThat(ids(gate.take(NOW))).containsExactly("k", "n");
    }

    /**
     * SourceHistoryModelTest seed 128: a task resumed with a pending offset naming an id its bucket
     * offset names too (the stop came before the carrier that would have left it out) never wrote
     * that user's pending offset again while the user had no new id; the id was then tombstoned and
     * committed, and after a graceful restart the id, named by the pending offset alone, was restored
     * as pending and tombstoned a second time. The first take writes that user's pending offset anew.
     */
    @Test
    void aResumedPendingOffsetThatNamesIdsOfTheBucketsIsWrittenAnewAtOnce() {
        Map<Map<String, String>, Map<String, Object>> stored = new HashMap<>();
        stored.put(SourceOffsets.streamPartition("u1", "memories", Fingerprints.bucket("x")),
                new HashMap<>(SourceOffsets.streamOffset("x:" + Fingerprints.encode(42L))));
        stored.put(SourceOffsets.pendingPartition("u1"), new HashMap<>(SourceOffsets.pendingOffset(3, "x:*,y:*", "")));
        UserStream stream = new UserStream("u1", new UserStream.Settings("p.memories", "p.tags", true, true,
                io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError.FAIL), new SourceTaskMetrics(java.time.Clock.systemUTC()));
        assertThat(stream.load(stored)).isEmpty();
        assertThat(stream.pendingMemories()).containsExactly("y");
        gate.resume(stream);

        List<SourceRecord> first = gate.take(NOW);
        assertThat(ids(first)).containsExactly("carrier:req-u1");
        // y, which no bucket names, stays until a listing settles it.
        assertThat(offset(first.get(0))).containsEntry("gen", 4L).containsEntry("memories", "y:*");
        assertThat(gate.waiting()).isFalse();
        assertThat(gate.take(NOW)).isEmpty();
    }
}
