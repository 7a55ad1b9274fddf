package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.source.offsets.Fingerprints;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the stored offset format to exact values. Every user's manifest in offset storage holds
 * these fingerprints and buckets: if any of them changed (a field hashed differently, a different
 * encoding, another bucket function), every blob of every user would be emitted again, or looked
 * up in the wrong partition, after an upgrade. A failure here is a format change, not a test to
 * update: change the code back, or plan a migration (a new offset version).
 */
class OffsetFormatPinTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant UPDATED = Instant.parse("2026-02-01T12:34:56.789Z");

    private static MemoryBlob base() {
        return new MemoryBlob("b1", "u1", "sealed", CREATED, UPDATED, "src", "title", "summary", 0.5, 0.25,
                List.of("a", "b"), List.of("t1", "t2"));
    }

    /** The base blob with exactly one of the 11 hashed fields changed, by field name. */
    private static Map<String, MemoryBlob> variants() {
        MemoryBlob b = base();
        Map<String, MemoryBlob> m = new LinkedHashMap<>();
        m.put("base", b);
        m.put("id", new MemoryBlob("b2", b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("updated_at", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), UPDATED.plusMillis(1), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("content", new MemoryBlob(b.id(), b.userId(), "sealed2", b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("title", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), "other", b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("summary", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), null, b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("tags", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), List.of("b", "a"), b.tagIds()));
        m.put("tag_ids", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), List.of("t1")));
        m.put("importance", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), 1.0, b.confidence(), b.tags(), b.tagIds()));
        m.put("confidence", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), null, b.tags(), b.tagIds()));
        m.put("source", new MemoryBlob(b.id(), b.userId(), b.content(), b.createdAt(), b.updatedAt(), "elsewhere", b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        m.put("created_at", new MemoryBlob(b.id(), b.userId(), b.content(), CREATED.plusSeconds(1), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        // Not hashed: the user id (a manifest is per user already).
        m.put("user_id (not hashed)", new MemoryBlob(b.id(), "u2", b.content(), b.createdAt(), b.updatedAt(), b.source(), b.title(), b.summary(), b.importance(), b.confidence(), b.tags(), b.tagIds()));
        return m;
    }

    private static Map<String, String> expectedBlobFingerprints() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("base", "th5Vf04YX3Q");
        m.put("id", "MVg06OJRFQA");
        m.put("updated_at", "7BFT4xl35VE");
        m.put("content", "RmtqJ0FvHX4");
        m.put("title", "KgVGAUGUyqw");
        m.put("summary", "OsREvL0NUqw");
        m.put("tags", "1HiBH5AZs4A");
        m.put("tag_ids", "5RZUSEuPm1k");
        m.put("importance", "xnnSFPpEksA");
        m.put("confidence", "afZcb2vCTVE");
        m.put("source", "OMEadGd16Xk");
        m.put("created_at", "AWjGb2GAhZk");
        m.put("user_id (not hashed)", "th5Vf04YX3Q");
        return m;
    }

    @Test
    void blobFingerprintsOfEveryHashedFieldArePinned() {
        Map<String, String> actual = new LinkedHashMap<>();
        variants().forEach((field, blob) -> actual.put(field, Fingerprints.blob(blob)));
        assertThat(actual).containsExactlyEntriesOf(expectedBlobFingerprints());
    }

    @Test
    void tagFingerprintsOfEveryHashedFieldArePinned() {
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("base", Fingerprints.tag(new Tag("t1", "work", "desc", "#ff0000", true, CREATED, UPDATED)));
        actual.put("id", Fingerprints.tag(new Tag("t2", "work", "desc", "#ff0000", true, CREATED, UPDATED)));
        actual.put("name", Fingerprints.tag(new Tag("t1", "home", "desc", "#ff0000", true, CREATED, UPDATED)));
        actual.put("description", Fingerprints.tag(new Tag("t1", "work", null, "#ff0000", true, CREATED, UPDATED)));
        actual.put("color", Fingerprints.tag(new Tag("t1", "work", "desc", "#00ff00", true, CREATED, UPDATED)));
        actual.put("is_enabled", Fingerprints.tag(new Tag("t1", "work", "desc", "#ff0000", false, CREATED, UPDATED)));
        actual.put("created_at", Fingerprints.tag(new Tag("t1", "work", "desc", "#ff0000", true, CREATED.plusSeconds(1), UPDATED)));
        actual.put("updated_at", Fingerprints.tag(new Tag("t1", "work", "desc", "#ff0000", true, CREATED, UPDATED.plusMillis(1))));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("base", "2Ve5QZiIw4Q");
        expected.put("id", "87sqBHh1GsA");
        expected.put("name", "y9R92N_BawI");
        expected.put("description", "B1v4dbUI4EU");
        expected.put("color", "ZWNj430T42w");
        expected.put("is_enabled", "jeif6Dx4Eug");
        expected.put("created_at", "MT2pKwTIPJg");
        expected.put("updated_at", "xFIVYaAm6TQ");
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void bucketsArePinned() {
        Map<String, String> actual = new LinkedHashMap<>();
        for (String id : List.of("b1", "b2", "blob-0", "blob-1", "5c7e92f2-ba4e-41da-bbd0-9039310a3fa6", "we,ird:id%", "\u00e9")) {
            actual.put(id, Fingerprints.bucket(id));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("b1", "7");
        expected.put("b2", "4");
        expected.put("blob-0", "b");
        expected.put("blob-1", "2");
        expected.put("5c7e92f2-ba4e-41da-bbd0-9039310a3fa6", "8");
        expected.put("we,ird:id%", "b");
        expected.put("\u00e9", "4");
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void theStoredOffsetOfABucketIsPinnedToTheByte() {
        StreamManifests s = new StreamManifests("u1", SourceOffsets.MEMORIES);
        StreamManifests.Batch batch = s.batch();
        MemoryBlob b = base();
        batch.put(b.id(), Fingerprints.blob(b));
        batch.put("we,ird:id%", "AAAAAAAAAAA");
        List<StreamManifests.Position> p = batch.close();
        assertThat(p.get(0).partition()).isEqualTo(SourceOffsets.streamPartition("u1", "memories", "7"));
        assertThat(p.get(0).offset()).isEqualTo(Map.of("v", 1, "manifest", "b1:th5Vf04YX3Q"));
        assertThat(p.get(1).partition()).isEqualTo(SourceOffsets.streamPartition("u1", "memories", "b"));
        assertThat(p.get(1).offset()).isEqualTo(Map.of("v", 1, "manifest", "we%2Cird%3Aid%25:AAAAAAAAAAA"));

        // A stored manifest (bucket 7, an escaped id) reads back to exactly these entries.
        StreamManifests reloaded = new StreamManifests("u1", SourceOffsets.MEMORIES);
        Map<Map<String, String>, Map<String, Object>> stored = Map.of(
                SourceOffsets.streamPartition("u1", "memories", "7"), Map.of("v", 1L, "manifest", "b1:th5Vf04YX3Q,x%3A47:AAAAAAAAAAA"));
        assertThat(reloaded.load(stored)).isEmpty();
        assertThat(reloaded.ids()).containsExactlyInAnyOrder("b1", "x:47");
        assertThat(reloaded.fingerprint("b1")).isEqualTo("th5Vf04YX3Q");
        assertThat(reloaded.fingerprint("x:47")).isEqualTo("AAAAAAAAAAA");
        // And is written back, after one more change in that bucket, with both entries.
        StreamManifests.Batch more = reloaded.batch();
        more.put("b1", "BBBBBBBBBBB");
        assertThat(SourceOffsets.manifestOf(more.close().get(0).offset()).encode())
                .isIn("b1:BBBBBBBBBBB,x%3A47:AAAAAAAAAAA", "x%3A47:AAAAAAAAAAA,b1:BBBBBBBBBBB");
    }

    /**
     * The pending offset (added after v1 shipped, in the same version: older offsets simply have no
     * pending partition, and read as having no pending ids). Its ids are manifests of {@code *}
     * fingerprints, which a connector without pending offsets also reads (as "changed").
     */
    @Test
    void thePendingOffsetIsPinnedToTheByte() {
        assertThat(SourceOffsets.pendingPartition("u1")).isEqualTo(SourceOffsets.streamPartition("u1", "pending", "-"));
        assertThat(SourceOffsets.pendingOffset(3, "b1:*,we%2Cird%3Aid%25:*", "t1:*"))
                .containsExactly(Map.entry("v", 1), Map.entry("gen", 3L), Map.entry("memories", "b1:*,we%2Cird%3Aid%25:*"),
                        Map.entry("tags", "t1:*"));

        // As offset storage gives it back (JSON numbers as Long or Integer).
        SourceOffsets.Pending p = SourceOffsets.pendingOf(Map.of("v", 1L, "gen", 3, "memories", "b1:*,we%2Cird%3Aid%25:*", "tags", ""));
        assertThat(p.gen()).isEqualTo(3);
        assertThat(p.memories().ids()).containsExactlyInAnyOrder("b1", "we,ird:id%");
        assertThat(p.tags().ids()).isEmpty();
        assertThat(SourceOffsets.pendingOf(null)).isSameAs(SourceOffsets.Pending.NONE);

        // A bucket that names an id as pending ("*") reads it as pending and writes it back unchanged.
        StreamManifests s = new StreamManifests("u1", SourceOffsets.MEMORIES);
        assertThat(s.load(Map.of(SourceOffsets.streamPartition("u1", "memories", "7"), Map.of("v", 1L, "manifest", "b1:*")))).isEmpty();
        assertThat(s.pending(7, "b1")).isTrue();
        assertThat(s.fingerprint("b1")).isEqualTo("*");
        StreamManifests.Batch more = s.batch();
        more.put("b1", "th5Vf04YX3Q");
        assertThat(more.close().get(0).offset()).isEqualTo(Map.of("v", 1, "manifest", "b1:th5Vf04YX3Q"));
    }

    /** What the gate writes for the first new id of a user, to the byte. */
    @Test
    void theGatesCarrierIsPinned() {
        CreateGate gate = new CreateGate("p.access", u -> new CreateGate.Carrier("req1", "approved"), new Fakes.Offsets(), 1 << 20);
        gate.add(List.of(CreateGateTest.create("u1", "b1")));
        org.apache.kafka.connect.source.SourceRecord carrier = gate.take(CREATED).get(0);
        assertThat(carrier.sourcePartition()).isEqualTo(SourceOffsets.pendingPartition("u1"));
        assertThat(carrier.sourceOffset()).isEqualTo(Map.of("v", 1, "gen", 1L, "memories", "b1:*", "tags", ""));
        assertThat(carrier.topic()).isEqualTo("p.access");
        assertThat(carrier.key()).isEqualTo("req1");
        assertThat(((org.apache.kafka.connect.data.Struct) carrier.value()).getString("status")).isEqualTo("approved");
    }
}
