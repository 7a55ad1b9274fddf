package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ConnectorValidationTest {
    private static final String API_KEY = "mem_" + "ab".repeat(24);
    private static final String MEMORY_KEY = "mk_super_secret_value";

    private static Map<String, String> base() {
        Map<String, String> props = new HashMap<>();
        props.put(MemoramCommonConfig.API_URL_CONFIG, "http://127.0.0.1:1/api/v1");
        props.put(MemoramCommonConfig.API_KEY_CONFIG, API_KEY);
        props.put(MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG, "cm8r8ny2i001mm24853tqfd62");
        return props;
    }

    private static List<String> errors(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    private static Config validateSource(Map<String, String> props) {
        return ConnectorValidation.validate(props, MemoramSourceConfig.CONFIG_DEF, Duration.ZERO);
    }

    @Test
    void aValidConfigHasNoErrors() {
        Config config = validateSource(base());
        assertThat(config.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void aSignalTopicWithoutBootstrapServersIsReportedOnTheServersFieldAndFailsAtStart() {
        Map<String, String> props = base();
        props.put(MemoramSourceConfig.SIGNAL_TOPIC_CONFIG, "signals");
        assertThat(errors(validateSource(props), MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG))
                .containsExactly(MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG + " is required when "
                        + MemoramSourceConfig.SIGNAL_TOPIC_CONFIG + " is set");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MemoramSourceConfig(props))
                .hasMessageContaining(MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG);
        props.put(MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        props.put(MemoramSourceConfig.SIGNAL_CONSUMER_PREFIX + "security.protocol", "SSL");
        assertThat(validateSource(props).configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
        MemoramSourceConfig config = new MemoramSourceConfig(props);
        assertThat(config.signalConsumerConfig()).containsEntry("bootstrap.servers", "broker:9092").containsEntry("security.protocol", "SSL");
        assertThat(config.notificationTopic()).isEqualTo(config.accessTopic());
        assertThat(config.notifyInitialLoads()).isTrue();
    }

    @Test
    void noAccessConfiguredIsReportedOnBothAccessFields() {
        Map<String, String> props = base();
        props.remove(MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG);
        Config config = validateSource(props);
        assertThat(errors(config, MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG)).containsExactly(ConnectorValidation.NO_ACCESS_MESSAGE);
        assertThat(errors(config, MemoramCommonConfig.MEMORY_KEYS_CONFIG)).containsExactly(ConnectorValidation.NO_ACCESS_MESSAGE);
    }

    @Test
    void memoryKeysAloneAreEnoughAndNeverEchoed() {
        Map<String, String> props = base();
        props.remove(MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG);
        props.put(MemoramCommonConfig.MEMORY_KEYS_CONFIG, MEMORY_KEY);
        props.put(MemoramCommonConfig.API_URL_CONFIG, "not a url");
        Config config = validateSource(props);
        assertThat(errors(config, MemoramCommonConfig.MEMORY_KEYS_CONFIG)).isEmpty();
        assertThat(config.configValues().stream().flatMap(v -> v.errorMessages().stream()))
                .isNotEmpty()
                .noneMatch(m -> m.contains(MEMORY_KEY) || m.contains(API_KEY));
    }

    @Test
    void badUrlIsReportedOnTheUrlField() {
        for (String bad : List.of("not a url", "ftp://host/api", "/relative/path", "http://")) {
            Map<String, String> props = base();
            props.put(MemoramCommonConfig.API_URL_CONFIG, bad);
            assertThat(errors(validateSource(props), MemoramCommonConfig.API_URL_CONFIG)).as(bad).hasSize(1);
        }
    }

    @Test
    void reasonOver255CharactersIsReported() {
        Map<String, String> props = base();
        props.put(MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG, "x".repeat(256));
        assertThat(errors(validateSource(props), MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG))
                .singleElement().asString().contains("at most 255");
        props.put(MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG, "x".repeat(255));
        assertThat(errors(validateSource(props), MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG)).isEmpty();
        props.put(MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG, "  ");
        assertThat(errors(validateSource(props), MemoramCommonConfig.ACCESS_REQUEST_REASON_CONFIG))
                .singleElement().asString().contains("must not be blank");
    }

    @Test
    void unknownEnumValuesAreReportedWithTheAllowedOnes() {
        Map<String, String> props = base();
        props.put(MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG, "explode");
        props.put(MemoramSourceConfig.BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG, "shrug");
        props.put(MemoramCommonConfig.CONTENT_ENCRYPTION_CONFIG, "rot13");
        Config config = validateSource(props);
        assertThat(errors(config, MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG)).singleElement().asString().contains("tombstone, ignore");
        assertThat(errors(config, MemoramSourceConfig.BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG)).singleElement().asString().contains("fail, skip, raw");
        assertThat(errors(config, MemoramCommonConfig.CONTENT_ENCRYPTION_CONFIG)).singleElement().asString().contains("aes-gcm, plaintext");

        Map<String, String> sink = base();
        sink.put(MemoramSinkConfig.WRITE_MODE_CONFIG, "merge");
        sink.put(MemoramSinkConfig.BEHAVIOR_ON_NULL_VALUES_CONFIG, "drop");
        Config sinkConfig = ConnectorValidation.validate(sink, MemoramSinkConfig.CONFIG_DEF, Duration.ZERO);
        assertThat(errors(sinkConfig, MemoramSinkConfig.WRITE_MODE_CONFIG)).singleElement().asString().contains("upsert, insert");
        assertThat(errors(sinkConfig, MemoramSinkConfig.BEHAVIOR_ON_NULL_VALUES_CONFIG)).singleElement().asString().contains("delete, ignore, fail");
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        Map<String, String> props = base();
        props.put(MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG, "IGNORE");
        assertThat(errors(validateSource(props), MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG)).isEmpty();
        assertThat(new MemoramSourceConfig(props).tombstoneOnDelete()).isFalse();
    }

    @Test
    void plainHttpToARemoteHostIsRefusedOnTheUrlFieldNamingHttps() {
        for (String url : List.of("http://api.example.com/api/v1", "HTTP://10.0.0.5:8080/api/v1", "http://0.0.0.0:80/api/v1",
                "http://localhost.example.com/api/v1", "http://127.example.com/api/v1", "http://[2001:db8::1]/api/v1",
                "http://localhost@api.example.com/api/v1", "http://[::ffff:10.0.0.5]/api/v1")) {
            Map<String, String> props = base();
            props.put(MemoramCommonConfig.API_URL_CONFIG, url);
            assertThat(errors(validateSource(props), MemoramCommonConfig.API_URL_CONFIG)).as(url).singleElement().asString()
                    .contains(MemoramCommonConfig.API_URL_CONFIG).contains("https://")
                    .contains(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG).doesNotContain(API_KEY);
            props.put(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG, "true");
            assertThat(errors(validateSource(props), MemoramCommonConfig.API_URL_CONFIG)).as(url + " with the opt-in").isEmpty();
        }
    }

    @Test
    void plainHttpToLoopbackAndHttpsAnywhereAreAllowed() {
        for (String url : List.of("http://127.0.0.1:8089/api/v1", "http://127.1.2.3/api/v1", "http://localhost:8089/api/v1",
                "http://LocalHost/api/v1", "http://memoram.localhost/api/v1", "http://[::1]:8089/api/v1",
                "https://api.example.com/api/v1", "https://10.0.0.5/api/v1")) {
            Map<String, String> props = base();
            props.put(MemoramCommonConfig.API_URL_CONFIG, url);
            assertThat(errors(validateSource(props), MemoramCommonConfig.API_URL_CONFIG)).as(url).isEmpty();
            assertThat(ConnectorValidation.validate(props, MemoramSinkConfig.CONFIG_DEF, Duration.ZERO).configValues())
                    .as(url).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
        }
    }

    @Test
    void plainHttpToARemoteHostFailsTheConfigAtStart() {
        Map<String, String> props = base();
        props.put(MemoramCommonConfig.API_URL_CONFIG, "http://api.example.com/api/v1");
        for (java.util.function.Supplier<?> start : List.<java.util.function.Supplier<?>>of(
                () -> new MemoramSourceConfig(props), () -> new MemoramSinkConfig(props))) {
            assertThatThrownBy(start::get).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(MemoramCommonConfig.API_URL_CONFIG).hasMessageContaining("https://")
                    .hasMessageContaining(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG)
                    .hasMessageNotContaining(API_KEY);
        }
        // Each connector and task refuses it in start(), before any call could carry the key.
        for (java.util.function.Consumer<Map<String, String>> start : List.<java.util.function.Consumer<Map<String, String>>>of(
                new io.memoram.connect.source.MemoramSourceConnector()::start, new io.memoram.connect.source.MemoramSourceTask()::start,
                new io.memoram.connect.sink.MemoramSinkConnector()::start, new io.memoram.connect.sink.MemoramSinkTask()::start)) {
            assertThatThrownBy(() -> start.accept(props)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(MemoramCommonConfig.API_URL_CONFIG).hasMessageContaining("https://");
        }
        props.put(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG, "true");
        assertThat(new MemoramSourceConfig(props).apiUrl()).hasToString("http://api.example.com/api/v1");
        assertThat(new MemoramSinkConfig(props).apiUrl()).hasToString("http://api.example.com/api/v1");
    }

    @Test
    void missingApiKeyIsReportedOnItsField() {
        Map<String, String> props = base();
        props.remove(MemoramCommonConfig.API_KEY_CONFIG);
        assertThat(errors(validateSource(props), MemoramCommonConfig.API_KEY_CONFIG)).isNotEmpty();
    }
}
