package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

@JsonIgnoreProperties(ignoreUnknown = true)
public record Tag(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("color") String color,
        @JsonProperty("is_enabled") @JsonAlias("isEnabled") Boolean isEnabled,
        @JsonProperty("created_at") @JsonAlias("createdAt") Instant createdAt,
        @JsonProperty("updated_at") @JsonAlias("updatedAt") Instant updatedAt) {
}
