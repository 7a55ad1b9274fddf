package io.memoram.connect.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signals offset and the re-stream field of bucket offsets: additions to the offset format,
 * so a missing one reads as "nothing applied" and alterOffsets accepts what the task writes.
 */
class SignalStateTest {
    @Test
    void roundTripsThroughItsOffset() {
        SignalState s = new SignalState();
        s.applied("a,b%c", 4);
        s.applied("plain", -1);
        s.paused = true;
        s.restream = "rs";
        s.loaded = true;
        SignalState back = SignalState.parse(s.offset());
        assertThat(back.pos).isEqualTo(5);
        assertThat(back.handled("a,b%c")).isTrue();
        assertThat(back.handled("plain")).isTrue();
        assertThat(back.handled("other")).isFalse();
        assertThat(back.paused).isTrue();
        assertThat(back.restream).isEqualTo("rs");
        assertThat(back.loaded).isTrue();
        SourceOffsets.validate(SignalState.partition("u1"), s.offset());
    }

    @Test
    void rememberesTheLastIdsOnly() {
        SignalState s = new SignalState();
        for (int i = 0; i < SignalState.MAX_IDS + 5; i++) {
            s.applied("id" + i, i);
        }
        assertThat(s.handled("id0")).isFalse();
        assertThat(s.handled("id" + (SignalState.MAX_IDS + 4))).isTrue();
        assertThat(s.pos).isEqualTo(SignalState.MAX_IDS + 5);
    }

    @Test
    void aMissingOffsetIsAFreshStateAndAMalformedOneIsRefused() {
        assertThat(SignalState.parse(null).pos).isEqualTo(-1);
        Map<String, Object> bad = new LinkedHashMap<>(new SignalState().offset());
        bad.put("paused", "yes");
        assertThatThrownBy(() -> SignalState.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SourceOffsets.validate(SignalState.partition("u1"), bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketOffsetsMayNameTheRestreamInProgress() {
        Map<String, String> bucket = SourceOffsets.streamPartition("u1", SourceOffsets.MEMORIES, "0");
        SourceOffsets.validate(bucket, SourceOffsets.streamOffset("b1:r", "rs"));
        SourceOffsets.validate(bucket, SourceOffsets.streamOffset("b1:th5Vf04YX3Q"));
        assertThat(SourceOffsets.streamOffset("x:*")).doesNotContainKey(SourceOffsets.RESTREAM);
        assertThat(SourceOffsets.restreamOf(SourceOffsets.streamOffset("b1:r", "rs"))).isEqualTo("rs");
    }

    @Test
    void aRestreamMarksKnownIdsAndAResumedOneMarksOnlyBucketsWrittenBeforeIt() {
        StreamManifests m = new StreamManifests("u1", SourceOffsets.MEMORIES);
        StreamManifests.Batch batch = m.batch();
        batch.put("a", "th5Vf04YX3Q");
        batch.put("b", "MVg06OJRFQA");
        batch.close();
        assertThat(m.restream("rs")).isEqualTo(2);
        int ba = Fingerprints.bucketIndex("a");
        assertThat(m.rereading(ba, "a")).isTrue();
        // Bucket of "a" written under the re-stream after "a" was re-read; the bucket of "b" never written since.
        StreamManifests.Batch again = m.batch();
        again.put("a", "th5Vf04YX3Q");
        java.util.List<StreamManifests.Position> pos = again.close();
        assertThat(pos.get(0).offset().get(SourceOffsets.RESTREAM)).isEqualTo("rs");
        Map<Map<String, String>, Map<String, Object>> stored = new java.util.HashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> offset = (Map<String, Object>) pos.get(0).offset();
        stored.put(SourceOffsets.streamPartition("u1", SourceOffsets.MEMORIES, SourceOffsets.BUCKETS.get(ba)), offset);
        int bb = Fingerprints.bucketIndex("b");
        if (bb != ba) {
            stored.put(SourceOffsets.streamPartition("u1", SourceOffsets.MEMORIES, SourceOffsets.BUCKETS.get(bb)),
                    SourceOffsets.streamOffset("b:MVg06OJRFQA"));
        }
        StreamManifests restarted = new StreamManifests("u1", SourceOffsets.MEMORIES);
        restarted.load(stored);
        restarted.resumeRestream("rs");
        assertThat(restarted.rereading(ba, "a")).as("already re-read before the restart").isFalse();
        if (bb != ba) {
            assertThat(restarted.rereading(bb, "b")).as("bucket written before the re-stream").isTrue();
        }
    }
}
