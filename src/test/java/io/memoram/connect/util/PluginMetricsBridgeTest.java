package io.memoram.connect.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.client.ClientMetricsMXBean;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

/**
 * The bridge from the MXBeans to the worker's plugin metrics, with Kafka's own PluginMetrics
 * implementation, and on workers that have none (Connect 3.6 to 4.0).
 */
class PluginMetricsBridgeTest {

    /** A task context as a 4.1+ worker hands it over. */
    public static final class NewContext {
        private final PluginMetrics metrics;

        NewContext(PluginMetrics metrics) {
            this.metrics = metrics;
        }

        public PluginMetrics pluginMetrics() {
            return metrics;
        }
    }

    /** A task context of a 3.6 worker: no pluginMetrics() at all. */
    public static final class OldContext {
        public Map<String, String> configs() {
            return Map.of();
        }
    }

    /** An implementation compiled against an older interface, or a test double that refuses. */
    public static final class BrokenContext {
        public PluginMetrics pluginMetrics() {
            throw new NoSuchMethodError("pluginMetrics");
        }
    }

    private static Map<String, String> tags() {
        return Map.of("connector", "c", "task", "0", "component", "client-sink");
    }

    private static KafkaMetric metric(Metrics metrics, String name) {
        return metrics.metrics().get(new MetricName(name, "plugins", "", tags()));
    }

    @Test
    void numericAttributesArePublishedWithTheWorkersTagsAndLiveValues() throws Exception {
        try (Metrics metrics = new Metrics()) {
            PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, new java.util.LinkedHashMap<>(Map.of("connector", "c", "task", "0")));
            ClientMetrics client = new ClientMetrics();
            AutoCloseable published = PluginMetricsBridge.publish(new NewContext(plugin), "client-sink", ClientMetricsMXBean.class, client);

            client.onAttempt("get", 503, Duration.ofMillis(5));
            client.onCircuitStateChanged("HALF_OPEN");
            assertThat(metric(metrics, "responses-5xx").metricValue()).isEqualTo(1L);
            assertThat(metric(metrics, "requests-total").metricValue()).isEqualTo(1L);
            assertThat(metric(metrics, "circuit-state-code").metricValue()).isEqualTo(2);
            assertThat(metric(metrics, "circuit-state-code").metricName().description()).contains("0 closed, 1 open, 2 half-open");
            assertThat(metric(metrics, "circuit-state")).as("text stays in JMX").isNull();
            long publishedCount = metrics.metrics().keySet().stream().filter(n -> n.group().equals("plugins")).count();
            assertThat(publishedCount).isEqualTo(MetricDefinition.of(ClientMetricsMXBean.class).stream()
                    .filter(MetricDefinition::published).count());

            published.close();
            assertThat(metrics.metrics().keySet()).noneMatch(n -> n.group().equals("plugins"));
        }
    }

    @Test
    void aWorkerWithoutPluginMetricsGetsNothingAndNoError() throws Exception {
        AutoCloseable none = PluginMetricsBridge.publish(new OldContext(), "client-sink", ClientMetricsMXBean.class, new ClientMetrics());
        assertThat(none).isSameAs(PluginMetricsBridge.NONE);
        none.close();
        assertThat(PluginMetricsBridge.publish(new BrokenContext(), "client-sink", ClientMetricsMXBean.class, new ClientMetrics()))
                .isSameAs(PluginMetricsBridge.NONE);
        assertThat(PluginMetricsBridge.publish(null, "client-sink", ClientMetricsMXBean.class, new ClientMetrics()))
                .isSameAs(PluginMetricsBridge.NONE);
        assertThat(PluginMetricsBridge.publish(new NewContext(null), "client-sink", ClientMetricsMXBean.class, new ClientMetrics()))
                .isSameAs(PluginMetricsBridge.NONE);
    }

    @Test
    void aClosedPluginMetricsDoesNotStopTheTask() throws Exception {
        try (Metrics metrics = new Metrics()) {
            PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, new java.util.LinkedHashMap<>(Map.of("connector", "c", "task", "0")));
            AutoCloseable published = PluginMetricsBridge.publish(new NewContext(plugin), "client-sink", ClientMetricsMXBean.class, new ClientMetrics());
            plugin.close(); // the worker closes a stopped task's plugin metrics itself
            PluginMetricsBridge.close(published);
            assertThat(PluginMetricsBridge.publish(new NewContext(plugin), "client-sink", ClientMetricsMXBean.class, new ClientMetrics()))
                    .isSameAs(PluginMetricsBridge.NONE);
        }
    }

    @Test
    void pluginNamesAreKafkaStyle() {
        assertThat(MetricDefinition.kebab("Responses5xx")).isEqualTo("responses-5xx");
        assertThat(MetricDefinition.kebab("PassStartLagMs")).isEqualTo("pass-start-lag-ms");
        assertThat(MetricDefinition.kebab("IoErrors")).isEqualTo("io-errors");
        assertThat(MetricDefinition.kebab("OldestPassAgeSeconds")).isEqualTo("oldest-pass-age-seconds");
    }
}
