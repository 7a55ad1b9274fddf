package io.memoram.connect.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records finished steps left for {@link PullPipeline#poll}, as whole chunks with their size
 * in bytes. It exists to keep two rules in one place: the pipeline stops fetching while
 * {@link #bytes()} reaches {@code memoram.fetch.buffer.max.bytes} (a slow producer never makes it
 * grow), and a chunk is never split across two poll batches (its offsets are only consistent as a
 * whole, and with exactly-once a batch is one transaction). Not thread-safe: guarded by the
 * pipeline's lock.
 */
final class RecordBuffer {
    private final ArrayDeque<List<SourceRecord>> chunks = new ArrayDeque<>();
    private final ArrayDeque<Long> chunkBytes = new ArrayDeque<>();
    private long bytes;

    /** Adds one step's records as a chunk (nothing when there are none). */
    void add(List<SourceRecord> records, long size) {
        if (!records.isEmpty()) {
            chunks.add(records);
            chunkBytes.add(size);
            bytes += size;
        }
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
        List<SourceRecord> out = new ArrayList<>(Math.min(maxRecords, 4 * chunks.peek().size()));
        while (!chunks.isEmpty() && (out.isEmpty() || out.size() + chunks.peek().size() <= maxRecords)) {
            out.addAll(chunks.poll());
            bytes -= chunkBytes.poll();
        }
        return out;
    }

    void clear() {
        chunks.clear();
        chunkBytes.clear();
        bytes = 0;
    }
}
