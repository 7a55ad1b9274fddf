package io.memoram.connect.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Response of the OAuth authorization-code exchange; only {@code memoryKey} matters to the API. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OAuthTokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") Long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("memory_key") String memoryKey) {

    @Override
    public String toString() {
        return "OAuthTokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
