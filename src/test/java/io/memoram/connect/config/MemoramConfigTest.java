package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defaults and derived values follow docs/configuration.md. */
class MemoramConfigTest {
    private static final Map<String, String> MINIMAL = Map.of(
            MemoramCommonConfig.API_KEY_CONFIG, "mem_" + "0".repeat(48),
            MemoramCommonConfig.MEMORY_KEYS_CONFIG, " key-one , key-two ,,");

    @Test
    void sourceDefaultsMatchTheContract() {
        MemoramSourceConfig c = new MemoramSourceConfig(MINIMAL);
        assertThat(c.apiUrl()).hasToString("https://api.memoram.app/api/v1");
        assertThat(c.memoriesTopic()).isEqualTo("memoram.memories");
        assertThat(c.tagsTopic()).isEqualTo("memoram.tags");
        assertThat(c.accessTopic()).isEqualTo("memoram.access");
        assertThat(c.tagsEnabled()).isTrue();
        assertThat(c.pollInterval().toMillis()).isEqualTo(30_000);
        assertThat(c.blobQuery().limit()).isEqualTo(100);
        assertThat(c.blobQuery().tags()).isEmpty();
        assertThat(c.tombstoneOnDelete()).isTrue();
        assertThat(c.behaviorOnDelete()).isEqualTo(MemoramSourceConfig.OnDelete.TOMBSTONE);
        assertThat(c.behaviorOnDecryptionError()).isEqualTo(MemoramSourceConfig.OnDecryptionError.FAIL);
        assertThat(c.behaviorOnAccessRevoked()).isEqualTo(MemoramCommonConfig.OnAccessRevoked.SKIP);
        assertThat(c.failOnAccessRevoked()).isFalse();
        assertThat(c.contentEncryption()).isEqualTo("aes-gcm");
        assertThat(c.contentCipher()).isSameAs(io.memoram.connect.crypto.ContentCiphers.forName("aes-gcm"));
        assertThat(c.maxRetries()).isEqualTo(10);
        assertThat(c.retryBackoff().toMillis()).isEqualTo(500);
        assertThat(c.retryBackoffMax().toMillis()).isEqualTo(60_000);
        assertThat(c.accessRequestReason()).hasSizeLessThanOrEqualTo(255);
    }

    @Test
    void topicPrefixAndExplicitTopicsDeriveNames() {
        MemoramSourceConfig c = new MemoramSourceConfig(Map.of(
                MemoramCommonConfig.API_KEY_CONFIG, "k", MemoramSourceConfig.TOPIC_PREFIX_CONFIG, "team",
                MemoramSourceConfig.TAGS_TOPIC_CONFIG, "explicit-tags"));
        assertThat(c.memoriesTopic()).isEqualTo("team.memories");
        assertThat(c.tagsTopic()).isEqualTo("explicit-tags");
    }

    @Test
    void memoryKeysAreSplitTrimmedAndHidden() {
        MemoramSourceConfig c = new MemoramSourceConfig(MINIMAL);
        assertThat(c.memoryKeys()).extracting(Secret::reveal).containsExactly("key-one", "key-two");
        assertThat(c.memoryKeys().toString()).doesNotContain("key-one");
        assertThat(c.toString()).doesNotContain("key-one").doesNotContain("0".repeat(48));
    }

    @Test
    void sinkDefaultsMatchTheContract() {
        MemoramSinkConfig c = new MemoramSinkConfig(MINIMAL);
        assertThat(c.userId()).isNull();
        assertThat(c.userIdField()).isEqualTo("user_id");
        assertThat(c.getString(MemoramSinkConfig.FIELD_CONTENT_CONFIG)).isEqualTo("content");
        assertThat(c.getString(MemoramSinkConfig.FIELD_ID_CONFIG)).isEqualTo("id");
        assertThat(c.sourceDefault()).isEqualTo("kafka-connect");
        assertThat(c.writeMode()).isEqualTo(MemoramSinkConfig.WriteMode.UPSERT);
        assertThat(c.writeMode()).isEqualTo(MemoramSinkConfig.WriteMode.UPSERT);
        assertThat(c.behaviorOnNullValues()).isEqualTo(MemoramSinkConfig.OnNullValues.DELETE);
        assertThat(c.errorsTolerance()).isEqualTo(MemoramSinkConfig.ErrorsTolerance.NONE);
        assertThat(c.maxInFlightRequests()).isEqualTo(16);
    }

    @Test
    void clientConfigCarriesTheSettings() {
        var client = new MemoramSinkConfig(Map.of(MemoramCommonConfig.API_KEY_CONFIG, "k",
                MemoramCommonConfig.RATE_LIMIT_CONFIG, "2.5", MemoramCommonConfig.MAX_RETRIES_CONFIG, "3"))
                .clientConfig(null);
        assertThat(client.rateLimitPerSecond()).isEqualTo(2.5);
        assertThat(client.maxRetries()).isEqualTo(3);
        assertThat(client.apiKey().reveal()).isEqualTo("k");
    }
}
