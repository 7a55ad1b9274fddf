package io.memoram.connect.metrics.integration;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A worker metrics reporter ({@code metric.reporters}) that keeps every metric it is told about, as
 * a Prometheus or OpenTelemetry reporter would: what the connectors publish through
 * {@code PluginMetrics} must arrive here, tags included. Static: the worker creates the instance.
 */
public class CollectingReporter implements MetricsReporter {
    private static final Map<MetricName, KafkaMetric> METRICS = new ConcurrentHashMap<>();

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        METRICS.put(metric.metricName(), metric);
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        METRICS.remove(metric.metricName(), metric);
    }

    @Override
    public void close() {
        // the metrics stay readable for the test's last assertions
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }

    /** The metric of group {@code plugins} with this name and exactly these tags, if reported. */
    static Optional<KafkaMetric> plugin(String name, Map<String, String> tags) {
        return Optional.ofNullable(METRICS.get(new MetricName(name, "plugins", "", tags)))
                .or(() -> METRICS.entrySet().stream()
                        .filter(e -> e.getKey().group().equals("plugins") && e.getKey().name().equals(name)
                                && e.getKey().tags().equals(tags))
                        .map(Map.Entry::getValue).findFirst());
    }

    /** Its current value as a number; fails when it is missing. */
    static double value(String name, Map<String, String> tags) {
        KafkaMetric m = plugin(name, tags).orElseThrow(() -> new AssertionError("no plugin metric " + name + " " + tags));
        return ((Number) m.metricValue()).doubleValue();
    }

    /** The names of the plugin metrics reported with these tags. */
    static List<String> pluginNames(Map<String, String> tags) {
        return METRICS.keySet().stream().filter(n -> n.group().equals("plugins") && n.tags().equals(tags))
                .map(MetricName::name).sorted().toList();
    }
}
