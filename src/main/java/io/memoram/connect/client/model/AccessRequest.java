package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** An access request (the API names the memory key {@code memoryKey} here). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccessRequest(
        @JsonProperty("id") String id,
        @JsonProperty("status") AccessStatus status,
        @JsonProperty("reason") String reason,
        @JsonProperty("memoryKey") @JsonAlias("memory_key") String memoryKey,
        @JsonProperty("user_id") @JsonAlias("userId") String userId,
        @JsonProperty("aiConnectorId") @JsonAlias("ai_connector_id") String aiConnectorId,
        @JsonProperty("createdAt") @JsonAlias("created_at") Instant createdAt,
        @JsonProperty("updatedAt") @JsonAlias("updated_at") Instant updatedAt) {

    @Override
    public String toString() {
        // memoryKey is a secret: never printed.
        return "AccessRequest[id=" + id + ", status=" + status + ", userId=" + userId + "]";
    }
}
