package io.memoram.connect.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A SinkTaskContext for driving a task without a worker (tests, benchmarks); its reporter, when
 * there is one, remembers what it got.
 */
public final class FakeSinkContext implements SinkTaskContext {
    record Report(SinkRecord record, Throwable error) { }

    final Map<String, String> configs;
    public final Set<TopicPartition> assignment = new HashSet<>();
    final Set<TopicPartition> paused = new HashSet<>();
    final List<Report> reports = Collections.synchronizedList(new ArrayList<>());
    final boolean withReporter;

    public FakeSinkContext(Map<String, String> configs, boolean withReporter) {
        this.configs = configs;
        this.withReporter = withReporter;
    }

    @Override public Map<String, String> configs() { return configs; }
    @Override public void offset(Map<TopicPartition, Long> offsets) { }
    @Override public void offset(TopicPartition tp, long offset) { }
    @Override public void timeout(long timeoutMs) { }
    @Override public Set<TopicPartition> assignment() { return assignment; }
    @Override public void pause(TopicPartition... partitions) { paused.addAll(List.of(partitions)); }
    @Override public void resume(TopicPartition... partitions) { paused.removeAll(List.of(partitions)); }
    @Override public void requestCommit() { }
    @Override public PluginMetrics pluginMetrics() { return null; }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return (record, error) -> {
            reports.add(new Report(record, error));
            return CompletableFuture.completedFuture(null);
        };
    }
}
