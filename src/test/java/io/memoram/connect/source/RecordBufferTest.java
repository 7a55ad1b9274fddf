package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.config.MemoramSourceConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * What the fetch buffer counts against memoram.fetch.buffer.max.bytes: besides the records' text,
 * the offsets they carry, which for a user with many blobs are whole-bucket manifest strings that
 * dwarf a page's content.
 */
class RecordBufferTest {
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private final SourceTaskMetrics metrics = new SourceTaskMetrics(Clock.systemUTC());

    private UserStream stream() {
        return new UserStream("u1", new UserStream.Settings("m", "t", false, true, MemoramSourceConfig.OnDecryptionError.FAIL), metrics);
    }

    private static MemoryBlob blob(String id) {
        return new MemoryBlob(id, "u1", null, NOW, NOW, "src", "t", null, 0.5, 0.9, List.of(), List.of());
    }

    /** One page of {@code n} new blobs, as a step of the initial load would apply it. */
    private static List<SourceRecord> page(UserStream s, int from, int n) {
        List<MemoryBlob> page = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            page.add(blob(String.format("blob-%08d-aaaaaaaaaaaaaaaa", i)));
        }
        return s.applyBlobs(page, "next", c -> {
            throw new AssertionError("no content to open");
        });
    }

    /** The heap of the distinct strings the records' offsets hold (Latin-1: a byte per char). */
    private static long offsetStrings(List<List<SourceRecord>> chunks) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long bytes = 0;
        for (List<SourceRecord> chunk : chunks) {
            for (SourceRecord r : chunk) {
                for (Object v : r.sourceOffset().values()) {
                    if (v instanceof String str && seen.add(str)) {
                        bytes += str.length();
                    }
                }
            }
        }
        return bytes;
    }

    @Test
    void aStepsChunkIsCountedWithTheManifestStringsItsOffsetsHold() {
        UserStream s = stream();
        for (int p = 0; p < 120; p++) {
            page(s, p * 100, 100); // 12,000 blobs already emitted (and drained)
        }
        List<SourceRecord> step = page(s, 12_000, 100);
        long manifests = offsetStrings(List.of(step));
        // 16 buckets of ~750 entries, before and after the step: a megabyte, against ~30 KB for the records' text.
        assertThat(manifests).isGreaterThan(800_000);

        RecordBuffer buffer = new RecordBuffer();
        buffer.add(step, PullStep.estimate(step));
        assertThat(buffer.bytes()).as("bytes the buffer accounts for one step's chunk")
                .isGreaterThanOrEqualTo(manifests + PullStep.estimate(step));
        buffer.drain(PullPipeline.MAX_BATCH_RECORDS);
        assertThat(buffer.bytes()).isZero();
    }

    @Test
    void aManifestStringSharedByTwoChunksIsCountedOnceAndUntilTheLastOfThemIsDrained() {
        UserStream s = stream();
        for (int p = 0; p < 50; p++) {
            page(s, p * 100, 100);
        }
        // The second step's records claim, before their last one per bucket, the manifest the first
        // step's last records carry: the same strings, held once.
        List<SourceRecord> first = page(s, 5_000, 100);
        List<SourceRecord> second = page(s, 5_100, 100);
        RecordBuffer buffer = new RecordBuffer();
        buffer.add(first, PullStep.estimate(first));
        buffer.add(second, PullStep.estimate(second));
        long both = offsetStrings(List.of(first, second));
        assertThat(both).isLessThan(offsetStrings(List.of(first)) + offsetStrings(List.of(second)));
        assertThat(buffer.bytes()).isEqualTo(both + PullStep.estimate(first) + PullStep.estimate(second)
                + RecordBuffer.STRING_OVERHEAD_BYTES * distinctStrings(List.of(first, second)));

        assertThat(buffer.drain(100)).hasSize(100);
        assertThat(buffer.bytes()).as("the strings the second chunk still holds stay counted")
                .isEqualTo(offsetStrings(List.of(second)) + PullStep.estimate(second)
                        + RecordBuffer.STRING_OVERHEAD_BYTES * distinctStrings(List.of(second)));
        buffer.drain(100);
        assertThat(buffer.bytes()).isZero();
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void aStringBeyondLatin1CountsTwoBytesPerChar() {
        assertThat(RecordBuffer.heapBytes("abc")).isEqualTo(3 + RecordBuffer.STRING_OVERHEAD_BYTES);
        assertThat(RecordBuffer.heapBytes("ab\u4e2d")).isEqualTo(6 + RecordBuffer.STRING_OVERHEAD_BYTES);
    }

    private static long distinctStrings(List<List<SourceRecord>> chunks) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (List<SourceRecord> chunk : chunks) {
            for (SourceRecord r : chunk) {
                for (Object v : r.sourceOffset().values()) {
                    if (v instanceof String str) {
                        seen.add(str);
                    }
                }
            }
        }
        return seen.size();
    }
}
