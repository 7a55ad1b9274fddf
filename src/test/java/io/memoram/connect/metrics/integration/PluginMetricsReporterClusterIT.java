package io.memoram.connect.metrics.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.integration.SinkClusterSupport;
import io.memoram.connect.source.SourceKit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIP-877 on a real (embedded 4.x) worker: a metrics reporter configured on the worker
 * ({@code metric.reporters}) sees both connectors' metrics, tagged with connector, task and
 * component, with the values JMX shows, and loses them when the connector goes.
 */
class PluginMetricsReporterClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.own("memoram-reporter", 1,
            Map.of("metric.reporters", CollectingReporter.class.getName()));
    private static EmbeddedConnectCluster connect;

    private static Map<String, String> tags(String connector, String component) {
        return Map.of("connector", connector, "task", "0", "component", component);
    }

    private static long jmx(String type, String connector, String attribute) throws Exception {
        ObjectName name = new ObjectName("kafka.connect.memoram:type=" + type + ",connector=" + ObjectName.quote(connector) + ",task=0");
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).longValue();
    }

    @Test
    void aWorkerMetricsReporterSeesBothConnectorsMetricsWithTags() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        emu.putBlob(user.userId(), "one", "t1", List.of());
        String request = emu.grantAccess(apiKey, user);

        String source = "reported-source";
        Map<String, String> s = SourceKit.config(emu, apiKey, "reported");
        s.put("memoram.access.request.ids", request);
        s.put("memoram.tags.enabled", "false");
        SourceKit.createTopics(connect, "reported");
        connect.configureConnector(source, s);

        String topic = "reported-chats";
        connect.kafka().createTopic(topic, 1);
        String sink = "reported-sink";
        Map<String, String> k = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(request));
        k.put("tasks.max", "1");
        connect.configureConnector(sink, k);
        connect.kafka().produce(topic, "k1", "{\"user_id\":\"" + user.userId() + "\",\"content\":\"hello\"}");

        Map<String, String> sourceTask = tags(source, "source-task");
        Map<String, String> sourceClient = tags(source, "client-source");
        Map<String, String> sinkTask = tags(sink, "sink-task");
        Map<String, String> sinkClient = tags(sink, "client-sink");
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            assertThat(CollectingReporter.value("passes-completed", sourceTask)).isGreaterThanOrEqualTo(1);
            // the seeded blob, and later the sink's blob of the same user
            assertThat(CollectingReporter.value("records-created", sourceTask)).isGreaterThanOrEqualTo(1);
            assertThat(CollectingReporter.value("blobs-created", sinkTask)).isEqualTo(1);
        });
        assertThat(CollectingReporter.value("users-active", sourceTask)).isEqualTo(1);
        assertThat(CollectingReporter.value("users-overdue", sourceTask)).isZero();
        assertThat(CollectingReporter.value("oldest-pass-age-seconds", sourceTask)).isBetween(0.0, 120.0);
        assertThat(CollectingReporter.value("circuit-state-code", sourceClient)).isZero();
        assertThat(CollectingReporter.value("requests-total", sourceClient)).isGreaterThanOrEqualTo(2);
        assertThat(CollectingReporter.value("records-in", sinkTask)).isEqualTo(1);
        // The same numbers as the MXBeans (stable values: one user, one record).
        assertThat(jmx("sink-task", sink, "RecordsIn")).isEqualTo(1);
        assertThat(jmx("source-task", source, "UsersActive")).isEqualTo(1);
        assertThat(CollectingReporter.value("circuit-state-code", sinkClient)).isZero();
        assertThat(CollectingReporter.value("responses-2xx", sinkClient)).isGreaterThanOrEqualTo(1);
        // Numbers only: the per-user map and the state's text stay in JMX.
        assertThat(CollectingReporter.pluginNames(sourceTask)).doesNotContain("seconds-since-last-pass");
        assertThat(CollectingReporter.pluginNames(sourceClient)).doesNotContain("circuit-state");

        connect.deleteConnector(source);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(CollectingReporter.pluginNames(sourceTask)).isEmpty());
        assertThat(CollectingReporter.pluginNames(sinkTask)).contains("records-in");
    }
}
