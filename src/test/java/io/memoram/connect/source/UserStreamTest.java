package io.memoram.connect.source;

import io.memoram.connect.source.offsets.SignalState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.crypto.KeyRing;
import io.memoram.connect.crypto.NoKeyOpensException;
import io.memoram.connect.source.offsets.Fingerprints;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class UserStreamTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    /** "Decrypts" content of the form sealed(x) to x; anything else fails like a wrong key. */
    private static final UserStream.Opener OPENER = content -> {
        if (content.startsWith("sealed(") && content.endsWith(")")) {
            return new KeyRing.Opened(content.substring(7, content.length() - 1), 3);
        }
        throw new NoKeyOpensException("no key opens it", null);
    };

    private final SourceTaskMetrics metrics = new SourceTaskMetrics(Clock.systemUTC());

    private UserStream stream(String onDelete, String onDecryptionError) {
        return new UserStream("u1", new UserStream.Settings("m", "t", true, onDelete.equals("tombstone"),
                io.memoram.connect.config.MemoramSourceConfig.OnDecryptionError.valueOf(onDecryptionError.toUpperCase(java.util.Locale.ROOT))), metrics);
    }

    private static MemoryBlob blob(String id, String content, int version) {
        return new MemoryBlob(id, "u1", content, NOW, NOW.plusSeconds(version), "src", "title " + id, null, 0.5, 0.9,
                List.of("x"), List.of("tx"));
    }

    private static String op(SourceRecord r) {
        return r.headers().lastWithName(SourceRecords.OP_HEADER).value().toString();
    }

    private static String id(SourceRecord r) {
        return ((Struct) r.key()).getString("id");
    }

    /** One complete listing over pages of {@code pageSize}. */
    private static List<SourceRecord> pass(UserStream s, List<MemoryBlob> all, int pageSize) {
        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < all.size() || i == 0; i += pageSize) {
            List<MemoryBlob> page = all.subList(Math.min(i, all.size()), Math.min(i + pageSize, all.size()));
            boolean last = i + pageSize >= all.size();
            out.addAll(s.applyBlobs(page, last ? null : "c" + i, OPENER));
            if (last) {
                out.addAll(s.completeListing(NOW));
            }
        }
        return out;
    }

    @Test
    void emitsOnlyNewAndChangedBlobsAndDeletesAfterTwoMissingListings() {
        UserStream s = stream("tombstone", "fail");
        List<MemoryBlob> v1 = List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1), blob("c", "sealed(C)", 1));
        List<SourceRecord> first = pass(s, v1, 2);
        assertThat(first).extracting(UserStreamTest::id).containsExactly("a", "b", "c");
        assertThat(first).extracting(UserStreamTest::op).containsOnly("c");
        Struct value = (Struct) first.get(0).value();
        assertThat(value.getString("content")).isEqualTo("A");
        assertThat(value.getInt32("key_version")).isEqualTo(3);
        assertThat(first.get(0).timestamp()).isEqualTo(NOW.plusSeconds(1).toEpochMilli());

        assertThat(pass(s, v1, 2)).isEmpty();

        List<MemoryBlob> v2 = List.of(blob("a", "sealed(A2)", 2), blob("c", "sealed(C)", 1), blob("d", "sealed(D)", 1));
        List<SourceRecord> second = pass(s, v2, 2);
        assertThat(second).extracting(r -> id(r) + "/" + op(r)).containsExactly("a/u", "d/c");
        List<SourceRecord> third = pass(s, v2, 2);
        assertThat(third).extracting(r -> id(r) + "/" + op(r)).containsExactly("b/d");
        assertThat(third.get(0).value()).isNull();
        assertThat(third.get(0).valueSchema()).isNull();
        assertThat(SourceOffsets.manifestOf(third.get(0).sourceOffset()).ids()).doesNotContain("b");
        assertThat(pass(s, v2, 2)).isEmpty();
    }

    @Test
    void aBlobThatReappearsIsNotDeleted() {
        UserStream s = stream("tombstone", "fail");
        pass(s, List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), 5);
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1)), 5)).isEmpty();
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), 5)).isEmpty();
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1)), 5)).isEmpty();
    }

    @Test
    void anIncompleteListingDetectsNoDeletions() {
        UserStream s = stream("tombstone", "fail");
        pass(s, List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), 5);
        for (int i = 0; i < 3; i++) {
            s.applyBlobs(List.of(blob("a", "sealed(A)", 1)), "more", OPENER);
            s.restartPass();
        }
        assertThat(s.blobsKnown()).isEqualTo(2);
    }

    @Test
    void ignoreForgetsDeletedBlobsWithoutRecordsAndTheNextRecordCarriesTheSmallerManifest() {
        UserStream s = stream("ignore", "fail");
        pass(s, List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), 5);
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1)), 5)).isEmpty();
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1)), 5)).isEmpty();
        assertThat(s.blobsKnown()).isEqualTo(1);
        // The next record in b's bucket carries that bucket's manifest without b.
        String c = "c";
        for (int i = 0; !Fingerprints.bucket(c).equals(Fingerprints.bucket("b")); i++) {
            c = "c" + i;
        }
        List<SourceRecord> next = pass(s, List.of(blob("a", "sealed(A)", 1), blob(c, "sealed(C)", 1)), 5);
        assertThat(next).singleElement().satisfies(r -> {
            assertThat(id(r)).isNotEqualTo("b");
            assertThat(r.sourcePartition()).isEqualTo(SourceOffsets.streamPartition("u1", "memories", Fingerprints.bucket("b")));
            assertThat(SourceOffsets.manifestOf(r.sourceOffset()).ids()).as("b forgotten").doesNotContain("b").contains(id(r));
        });
    }

    @Test
    void decryptionFailurePolicies() {
        List<MemoryBlob> blobs = List.of(blob("a", "sealed(A)", 1), blob("bad", "garbage", 1));

        UserStream fail = stream("tombstone", "fail");
        assertThatThrownBy(() -> pass(fail, blobs, 5)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("bad").hasMessageContaining("u1").hasMessageNotContaining("garbage");

        UserStream skip = stream("tombstone", "skip");
        assertThat(pass(skip, blobs, 5)).extracting(UserStreamTest::id).containsExactly("a");
        long failures = metrics.getDecryptionFailures();
        assertThat(pass(skip, blobs, 5)).isEmpty();
        assertThat(metrics.getDecryptionFailures()).as("not re-counted every pass").isEqualTo(failures);
        skip.keyVersion(4);
        assertThat(pass(skip, List.of(blob("a", "sealed(A)", 1), blob("bad", "sealed(fixed)", 2)), 5))
                .extracting(UserStreamTest::id).containsExactly("bad");

        UserStream raw = stream("tombstone", "raw");
        List<SourceRecord> out = pass(raw, blobs, 5);
        assertThat(out).hasSize(2);
        SourceRecord r = out.get(1);
        assertThat(((Struct) r.value()).getString("content")).isEqualTo("garbage");
        assertThat(((Struct) r.value()).getInt32("key_version")).isNull();
        assertThat(r.headers().lastWithName(SourceRecords.RAW_HEADER).value()).isEqualTo("true");
        assertThat(out.get(0).headers().lastWithName(SourceRecords.RAW_HEADER)).isNull();
    }

    @Test
    void aFailureInsideAPageChangesNothing() {
        UserStream s = stream("tombstone", "fail");
        UserStream.Opener flaky = content -> {
            if (content.contains("B")) {
                throw new IllegalStateException("503 while refreshing credentials");
            }
            return OPENER.open(content);
        };
        assertThatThrownBy(() -> s.applyBlobs(List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), null, flaky))
                .isInstanceOf(IllegalStateException.class);
        assertThat(s.blobsKnown()).isZero();
        assertThat(pass(s, List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1)), 5)).hasSize(2);
    }

    @Test
    void tagsAreEmittedWhenNewOrChangedAndTombstonedWhenGone() {
        UserStream s = stream("tombstone", "fail");
        Tag work = new Tag("t1", "work", "desc", "#112233", true, NOW, NOW);
        Tag home = new Tag("t2", "home", null, "#445566", true, NOW, NOW);
        assertThat(s.needsTags()).isTrue();
        List<SourceRecord> first = s.applyTags(List.of(work, home), NOW);
        assertThat(first).extracting(r -> ((Struct) r.key()).getString("id") + "/" + op(r)).containsExactly("t1/c", "t2/c");
        assertThat(((Struct) first.get(0).value()).getString("color")).isEqualTo("#112233");
        assertThat(s.needsTags()).isFalse();
        s.completeListing(NOW);
        Tag work2 = new Tag("t1", "work", "desc", "#000000", true, NOW, NOW.plusSeconds(5));
        List<SourceRecord> second = s.applyTags(List.of(work2), NOW);
        assertThat(second).extracting(r -> ((Struct) r.key()).getString("id") + "/" + op(r)).containsExactly("t1/u", "t2/d");
        assertThat(second.get(1).value()).isNull();
    }

    @Test
    void stateSurvivesARestartThroughTheLastOffsetOfEachPartition() {
        UserStream s = stream("tombstone", "fail");
        List<MemoryBlob> blobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blobs.add(blob("blob-" + i, "sealed(" + i + ")", 1));
        }
        Map<Map<String, String>, Map<String, Object>> committed = new HashMap<>();
        for (SourceRecord r : pass(s, blobs, 7)) {
            @SuppressWarnings("unchecked")
            Map<String, String> p = (Map<String, String>) r.sourcePartition();
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) r.sourceOffset();
            committed.put(p, o);
        }
        UserStream restarted = stream("tombstone", "fail");
        assertThat(restarted.load(committed)).isEmpty();
        assertThat(restarted.blobsKnown()).isEqualTo(40);
        assertThat(pass(restarted, blobs, 7)).isEmpty();
    }

    @Test
    void aPartlyAcknowledgedBatchMayReEmitButNeverMisses() {
        UserStream s = stream("tombstone", "fail");
        List<MemoryBlob> blobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blobs.add(blob("blob-" + i, "sealed(" + i + ")", 1));
        }
        List<SourceRecord> emitted = pass(s, blobs, 40);
        for (int acked = 0; acked <= emitted.size(); acked += 7) {
            // The framework commits, per partition, the offset of the last acknowledged record.
            Map<Map<String, String>, Map<String, Object>> committed = new HashMap<>();
            for (SourceRecord r : emitted.subList(0, acked)) {
                @SuppressWarnings("unchecked")
                Map<String, String> p = (Map<String, String>) r.sourcePartition();
                @SuppressWarnings("unchecked")
                Map<String, Object> o = (Map<String, Object>) r.sourceOffset();
                committed.put(p, o);
            }
            UserStream restarted = stream("tombstone", "fail");
            restarted.load(committed);
            List<String> again = pass(restarted, blobs, 40).stream().map(UserStreamTest::id).toList();
            List<String> notAcked = emitted.subList(acked, emitted.size()).stream().map(UserStreamTest::id).toList();
            assertThat(again).as("after %s acknowledged", acked).containsAll(notAcked);
        }
    }

    /**
     * A re-stream emits every live blob again as a re-read (op r) in the next complete listing, a
     * change as usual, a deletion as usual, and ends with its notification; it then stops.
     */
    @Test
    void aRestreamReReadsEveryLiveBlobOnceAndEndsWithItsNotification() {
        UserStream s = stream("tombstone", "fail");
        s.notifyTo("notes", false);
        List<MemoryBlob> v1 = List.of(blob("a", "sealed(A)", 1), blob("b", "sealed(B)", 1), blob("c", "sealed(C)", 1));
        pass(s, v1, 2);
        List<SourceRecord> started = s.startRestream("rs", 5, NOW);
        assertThat(started).hasSize(1);
        assertThat(((Struct) started.get(0).value()).getString("type")).isEqualTo(Notifications.RESTREAM_STARTED);
        assertThat(started.get(0).sourceOffset().get(SignalState.RESTREAM)).isEqualTo("rs");

        List<MemoryBlob> v2 = List.of(blob("a", "sealed(A2)", 2), blob("c", "sealed(C)", 1), blob("d", "sealed(D)", 1));
        List<SourceRecord> restream = pass(s, v2, 2);
        Map<String, String> ops = new HashMap<>();
        restream.stream().filter(r -> r.key() instanceof Struct).forEach(r -> ops.put(id(r), op(r)));
        // "a" changed before the re-stream reached it: once, as it is now; "b" is gone (one missing listing: suspect).
        assertThat(ops).containsExactlyInAnyOrderEntriesOf(Map.of("a", "r", "c", "r", "d", "c"));
        assertThat(((Struct) restream.get(0).value()).getString("content")).isEqualTo("A2");
        SourceRecord done = restream.get(restream.size() - 1);
        assertThat(((Struct) done.value()).getString("type")).isEqualTo(Notifications.RESTREAM_COMPLETE);
        assertThat(((Struct) done.value()).getInt64("blobs")).isEqualTo(2L);
        assertThat(done.sourceOffset().get(SignalState.RESTREAM)).isEqualTo("");

        List<SourceRecord> after = pass(s, v2, 2);
        assertThat(after).extracting(UserStreamTest::op).containsExactly("d"); // b's tombstone, nothing re-read again
        assertThat(after).extracting(UserStreamTest::id).containsExactly("b");
    }
}
