package io.memoram.connect.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memoram.connect.client.ClientMetricsMXBean;
import io.memoram.connect.sink.SinkTaskMetricsMXBean;
import io.memoram.connect.source.SourceTaskMetricsMXBean;
import io.memoram.connect.util.MetricDefinition;
import io.memoram.connect.util.MetricDoc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped docs/monitoring files parse and have the shape their tools need (MonitoringRulesIT
 * runs them against a real worker).
 */
class MonitoringFilesTest {
    private static final Path DIR = Path.of("docs/monitoring");

    @Test
    void exporterRulesParseAndCoverOurBeansAndConnectsTaskBeans() throws IOException {
        JsonNode rules = MonitoringFiles.yaml(DIR.resolve(MonitoringFiles.EXPORTER_RULES));
        assertThat(rules.path("rules").isArray()).isTrue();
        StringBuilder patterns = new StringBuilder();
        for (JsonNode rule : rules.path("rules")) {
            String pattern = rule.path("pattern").asText();
            assertThat(pattern).as("a rule without pattern").isNotEmpty();
            Pattern.compile(pattern); // the exporter refuses a rule file whose pattern is no regex
            assertThat(rule.path("name").asText()).as(pattern).isNotEmpty();
            patterns.append(pattern).append('\n');
        }
        assertThat(patterns.toString()).contains("kafka.connect.memoram<type=(source-task|sink-task)")
                .contains("kafka.connect.memoram<type=client-(source|sink)")
                .contains("kafka.connect<type=connector-task-metrics").contains("kafka.connect<type=connector-metrics");
    }

    /**
     * The exporter's rules say which attributes are gauges (no _total) and which counters: they must
     * agree with each attribute's {@link MetricDoc#gauge()}, the one definition the docs tables show.
     */
    @Test
    void exporterRulesTypeEachOfOurAttributesAsItsMetricDocSays() throws IOException {
        JsonNode rules = MonitoringFiles.yaml(DIR.resolve(MonitoringFiles.EXPORTER_RULES)).path("rules");
        Map<String, Class<?>> beans = Map.of("source-task", SourceTaskMetricsMXBean.class, "sink-task", SinkTaskMetricsMXBean.class,
                "client-source", ClientMetricsMXBean.class, "client-sink", ClientMetricsMXBean.class);
        beans.forEach((type, mxbean) -> {
            for (MetricDefinition def : MetricDefinition.of(mxbean)) {
                if (!def.published()) {
                    continue; // text and maps: the exporter drops them
                }
                String seen = "kafka.connect.memoram<type=" + type + ", connector=\"my-connector\", task=0><>" + snake(def.attribute());
                JsonNode rule = firstMatch(rules, seen);
                assertThat(rule).as("a rule for " + seen).isNotNull();
                assertThat(rule.path("type").asText()).as(seen).isEqualTo(def.doc().gauge() ? "GAUGE" : "COUNTER");
            }
        });
    }

    /** What the exporter's attrNameSnakeCase makes of an attribute (IoErrors: io_errors, Responses5xx: responses5xx). */
    private static String snake(String attribute) {
        return attribute.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode firstMatch(JsonNode rules, String seen) {
        for (JsonNode rule : rules) {
            if (Pattern.compile(rule.path("pattern").asText()).matcher(seen).matches()) {
                return rule;
            }
        }
        return null;
    }

    @Test
    void alertRulesParseAndEachHasExprSeverityAndSummary() throws IOException {
        JsonNode groups = MonitoringFiles.yaml(DIR.resolve(MonitoringFiles.ALERTS)).path("groups");
        assertThat(groups.size()).isPositive();
        int alerts = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                alerts++;
                assertThat(rule.path("alert").asText()).isNotEmpty();
                assertThat(rule.path("expr").asText()).as(rule.path("alert").asText()).isNotEmpty();
                assertThat(rule.path("labels").path("severity").asText()).as(rule.path("alert").asText()).isNotEmpty();
                assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText()).isNotEmpty();
            }
        }
        assertThat(alerts).isGreaterThanOrEqualTo(8);
        assertThat(MonitoringFiles.metricNames(MonitoringFiles.alertExpressions(DIR))).contains(
                "memoram_client_circuit_state_code", "memoram_source_task_users_overdue",
                "memoram_sink_task_records_reported_total", "kafka_connect_connector_task_status");
    }

    @Test
    void dashboardParsesAndQueriesBothConnectors() throws IOException {
        JsonNode dashboard = MonitoringFiles.json(DIR.resolve(MonitoringFiles.DASHBOARD));
        assertThat(dashboard.path("title").asText()).isNotEmpty();
        assertThat(dashboard.path("uid").asText()).isEqualTo("kafka-connect-memoram");
        List<String> queries = MonitoringFiles.dashboardQueries(DIR);
        assertThat(queries).isNotEmpty().allMatch(q -> !q.isBlank());
        assertThat(MonitoringFiles.metricNames(queries)).anyMatch(m -> m.startsWith("memoram_source_task_"))
                .anyMatch(m -> m.startsWith("memoram_sink_task_")).anyMatch(m -> m.startsWith("memoram_client_"))
                .anyMatch(m -> m.startsWith("kafka_connect_"));
    }

    @Test
    void metricNamesAreReadFromExpressions() {
        assertThat(MonitoringFiles.metricNames(List.of(
                "sum by (connector) (rate(memoram_sink_task_records_in{connector=~\"$connector\"}[5m])) / 2",
                "kafka_connect_connector_task_status{status=\"failed\"} == 1")))
                .containsExactly("kafka_connect_connector_task_status", "memoram_sink_task_records_in");
    }
}
