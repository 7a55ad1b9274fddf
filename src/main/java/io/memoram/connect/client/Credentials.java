package io.memoram.connect.client;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A user's credentials for an approved access request. {@code memoryKey} and {@code encryptionKey}
 * (hex) are secrets: {@link #toString()} hides them; keep instances in task memory only.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Credentials(
        @JsonProperty("user_id") @JsonAlias("userId") String userId,
        @JsonProperty("memory_key") @JsonAlias("memoryKey") String memoryKey,
        @JsonProperty("encryption_key") @JsonAlias("encryptionKey") String encryptionKey,
        @JsonProperty("key_version") @JsonAlias("keyVersion") int keyVersion) {

    @Override
    public String toString() {
        return "Credentials[userId=" + userId + ", keyVersion=" + keyVersion + "]";
    }
}
