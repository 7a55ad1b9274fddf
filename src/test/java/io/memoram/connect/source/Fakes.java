package io.memoram.connect.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Hand-written framework contexts for tests and benchmarks that drive the source without a worker
 * (offset storage is a map).
 */
public final class Fakes {
    private Fakes() { }

    public static final class Offsets implements OffsetStorageReader {
        public final Map<Map<String, ?>, Map<String, Object>> stored = new HashMap<>();

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return stored.get(partition);
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
            for (Map<String, T> p : partitions) {
                if (stored.containsKey(p)) {
                    out.put(p, stored.get(p));
                }
            }
            return out;
        }
    }

    static final class ConnectorContext implements SourceConnectorContext {
        final Offsets offsets = new Offsets();
        final AtomicInteger reconfigurations = new AtomicInteger();
        final List<Exception> errors = new ArrayList<>();

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsets;
        }

        @Override
        public void requestTaskReconfiguration() {
            reconfigurations.incrementAndGet();
        }

        @Override
        public synchronized void raiseError(Exception e) {
            errors.add(e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }

    /**
     * Plays the worker's side of offsets around a task: what {@code poll()} returns is acknowledged at
     * once ({@code commitRecord}), and {@link #flush} writes the offsets of the acknowledged records to
     * offset storage and calls {@code commit()}, as Connect's periodic offset flush does. A crash is a
     * new task started from the same {@link Offsets} without the last flush.
     */
    public static final class Worker {
        private final Offsets offsets;
        private final Map<Map<String, ?>, Map<String, ?>> unflushed = new java.util.LinkedHashMap<>();

        public Worker(Offsets offsets) {
            this.offsets = offsets;
        }

        public List<SourceRecord> poll(SourceTask t) throws InterruptedException {
            List<SourceRecord> batch = t.poll();
            if (batch != null) {
                for (SourceRecord r : batch) {
                    t.commitRecord(r, null);
                    unflushed.put(r.sourcePartition(), r.sourceOffset());
                }
            }
            return batch;
        }

        public void flush(SourceTask t) throws InterruptedException {
            unflushed.forEach((p, o) -> offsets.stored.put(p, new HashMap<>(o)));
            unflushed.clear();
            t.commit();
        }

        public List<SourceRecord> pollAndFlush(SourceTask t) throws InterruptedException {
            List<SourceRecord> batch = poll(t);
            flush(t);
            return batch;
        }
    }

    /**
     * {@code t.poll()} with the offsets of what it returns written at once (a worker whose offset
     * flush follows every poll): the source holds a new id's record until offset storage names the
     * id, so a task polled without offset commits would never emit a new blob.
     */
    public static List<SourceRecord> pollCommitted(MemoramSourceTask t) throws InterruptedException {
        return ((TaskContext) t.context()).worker.pollAndFlush(t);
    }

    public static final class TaskContext implements SourceTaskContext {
        final Offsets offsets;
        final Worker worker;
        private final Map<String, String> configs;

        TaskContext(Map<String, String> configs) {
            this(configs, new Offsets());
        }

        /** A context whose offset storage is {@code offsets}, shared across task runs. */
        public TaskContext(Map<String, String> configs, Offsets offsets) {
            this.configs = configs;
            this.offsets = offsets;
            this.worker = new Worker(offsets);
        }

        @Override
        public Map<String, String> configs() {
            return configs;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsets;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
