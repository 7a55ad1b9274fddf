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
