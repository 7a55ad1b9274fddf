package io.memoram.connect.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the shipped docs/monitoring files: the JMX exporter rules, the Prometheus alert rules and
 * the Grafana dashboard, and the metric names their queries use (for MonitoringRulesIT's check
 * against a real scrape).
 */
public final class MonitoringFiles {
    public static final String EXPORTER_RULES = "memoram-jmx-exporter.yml";
    public static final String ALERTS = "memoram-alerts.yml";
    public static final String DASHBOARD = "memoram-grafana-dashboard.json";
    /** Our series and Connect's, as memoram-jmx-exporter.yml names them. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:memoram|kafka_connect)_[a-z0-9_]+)\\b");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitoringFiles() { }

    public static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    public static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** The {@code expr} of every alert rule. */
    public static List<String> alertExpressions(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode group : yaml(dir.resolve(ALERTS)).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.add(rule.path("expr").asText());
            }
        }
        return out;
    }

    /** Every PromQL query of the dashboard: the panels' targets (rows included) and the variables'. */
    public static List<String> dashboardQueries(Path dir) throws IOException {
        JsonNode dashboard = json(dir.resolve(DASHBOARD));
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            collectTargets(panel, out);
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                out.add(variable.path("definition").asText());
            }
        }
        return out;
    }

    private static void collectTargets(JsonNode panel, List<String> out) {
        for (JsonNode target : panel.path("targets")) {
            out.add(target.path("expr").asText());
        }
        for (JsonNode nested : panel.path("panels")) {
            collectTargets(nested, out);
        }
    }

    /** The metric names in these PromQL expressions. */
    public static Set<String> metricNames(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
