package io.memoram.connect.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** The least of the Connect framework that the tasks need when driven directly (no worker, no Kafka). */
final class BenchContexts {
    private BenchContexts() { }

    /** Offset storage as a map: what the worker would have committed. */
    static final class Offsets implements OffsetStorageReader {
        final Map<Map<String, ?>, Map<String, Object>> stored = new HashMap<>();

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

    static final class Source implements SourceTaskContext {
        final Offsets offsets;
        private final Map<String, String> configs;

        Source(Map<String, String> configs, Offsets offsets) {
            this.configs = configs;
            this.offsets = offsets;
        }

        @Override public Map<String, String> configs() { return configs; }
        @Override public OffsetStorageReader offsetStorageReader() { return offsets; }
        @Override public PluginMetrics pluginMetrics() { return null; }
    }

    static final class Sink implements SinkTaskContext {
        final Set<TopicPartition> assignment = new HashSet<>();
        private final Map<String, String> configs;

        Sink(Map<String, String> configs) {
            this.configs = configs;
        }

        @Override public Map<String, String> configs() { return configs; }
        @Override public void offset(Map<TopicPartition, Long> offsets) { }
        @Override public void offset(TopicPartition tp, long offset) { }
        @Override public void timeout(long timeoutMs) { }
        @Override public Set<TopicPartition> assignment() { return assignment; }
        @Override public void pause(TopicPartition... partitions) { }
        @Override public void resume(TopicPartition... partitions) { }
        @Override public void requestCommit() { }
        @Override public PluginMetrics pluginMetrics() { return null; }
        @Override public ErrantRecordReporter errantRecordReporter() { return null; }
    }
}
