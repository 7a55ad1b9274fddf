package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The ready-to-edit examples in config/ (etc/ in the Hub archive) must only use keys the
 * connectors define (or the framework's own), must validate, and must never hold a literal secret.
 */
class ExampleConfigsTest {

    private static final Path CONFIG = Path.of("config");
    /** Keys Kafka Connect itself reads from a connector config. */
    private static final Pattern FRAMEWORK_KEY = Pattern.compile(
            "name|connector\\.class|tasks\\.max|topics|topics\\.regex|config\\.action\\.reload"
            + "|(key|value|header)\\.converter(\\..+)?|transforms(\\..+)?|predicates(\\..+)?|errors\\..+"
            + "|(producer|consumer|admin)\\.override\\..+|exactly\\.once\\.support|transaction\\.boundary(\\..+)?"
            + "|offsets\\.storage\\.topic|topic\\.creation\\..+");
    private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{(file|env):[^}]+}");

    @ParameterizedTest
    @ValueSource(strings = {"source", "sink"})
    void everyKeyIsAConnectorOrFrameworkSetting(String kind) throws IOException {
        ConfigDef def = def(kind);
        for (Map<String, String> config : List.of(properties(kind), json(kind))) {
            assertThat(config.keySet()).allSatisfy(key -> assertThat(
                    def.configKeys().containsKey(key) || FRAMEWORK_KEY.matcher(key).matches())
                    .as("config/memoram-%s: '%s' is neither a %s connector setting nor a Connect framework setting",
                            kind, key, kind)
                    .isTrue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"source", "sink"})
    void propertiesAndJsonVersionsAgree(String kind) throws IOException {
        Map<String, String> props = properties(kind);
        Map<String, String> json = json(kind);
        assertThat(json).isEqualTo(props);
        assertThat(props.get("connector.class"))
                .isEqualTo("io.memoram.connect." + kind + ".Memoram" + (kind.equals("source") ? "Source" : "Sink") + "Connector");
    }

    @ParameterizedTest
    @ValueSource(strings = {"source", "sink"})
    void secretsComeFromConfigProvidersAndTheRestValidates(String kind) throws IOException {
        Map<String, String> props = properties(kind);
        assertThat(props.get(MemoramCommonConfig.API_KEY_CONFIG)).startsWith("${file:");
        assertThat(props.get(MemoramCommonConfig.MEMORY_KEYS_CONFIG)).startsWith("${env:");

        // What the worker sees once the providers have resolved the references.
        Map<String, String> resolved = new LinkedHashMap<>();
        props.forEach((k, v) -> resolved.put(k, PROVIDER_REFERENCE.matcher(v).replaceAll("resolved-secret")));
        resolved.keySet().removeIf(k -> FRAMEWORK_KEY.matcher(k).matches());
        if (kind.equals("source")) {
            assertThat(new MemoramSourceConfig(resolved).memoryKeys()).hasSize(1);
        } else {
            assertThat(new MemoramSinkConfig(resolved).memoryKeys()).hasSize(1);
        }
    }

    @Test
    void sinkSendsBadRecordsToADeadLetterQueueWithTheReasonInHeaders() throws IOException {
        Map<String, String> sink = properties("sink");
        assertThat(sink).containsEntry("errors.tolerance", "all")
                .containsEntry("errors.deadletterqueue.context.headers.enable", "true")
                .containsKey("errors.deadletterqueue.topic.name");
        assertThat(sink.get("errors.deadletterqueue.topic.name")).isNotBlank();
    }

    @Test
    void sourceExampleCreatesItsTopicsCompacted() throws IOException {
        assertThat(properties("source")).containsEntry("topic.creation.default.cleanup.policy", "compact")
                .containsEntry("topic.creation.default.replication.factor", "-1")
                .containsEntry("topic.creation.default.partitions", "-1");
    }

    @Test
    void workerExampleEnablesBothConfigProviders() throws IOException {
        Properties worker = load(CONFIG.resolve("connect-standalone-memoram.properties"));
        assertThat(worker.getProperty("config.providers")).isEqualTo("file,env");
        assertThat(worker.getProperty("config.providers.file.class"))
                .isEqualTo("org.apache.kafka.common.config.provider.FileConfigProvider");
        assertThat(worker.getProperty("config.providers.env.class"))
                .isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(worker.getProperty("plugin.path")).isNotBlank();
    }

    /**
     * The worker example lets the providers read only what the examples reference: environment
     * variables MEMORAM_*, files under the secrets directory. Checked with the providers themselves,
     * configured from the worker file's config.providers.*.param.* keys as a worker does.
     */
    @Test
    void workerExampleRestrictsTheProvidersToOurVariablesAndTheSecretsDirectory(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Properties worker = load(CONFIG.resolve("connect-standalone-memoram.properties"));
        String secretsDir = worker.getProperty("config.providers.file.param.allowed.paths");
        assertThat(secretsDir).isEqualTo("/etc/kafka-connect/secrets");
        for (String kind : List.of("source", "sink")) {
            String ref = properties(kind).get(MemoramCommonConfig.API_KEY_CONFIG);
            assertThat(ref).as("the %s example's file reference lies in the allowed directory", kind).startsWith("${file:" + secretsDir + "/");
        }

        Map<String, String> env = Map.of("MEMORAM_MEMORY_KEYS", "k1,k2", "AWS_SECRET_ACCESS_KEY", "not-ours");
        try (org.apache.kafka.common.config.provider.EnvVarConfigProvider provider =
                     new org.apache.kafka.common.config.provider.EnvVarConfigProvider(env)) {
            provider.configure(params(worker, "env"));
            assertThat(provider.get("", java.util.Set.of("MEMORAM_MEMORY_KEYS", "AWS_SECRET_ACCESS_KEY")).data())
                    .containsExactly(Map.entry("MEMORAM_MEMORY_KEYS", "k1,k2"));
        }

        // The same restriction, pointed at a temporary directory: inside it reads, outside it does not.
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("memoram.properties"), "api.key=inside\n");
        Files.writeString(tmp.resolve("other.properties"), "api.key=outside\n");
        Map<String, Object> fileParams = new LinkedHashMap<>(params(worker, "file"));
        fileParams.put("allowed.paths", secrets.toString());
        try (org.apache.kafka.common.config.provider.FileConfigProvider provider =
                     new org.apache.kafka.common.config.provider.FileConfigProvider()) {
            provider.configure(fileParams);
            assertThat(provider.get(secrets.resolve("memoram.properties").toString(), java.util.Set.of("api.key")).data())
                    .containsEntry("api.key", "inside");
            assertThat(provider.get(tmp.resolve("other.properties").toString(), java.util.Set.of("api.key")).data()).isEmpty();
        }
    }

    /** The worker file's config.providers.<name>.param.* settings, as the worker hands them to the provider. */
    private static Map<String, Object> params(Properties worker, String provider) {
        String prefix = "config.providers." + provider + ".param.";
        Map<String, Object> out = new LinkedHashMap<>();
        worker.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> out.put(k.substring(prefix.length()), worker.getProperty(k)));
        return out;
    }

    private static ConfigDef def(String kind) {
        return kind.equals("source") ? MemoramSourceConfig.CONFIG_DEF : MemoramSinkConfig.CONFIG_DEF;
    }

    private static Map<String, String> properties(String kind) throws IOException {
        Properties p = load(CONFIG.resolve("memoram-" + kind + ".properties"));
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }

    private static Map<String, String> json(String kind) throws IOException {
        JsonNode root = new ObjectMapper().readTree(CONFIG.resolve("memoram-" + kind + ".json").toFile());
        Map<String, String> map = new LinkedHashMap<>();
        map.put("name", root.path("name").asText());
        root.path("config").properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }
}
