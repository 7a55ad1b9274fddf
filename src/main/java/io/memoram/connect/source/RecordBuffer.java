package io.memoram.connect.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records finished steps left for {@link PullPipeline#poll}, as whole chunks with their size
 * in bytes. It exists to keep two rules in one place: the pipeline stops fetching while
 * {@link #bytes()} reaches {@code memoram.fetch.buffer.max.bytes} (a slow producer never makes it
 * grow), and a chunk is never split across two poll batches (its offsets are only consistent as a
 * whole, and with exactly-once a batch is one transaction). Not thread-safe: guarded by the
 * pipeline's lock.
 *
 * <p>What is counted: the size the step gave for its records (their text), plus the strings their
 * offsets hold. Offsets are what dominates for a user with many blobs: a step's records carry
 * whole-bucket manifest strings (before and after the step, for every bucket its page touches),
 * megabytes per page at 100,000 blobs against about 100 KB of content. A string is counted once
 * however many records and chunks share it (consecutive steps of a user share the manifest one
 * step ends with and the next starts from), for as long as a chunk in the buffer holds it. Counted
 * generically, whatever the offsets hold, so a change of the offset format keeps the bound.
 */
final class RecordBuffer {
    /** Heap of a String beyond its characters (object header, fields, array header): an estimate. */
    static final long STRING_OVERHEAD_BYTES = 40;

    private record Chunk(List<SourceRecord> records, long ownBytes, List<String> strings) { }

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    /** Each offset string the buffered chunks hold (by identity) -> {chunks holding it, its heap bytes}. */
    private final IdentityHashMap<String, long[]> held = new IdentityHashMap<>();
    private long bytes;

    /** Adds one step's records as a chunk (nothing when there are none); {@code size} counts their own heap. */
    void add(List<SourceRecord> records, long size) {
        if (records.isEmpty()) {
            return;
        }
        List<String> strings = offsetStrings(records);
        for (String s : strings) {
            long[] h = held.computeIfAbsent(s, k -> new long[] {0, heapBytes(k)});
            if (h[0]++ == 0) {
                bytes += h[1];
            }
        }
        chunks.add(new Chunk(records, size, strings));
        bytes += size;
    }

    /** The distinct strings the records' offsets hold (records of one bucket share one offset map). */
    private static List<String> offsetStrings(List<SourceRecord> records) {
        Set<Map<String, ?>> offsets = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> strings = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SourceRecord r : records) {
            Map<String, ?> offset = r.sourceOffset();
            if (offset != null && offsets.add(offset)) {
                for (Object v : offset.values()) {
                    if (v instanceof String s) {
                        strings.add(s);
                    }
                }
            }
        }
        return new ArrayList<>(strings);
    }

    /** Heap of a String: a byte per char while all are Latin-1 (compact strings), else two. */
    static long heapBytes(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return STRING_OVERHEAD_BYTES + 2L * n;
            }
        }
        return STRING_OVERHEAD_BYTES + n;
    }

    boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** Bytes held now. */
    long bytes() {
        return bytes;
    }

    /**
     * Takes whole chunks up to about {@code maxRecords} records: at least one chunk, so the last
     * one taken may go past the limit.
     */
    List<SourceRecord> drain(int maxRecords) {
        List<SourceRecord> out = new ArrayList<>(Math.min(maxRecords, 4 * chunks.peek().records().size()));
        while (!chunks.isEmpty() && (out.isEmpty() || out.size() + chunks.peek().records().size() <= maxRecords)) {
            Chunk c = chunks.poll();
            out.addAll(c.records());
            bytes -= c.ownBytes();
            for (String s : c.strings()) {
                long[] h = held.get(s);
                if (--h[0] == 0) {
                    held.remove(s);
                    bytes -= h[1];
                }
            }
        }
        return out;
    }

    void clear() {
        chunks.clear();
        held.clear();
        bytes = 0;
    }
}
