package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every duration and count setting has an upper bound in its ConfigDef: a value past it (or one that
 * is not a finite number) is refused when the config is built, naming the key, instead of wrapping
 * {@code now + interval} negative or making {@code Duration.toNanos()} throw on every call.
 */
class ConfigBoundsTest {
    private static final String LONG_MAX = Long.toString(Long.MAX_VALUE);

    private static Map<String, String> minimal(String key, String value) {
        Map<String, String> p = new HashMap<>();
        p.put(MemoramCommonConfig.API_KEY_CONFIG, "mem_" + "0".repeat(48));
        p.put(key, value);
        return p;
    }

    /** key, a value just past its maximum (or not finite), the maximum itself, and which connector takes it. */
    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of(MemoramCommonConfig.HTTP_REQUEST_TIMEOUT_MS_CONFIG, "3600001", "3600000", "both"),
                Arguments.of(MemoramCommonConfig.HTTP_REQUEST_TIMEOUT_MS_CONFIG, LONG_MAX, "3600000", "both"),
                Arguments.of(MemoramCommonConfig.ACCESS_CHECK_INTERVAL_MS_CONFIG, "604800001", "604800000", "both"),
                Arguments.of(MemoramCommonConfig.ACCESS_CHECK_INTERVAL_MS_CONFIG, LONG_MAX, "604800000", "both"),
                Arguments.of(MemoramCommonConfig.RETRY_BACKOFF_MS_CONFIG, "86400001", "86400000", "both"),
                Arguments.of(MemoramCommonConfig.RETRY_BACKOFF_MS_CONFIG, LONG_MAX, "86400000", "both"),
                Arguments.of(MemoramCommonConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "86400001", "86400000", "both"),
                Arguments.of(MemoramCommonConfig.RETRY_BACKOFF_MAX_MS_CONFIG, LONG_MAX, "86400000", "both"),
                Arguments.of(MemoramCommonConfig.RATE_LIMIT_CONFIG, "10000.5", "10000", "both"),
                Arguments.of(MemoramCommonConfig.RATE_LIMIT_CONFIG, "NaN", "10000", "both"),
                Arguments.of(MemoramCommonConfig.RATE_LIMIT_CONFIG, "Infinity", "10000", "both"),
                Arguments.of(MemoramCommonConfig.RATE_LIMIT_CONFIG, "1e-300", "0.001", "both"),
                Arguments.of(MemoramCommonConfig.MAX_IN_FLIGHT_CONFIG, "257", "256", "both"),
                Arguments.of(MemoramCommonConfig.HTTP_RESPONSE_BUFFER_MAX_BYTES_CONFIG, "1073741825", "1073741824", "both"),
                Arguments.of(MemoramCommonConfig.HTTP_RESPONSE_BUFFER_MAX_BYTES_CONFIG, LONG_MAX, "1073741824", "both"),
                Arguments.of(MemoramSourceConfig.POLL_INTERVAL_MS_CONFIG, "604800001", "604800000", "source"),
                Arguments.of(MemoramSourceConfig.POLL_INTERVAL_MS_CONFIG, LONG_MAX, "604800000", "source"),
                Arguments.of(MemoramSourceConfig.PAGE_SIZE_CONFIG, "10001", "10000", "source"),
                Arguments.of(MemoramSourceConfig.BUFFER_MAX_BYTES_CONFIG, "4294967297", "4294967296", "source"),
                Arguments.of(MemoramSourceConfig.BUFFER_MAX_BYTES_CONFIG, LONG_MAX, "4294967296", "source"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("outOfRange")
    void aValuePastTheMaximumIsRefusedNamingItsKey(String key, String tooLarge, String max, String connectors) {
        if (!connectors.equals("sink")) {
            assertThatThrownBy(() -> new MemoramSourceConfig(minimal(key, tooLarge)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key);
            assertThat(new MemoramSourceConfig(minimal(key, max)).originalsStrings()).containsEntry(key, max);
        }
        if (connectors.equals("both")) {
            assertThatThrownBy(() -> new MemoramSinkConfig(minimal(key, tooLarge)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key);
            assertThat(new MemoramSinkConfig(minimal(key, max)).originalsStrings()).containsEntry(key, max);
        }
    }

    /** A new numeric setting without an upper bound fails here, before it can overflow somewhere. */
    @Test
    void everyNumericSettingHasAnUpperBound() {
        for (ConfigDef def : new ConfigDef[] {MemoramSourceConfig.CONFIG_DEF, MemoramSinkConfig.CONFIG_DEF}) {
            for (ConfigDef.ConfigKey k : def.configKeys().values()) {
                if (k.type == ConfigDef.Type.INT && k.name.equals(MemoramCommonConfig.MAX_RETRIES_CONFIG)) {
                    // A count up to Integer.MAX_VALUE ("retry practically forever", as Kafka's own retries),
                    // handled without overflow by the client and the sink's retry bound.
                    continue;
                }
                if (k.type == ConfigDef.Type.INT || k.type == ConfigDef.Type.LONG || k.type == ConfigDef.Type.DOUBLE) {
                    assertThat(k.validator).as(k.name).isNotNull();
                    assertThat(k.validator.toString()).as(k.name + " is bounded above").doesNotEndWith(",...]")
                            .matches(".*\\d\\]?$");
                }
            }
        }
    }

    @Test
    void maxRetriesAcceptsIntegerMaxValue() {
        assertThat(new MemoramSinkConfig(minimal(MemoramCommonConfig.MAX_RETRIES_CONFIG, "2147483647")).maxRetries())
                .isEqualTo(Integer.MAX_VALUE);
    }
}
