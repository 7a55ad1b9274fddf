package io.memoram.connect.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceConnectorContext;
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

    public static final class TaskContext implements SourceTaskContext {
        final Offsets offsets;
        private final Map<String, String> configs;

        TaskContext(Map<String, String> configs) {
            this(configs, new Offsets());
        }

        /** A context whose offset storage is {@code offsets}, shared across task runs. */
        public TaskContext(Map<String, String> configs, Offsets offsets) {
            this.configs = configs;
            this.offsets = offsets;
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
