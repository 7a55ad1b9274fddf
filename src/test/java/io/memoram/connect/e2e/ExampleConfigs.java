package io.memoram.connect.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shipped example configs (config/memoram-source.json, config/memoram-sink.json), which the
 * demo and the end-to-end tests submit with a few overrides (emulator URL, secrets file, faster
 * polling): so the examples a user copies are the ones that were exercised.
 */
public final class ExampleConfigs {
    private ExampleConfigs() { }

    public static Map<String, String> source() {
        return load("memoram-source.json");
    }

    public static Map<String, String> sink() {
        return load("memoram-sink.json");
    }

    /** The secret references of the examples, pointed at {@code secretsFile}. */
    public static Map<String, String> withSecretsFile(Map<String, String> config, Path secretsFile) {
        Map<String, String> c = new LinkedHashMap<>(config);
        c.replaceAll((k, v) -> v.replace("/etc/kafka-connect/secrets/memoram.properties", secretsFile.toAbsolutePath().toString()));
        return c;
    }

    /** The source example for one task serving {@code requestId} of the emulator at {@code apiUrl}, polling every second. */
    public static Map<String, String> source(Path secretsFile, String apiUrl, String requestId, String topicPrefix) {
        Map<String, String> c = withSecretsFile(source(), secretsFile);
        c.put("memoram.api.url", apiUrl);
        c.put("memoram.access.request.ids", requestId);
        c.put("topic.prefix", topicPrefix);
        c.put("poll.interval.ms", "1000");
        c.put("tasks.max", "1");
        return c;
    }

    /** The sink example for one task writing {@code topic} to {@code requestId}'s user, with a dead letter queue. */
    public static Map<String, String> sink(Path secretsFile, String apiUrl, String requestId, String topic) {
        Map<String, String> c = withSecretsFile(sink(), secretsFile);
        c.put("memoram.api.url", apiUrl);
        c.put("memoram.access.request.ids", requestId);
        c.put("topics", topic);
        c.put("tasks.max", "1");
        c.put("errors.deadletterqueue.topic.name", topic + "-dlq");
        return c;
    }

    private static Map<String, String> load(String file) {
        try {
            JsonNode root = new ObjectMapper().readTree(ProjectPaths.projectDir().resolve("config").resolve(file).toFile());
            Map<String, String> config = new LinkedHashMap<>();
            root.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config/" + file, e);
        }
    }
}
