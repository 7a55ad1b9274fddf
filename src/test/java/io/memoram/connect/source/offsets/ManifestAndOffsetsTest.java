package io.memoram.connect.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManifestAndOffsetsTest {

    private static MemoryBlob blob(String id, String content, Instant updated) {
        return new MemoryBlob(id, "u1", content, Instant.parse("2026-01-01T00:00:00Z"), updated, "src", "title", null,
                0.5, null, List.of("a"), List.of("t1"));
    }

    @Test
    void manifestRoundTripsIdsWithSeparatorsInThem() {
        Manifest m = new Manifest();
        m.put("plain", "AAAAAAAAAAA");
        m.put("we,ird:id%", "BBBBBBBBBBB");
        Manifest back = Manifest.parse(m.encode());
        assertThat(back.ids()).containsExactlyInAnyOrder("plain", "we,ird:id%");
        assertThat(back.fingerprint("we,ird:id%")).isEqualTo("BBBBBBBBBBB");
        assertThat(Manifest.parse("").size()).isZero();
    }

    @Test
    void malformedManifestsAreRejected() {
        assertThatThrownBy(() -> Manifest.parse("no-colon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Manifest.parse("id:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Manifest.parse("a%zz:AAAAAAAAAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintIsShortAndChangesWithEveryEmittedField() {
        Instant t = Instant.parse("2026-02-01T00:00:00Z");
        String fp = Fingerprints.blob(blob("b1", "sealed", t));
        assertThat(fp).hasSize(Fingerprints.LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(Fingerprints.blob(blob("b1", "sealed", t))).isEqualTo(fp);
        assertThat(Fingerprints.blob(blob("b1", "sealed2", t))).isNotEqualTo(fp);
        assertThat(Fingerprints.blob(blob("b1", "sealed", t.plusMillis(1)))).isNotEqualTo(fp);
        assertThat(Fingerprints.blob(blob("b2", "sealed", t))).isNotEqualTo(fp);
        MemoryBlob retitled = new MemoryBlob("b1", "u1", "sealed", Instant.parse("2026-01-01T00:00:00Z"), t, "src", "other", null,
                0.5, null, List.of("a"), List.of("t1"));
        assertThat(Fingerprints.blob(retitled)).isNotEqualTo(fp);
        Tag tag = new Tag("t1", "work", null, "#ff0000", true, t, t);
        assertThat(Fingerprints.tag(tag)).isNotEqualTo(Fingerprints.tag(new Tag("t1", "work", null, "#00ff00", true, t, t)));
    }

    @Test
    void bucketsAreStableHexDigitsAndSpread() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String b = Fingerprints.bucket("blob-" + i);
            assertThat(SourceOffsets.BUCKETS).contains(b);
            seen.add(b);
        }
        assertThat(seen).hasSize(16);
        assertThat(Fingerprints.bucket("blob-1")).isEqualTo(Fingerprints.bucket("blob-1"));
    }

    private static String sameBucketAs(String a, String other) {
        for (int i = 1; ; i++) {
            String b = "blob-" + i;
            if (!b.equals(other) && Fingerprints.bucket(b).equals(Fingerprints.bucket(a))) {
                return b;
            }
        }
    }

    @Test
    void theLastRecordOfABucketInABatchCarriesTheWholeNewManifestEarlierOnesTheStateBefore() {
        StreamManifests s = new StreamManifests("u1", SourceOffsets.MEMORIES);
        String a = "blob-0";
        String b = sameBucketAs(a, a);
        String c = sameBucketAs(a, b);
        String other = null;
        for (int i = 1; other == null; i++) {
            if (!Fingerprints.bucket("x-" + i).equals(Fingerprints.bucket(a))) {
                other = "x-" + i;
            }
        }
        StreamManifests.Batch first = s.batch();
        first.put(a, "AAAAAAAAAAA");
        first.put(other, "OOOOOOOOOOO");
        first.put(b, "BBBBBBBBBBB");
        List<StreamManifests.Position> p1 = first.close();
        assertThat(p1.get(0).partition()).isEqualTo(Map.of("user_id", "u1", "stream", "memories", "bucket", Fingerprints.bucket(a)));
        assertThat(SourceOffsets.manifestOf(p1.get(0).offset()).ids()).as("before the batch").isEmpty();
        assertThat(SourceOffsets.manifestOf(p1.get(1).offset()).ids()).containsExactly(other);
        assertThat(SourceOffsets.manifestOf(p1.get(2).offset()).ids()).containsExactlyInAnyOrder(a, b);

        StreamManifests.Batch second = s.batch();
        second.remove(a);
        second.put(c, "CCCCCCCCCCC");
        List<StreamManifests.Position> p2 = second.close();
        assertThat(SourceOffsets.manifestOf(p2.get(0).offset()).ids()).as("state after the first batch").containsExactlyInAnyOrder(a, b);
        assertThat(SourceOffsets.manifestOf(p2.get(1).offset()).ids()).containsExactlyInAnyOrder(b, c);
        // Handed-out offsets never change afterwards.
        assertThat(SourceOffsets.manifestOf(p1.get(2).offset()).ids()).containsExactlyInAnyOrder(a, b);

        StreamManifests reloaded = new StreamManifests("u1", SourceOffsets.MEMORIES);
        Map<Map<String, String>, Map<String, Object>> stored = new HashMap<>();
        for (StreamManifests.Position p : List.of(p1.get(1), p2.get(1))) {
            @SuppressWarnings("unchecked")
            Map<String, String> part = (Map<String, String>) p.partition();
            Map<String, Object> off = new HashMap<>(p.offset());
            off.put("v", 1L); // as read back through JSON
            stored.put(part, off);
        }
        assertThat(reloaded.load(stored)).isEmpty();
        assertThat(reloaded.ids()).containsExactlyInAnyOrder(b, c, other);
        assertThat(reloaded.fingerprint(c)).isEqualTo("CCCCCCCCCCC");
        StreamManifests.Batch third = reloaded.batch();
        third.put(a, "AAAAAAAAAAA");
        third.put(b, "BBBBBBBBBB2");
        List<StreamManifests.Position> p3 = third.close();
        assertThat(SourceOffsets.manifestOf(p3.get(0).offset()).ids()).as("the loaded state").containsExactlyInAnyOrder(b, c);
    }

    @Test
    void malformedStoredOffsetsAreReportedAndTreatedAsEmpty() {
        StreamManifests s = new StreamManifests("u1", SourceOffsets.MEMORIES);
        Map<Map<String, String>, Map<String, Object>> stored = new HashMap<>();
        stored.put(SourceOffsets.streamPartition("u1", "memories", "3"), Map.of("v", 7, "manifest", ""));
        assertThat(s.load(stored)).singleElement().asString().contains("bucket 3");
        assertThat(s.size()).isZero();
    }

    @Test
    void alterOffsetsValidationAcceptsOurShapesAndResets() {
        SourceOffsets.validate(Map.of("user_id", "u1", "stream", "memories", "bucket", "a"), null);
        SourceOffsets.validate(Map.of("user_id", "u1", "stream", "tags", "bucket", "0"), Map.of("v", 1, "manifest", "x:AAAAAAAAAAA"));
        SourceOffsets.validate(Map.of("memory_key_sha256", "ab".repeat(32)), Map.of("request_id", "r1", "status", "pending"));
        SourceOffsets.validate(Map.of("access_request_id", "r1"), null);
        SourceOffsets.validate(Map.of("user_id", "u1", "stream", "pending", "bucket", "-"), null);
        SourceOffsets.validate(Map.of("user_id", "u1", "stream", "pending", "bucket", "-"),
                Map.of("v", 1, "gen", 4, "memories", "a:*,b%2C:*", "tags", ""));
    }

    @Test
    void alterOffsetsValidationRejectsABrokenPendingOffset() {
        Map<String, String> pending = Map.of("user_id", "u1", "stream", "pending", "bucket", "-");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("user_id", "u1", "stream", "pending", "bucket", "a"), null))
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> SourceOffsets.validate(pending, Map.of("v", 1, "memories", "", "tags", "")))
                .hasMessageContaining("gen");
        assertThatThrownBy(() -> SourceOffsets.validate(pending, Map.of("v", 1, "gen", -1, "memories", "", "tags", "")))
                .hasMessageContaining("gen");
        assertThatThrownBy(() -> SourceOffsets.validate(pending, Map.of("v", 1, "gen", 1, "memories", "broken", "tags", "")))
                .hasMessageContaining("manifest entry");
    }

    @Test
    void alterOffsetsValidationRejectsEverythingElseWithAReason() {
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("foo", "bar"), null)).hasMessageContaining("unknown source partition");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("user_id", "u1", "stream", "other", "bucket", "a"), null))
                .hasMessageContaining("stream");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("user_id", "u1", "stream", "tags", "bucket", "g"), null))
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("user_id", "u1", "stream", "tags", "bucket", "1"),
                Map.of("v", 2, "manifest", ""))).hasMessageContaining("version");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("user_id", "u1", "stream", "tags", "bucket", "1"),
                Map.of("v", 1, "manifest", "broken"))).hasMessageContaining("manifest entry");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("memory_key_sha256", "not-a-hash"), null))
                .hasMessageContaining("64");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("access_request_id", "r1"), Map.of("status", "approved")))
                .hasMessageContaining("request_id");
    }

    @Test
    void partitionsSerializeToTheSameBytesAfterARoundTripThroughConnect() {
        org.apache.kafka.connect.json.JsonConverter json = new org.apache.kafka.connect.json.JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), true);
        Map<String, String> partition = SourceOffsets.streamPartition("5c7e92f2-ba4e-41da-bbd0-9039310a3fa6", "memories", "c");
        byte[] written = json.fromConnectData("offsets", null, partition);
        // What GET /offsets shows and an operator sends back: the map Connect deserialized.
        Object readBack = json.toConnectData("offsets", written).value();
        java.util.LinkedHashMap<Object, Object> resent = new java.util.LinkedHashMap<>((Map<?, ?>) readBack);
        assertThat(json.fromConnectData("offsets", null, resent)).isEqualTo(written);
        assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"bucket\":\"c\",\"user_id\":\"5c7e92f2-ba4e-41da-bbd0-9039310a3fa6\",\"stream\":\"memories\"}");
    }
}
