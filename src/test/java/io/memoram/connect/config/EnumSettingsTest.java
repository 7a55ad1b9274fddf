package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Enum-valued settings: parsed once in the config, in any case, with errors that name the key. */
class EnumSettingsTest {

    private static Map<String, String> props(String... kv) {
        Map<String, String> props = new HashMap<>();
        props.put(MemoramCommonConfig.API_KEY_CONFIG, "k");
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    @Test
    void sourceValuesAreParsedInAnyCase() {
        MemoramSourceConfig c = new MemoramSourceConfig(props(
                MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG, " Ignore ",
                MemoramSourceConfig.BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG, "RAW",
                MemoramCommonConfig.BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, "Fail",
                MemoramCommonConfig.CONTENT_ENCRYPTION_CONFIG, " PlainText"));
        assertThat(c.behaviorOnDelete()).isEqualTo(MemoramSourceConfig.OnDelete.IGNORE);
        assertThat(c.tombstoneOnDelete()).isFalse();
        assertThat(c.behaviorOnDecryptionError()).isEqualTo(MemoramSourceConfig.OnDecryptionError.RAW);
        assertThat(c.failOnAccessRevoked()).isTrue();
        assertThat(c.contentEncryption()).isEqualTo("plaintext");
        assertThat(c.contentCipher()).isSameAs(io.memoram.connect.crypto.ContentCiphers.forName("plaintext"));
    }

    @Test
    void sinkValuesAreParsedInAnyCase() {
        MemoramSinkConfig c = new MemoramSinkConfig(props(
                MemoramSinkConfig.WRITE_MODE_CONFIG, "INSERT",
                MemoramSinkConfig.BEHAVIOR_ON_NULL_VALUES_CONFIG, "Ignore",
                MemoramCommonConfig.BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, "SKIP",
                MemoramSinkConfig.ERRORS_TOLERANCE_CONFIG, " All "));
        assertThat(c.writeMode()).isEqualTo(MemoramSinkConfig.WriteMode.INSERT);
        assertThat(c.writeMode()).isEqualTo(MemoramSinkConfig.WriteMode.INSERT);
        assertThat(c.behaviorOnNullValues()).isEqualTo(MemoramSinkConfig.OnNullValues.IGNORE);
        assertThat(c.failOnAccessRevoked()).isFalse();
        assertThat(c.errorsTolerance()).isEqualTo(MemoramSinkConfig.ErrorsTolerance.ALL);
    }

    @Test
    void aBadErrorsToleranceNamesTheKeyAndTheValues() {
        assertThatThrownBy(() -> new MemoramSinkConfig(props(MemoramSinkConfig.ERRORS_TOLERANCE_CONFIG, "some")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("errors.tolerance").hasMessageContaining("none, all");
    }

    @Test
    void aBadValueNamesTheKeyAndTheValues() {
        assertThatThrownBy(() -> new MemoramSinkConfig(props(MemoramSinkConfig.WRITE_MODE_CONFIG, "merge")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("memoram.write.mode").hasMessageContaining("upsert, insert");
        assertThatThrownBy(() -> new MemoramSourceConfig(props(MemoramSourceConfig.BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG, "shrug")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("behavior.on.decryption.error").hasMessageContaining("fail, skip, raw");
        assertThatThrownBy(() -> new MemoramSourceConfig(props(MemoramCommonConfig.CONTENT_ENCRYPTION_CONFIG, "rot13")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("memoram.content.encryption").hasMessageContaining("aes-gcm, plaintext");
    }

    @Test
    void recommendersListExactlyTheEnumValues() {
        assertRecommends(MemoramSourceConfig.CONFIG_DEF, MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG, "tombstone", "ignore", "rewrite");
        assertRecommends(MemoramSourceConfig.CONFIG_DEF, MemoramSourceConfig.BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG, "fail", "skip", "raw");
        assertRecommends(MemoramSourceConfig.CONFIG_DEF, MemoramCommonConfig.BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, "skip", "fail");
        assertRecommends(MemoramSourceConfig.CONFIG_DEF, MemoramCommonConfig.CONTENT_ENCRYPTION_CONFIG, "aes-gcm", "plaintext");
        assertRecommends(MemoramSinkConfig.CONFIG_DEF, MemoramSinkConfig.WRITE_MODE_CONFIG, "upsert", "insert");
        assertRecommends(MemoramSinkConfig.CONFIG_DEF, MemoramSinkConfig.BEHAVIOR_ON_NULL_VALUES_CONFIG, "delete", "ignore", "fail");
        assertRecommends(MemoramSinkConfig.CONFIG_DEF, MemoramCommonConfig.BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, "skip", "fail");
    }

    private static void assertRecommends(ConfigDef def, String key, String... values) {
        ConfigDef.ConfigKey configKey = def.configKeys().get(key);
        assertThat(configKey.recommender.validValues(key, Map.of())).as(key).isEqualTo(List.of((Object[]) values));
        for (String v : values) {
            configKey.validator.ensureValid(key, v.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void enumsPrintAsTheyAreSpelledInConfigs() {
        assertThat(MemoramSinkConfig.WriteMode.UPSERT).hasToString("upsert");
        assertThat(MemoramSourceConfig.OnDecryptionError.RAW).hasToString("raw");
        assertThat(EnumSettings.spellings(MemoramSinkConfig.ErrorsTolerance.class)).containsExactly("none", "all");
    }
}
