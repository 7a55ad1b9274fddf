package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.metrics.MonitoringFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped docs/monitoring files, run for real: the Prometheus JMX exporter's Java agent
 * (jmx_prometheus_javaagent, copied to target/ by the pom) with docs/monitoring/memoram-jmx-exporter.yml
 * in a real Connect worker process that runs both connectors from the Hub archive against the
 * emulator. The scrape must carry every alert metric docs/operations.md documents, under its
 * documented name with the labels connector and task, and every metric the alert rules and the
 * Grafana dashboard query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringRulesIT {
    static final Path MONITORING = ProjectPaths.projectDir().resolve("docs/monitoring");
    static final String SOURCE = "monitored-source";
    static final String SINK = "monitored-sink";
    static final String CHAT = "monitored-chats";
    static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Metric name -> the connector whose task must carry it (docs/operations.md, "Alerts"). */
    static final Map<String, String> ALERT_METRICS = new LinkedHashMap<>();

    static {
        ALERT_METRICS.put("memoram_source_task_failed_calls_total", SOURCE);
        ALERT_METRICS.put("memoram_source_task_oldest_pass_age_seconds", SOURCE);
        ALERT_METRICS.put("memoram_source_task_users_overdue", SOURCE);
        ALERT_METRICS.put("memoram_source_task_users_revoked", SOURCE);
        ALERT_METRICS.put("memoram_source_task_users_pending", SOURCE);
        ALERT_METRICS.put("memoram_client_responses5xx_total", SOURCE + "," + SINK);
        ALERT_METRICS.put("memoram_client_circuit_state_code", SOURCE + "," + SINK);
        ALERT_METRICS.put("memoram_sink_task_records_reported_total", SINK);
        ALERT_METRICS.put("memoram_sink_task_oldest_unconfirmed_age_ms", SINK);
        ALERT_METRICS.put("kafka_connect_connector_task_status", SOURCE + "," + SINK);
    }

    private final Progress progress = new Progress(System.out);
    private MemoramEmulator emulator;
    private ConnectStack stack;
    private int exporterPort;

    @BeforeAll
    void startWorkerWithTheExporter() throws Exception {
        Path agent = Path.of(System.getProperty("memoram.jmx.exporter.agent",
                ProjectPaths.targetDir().resolve("jmx-exporter/jmx_prometheus_javaagent.jar").toString()));
        assertThat(agent).as("the JMX exporter agent (copied by the pom's pre-integration-test phase)").exists();
        Path work = E2eSetup.workFolder("monitoring", "monitoring", progress);
        emulator = MemoramEmulator.start();
        String apiKey = emulator.createApiKey();
        EmulatedUser ada = emulator.createUser();
        String request = emulator.grantAccess(apiKey, ada);
        emulator.putBlob(ada.userId(), "Ada's memory", "ada-1", "monitoring");
        Path secrets = E2eSetup.writeSecretsFile(work, apiKey);

        stack = ConnectStack.start(work, progress);
        exporterPort = Ports.free();
        String javaagent = "-javaagent:" + agent.toAbsolutePath() + "=127.0.0.1:" + exporterPort + ":"
                + MONITORING.resolve("memoram-jmx-exporter.yml").toAbsolutePath();
        ConnectWorker worker = stack.startWorkers(List.of(stack.spec("worker-exported", "memoram-monitoring", "service_load",
                Map.of("MEMORAM_MEMORY_KEYS", ""), Map.of(), false, false).withJvmArgs(List.of(javaagent))), progress).get(0);
        stack.broker().createTopic(CHAT, 1);

        assertThat(worker.rest().putConnector(SOURCE, ExampleConfigs.source(secrets, emulator.baseUrl(), request, "monitored")).status())
                .isEqualTo(201);
        Map<String, String> sink = ExampleConfigs.sink(secrets, emulator.baseUrl(), request, CHAT);
        assertThat(worker.rest().putConnector(SINK, sink).status()).isEqualTo(201);
        KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT, "chat-1",
                Map.of("user_id", ada.userId(), "title", "chat-1", "content", "hello"));
        progress.step("monitoring: both connectors running, JMX exporter at 127.0.0.1:" + exporterPort);
    }

    @AfterAll
    void stop() {
        E2eSetup.stop(stack, emulator);
    }

    /** One sample of the Prometheus text format. */
    record Sample(String name, Map<String, String> labels, double value) { }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private List<Sample> scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + exporterPort + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Files.writeString(stack.workDir().resolve("last-scrape.txt"), r.body());
        List<Sample> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    private static double value(List<Sample> samples, String name, String connector) {
        return samples.stream().filter(s -> s.name().equals(name) && connector.equals(s.labels().get("connector"))
                && "0".equals(s.labels().get("task"))).mapToDouble(Sample::value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + "{connector=\"" + connector + "\",task=\"0\"}"));
    }

    /** The scrape once both connectors did their work (a pass, a blob written). */
    private List<Sample> settledScrape() {
        return await("both connectors' metrics in the scrape").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    List<Sample> s = scrape();
                    return value(s, "memoram_source_task_passes_completed_total", SOURCE) >= 1
                            && value(s, "memoram_sink_task_created_blobs_total", SINK) >= 1 ? s : null;
                }, Objects::nonNull);
    }

    @Test
    void everyAlertMetricIsScrapedUnderItsDocumentedNameWithConnectorAndTask() throws IOException {
        List<Sample> samples = settledScrape();
        ALERT_METRICS.forEach((metric, connectors) -> {
            for (String connector : connectors.split(",")) {
                assertThat(samples).as(metric + " of " + connector + " task 0").anyMatch(s -> s.name().equals(metric)
                        && connector.equals(s.labels().get("connector")) && "0".equals(s.labels().get("task")));
            }
        });
        // The values of a healthy pair of connectors, as numbers.
        assertThat(value(samples, "memoram_client_circuit_state_code", SOURCE)).isZero();
        assertThat(value(samples, "memoram_client_circuit_state_code", SINK)).isZero();
        assertThat(value(samples, "memoram_source_task_users_overdue", SOURCE)).isZero();
        assertThat(value(samples, "memoram_source_task_oldest_pass_age_seconds", SOURCE)).isBetween(0.0, 120.0);
        assertThat(samples).anyMatch(s -> s.name().equals("kafka_connect_connector_task_status")
                && SOURCE.equals(s.labels().get("connector")) && "running".equals(s.labels().get("status")) && s.value() == 1);
        assertThat(samples).filteredOn(s -> s.name().startsWith("memoram_client_")).allMatch(s -> s.labels().containsKey("role"));
        // Every alert metric is one the alert rules use, and docs/operations.md names it.
        String alerts = Files.readString(MONITORING.resolve("memoram-alerts.yml"));
        String operations = Files.readString(ProjectPaths.projectDir().resolve("docs/operations.md"));
        for (String metric : ALERT_METRICS.keySet()) {
            assertThat(alerts).as("memoram-alerts.yml uses " + metric).contains(metric);
            assertThat(operations).as("docs/operations.md documents " + metric).contains("`" + metric);
        }
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsInTheScrape() throws IOException {
        Set<String> scraped = new TreeSet<>();
        settledScrape().forEach(s -> scraped.add(s.name()));
        Set<String> alertMetrics = MonitoringFiles.metricNames(MonitoringFiles.alertExpressions(MONITORING));
        Set<String> dashboardMetrics = MonitoringFiles.metricNames(MonitoringFiles.dashboardQueries(MONITORING));
        assertThat(alertMetrics).isNotEmpty();
        assertThat(dashboardMetrics).hasSizeGreaterThan(10);
        assertThat(scraped).as("metrics the alert rules query").containsAll(alertMetrics);
        assertThat(scraped).as("metrics the dashboard queries").containsAll(dashboardMetrics);
    }
}
