package io.memoram.connect.client;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Response of the OAuth authorization-code exchange; only {@code memoryKey} matters to the API. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OAuthTokenResponse(
        @JsonProperty("access_token") @JsonAlias("accessToken") String accessToken,
        @JsonProperty("token_type") @JsonAlias("tokenType") String tokenType,
        @JsonProperty("expires_in") @JsonAlias("expiresIn") Long expiresIn,
        @JsonProperty("refresh_token") @JsonAlias("refreshToken") String refreshToken,
        @JsonProperty("memory_key") @JsonAlias("memoryKey") String memoryKey) {

    @Override
    public String toString() {
        return "OAuthTokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
