package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** Response of {@code POST /auth/token}. The token is a secret. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenResponse(
        @JsonProperty("token") String token,
        @JsonProperty("expires_at") @JsonAlias("expiresAt") Instant expiresAt,
        @JsonProperty("token_type") @JsonAlias("tokenType") String tokenType) {

    @Override
    public String toString() {
        return "TokenResponse[expiresAt=" + expiresAt + ", tokenType=" + tokenType + "]";
    }
}
