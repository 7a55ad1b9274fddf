package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Developer authentication: POST /auth/token and the bearer check on every other call. */
class EmulatorAuthTest {
    private MemoramEmulator emu;
    private EmulatorHttp http;
    private String apiKey;

    @BeforeEach
    void start() {
        emu = MemoramEmulator.start();
        http = new EmulatorHttp(emu);
        apiKey = emu.createApiKey();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void tokenRequestsWithBadKeysOrBodiesAre400() {
        assertThat(http.api("POST", "/auth/token", null, Map.of("api_key", "mem_" + "0".repeat(48))).status()).isEqualTo(400);
        assertThat(http.api("POST", "/auth/token", null, Map.of("key", apiKey)).status()).isEqualTo(400);
        assertThat(http.api("POST", "/auth/token", null, Map.of("api_key", 42)).status()).isEqualTo(400);
        assertThat(http.api("POST", "/auth/token", null, Map.of("api_key", apiKey, "expires_in", "soon")).status()).isEqualTo(400);
        assertThat(http.api("POST", "/auth/token", null, Map.of("api_key", apiKey, "expires_in", -5)).status()).isEqualTo(400);
        EmulatorHttp.Reply notJson = http.apiRaw("POST", "/auth/token", null, "api_key=" + apiKey);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("error").asText()).isNotBlank().doesNotContain(apiKey);
    }

    @Test
    void missingInvalidOrWrongSchemeBearerIs401WithAJsonError() {
        EmulatorHttp.Reply missing = http.api("GET", "/access-requests", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("error").asText()).contains("missing");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(http.api("GET", "/access-requests", "not-a-token", null).status()).isEqualTo(401);
        // The API key itself is not a bearer token.
        assertThat(http.api("GET", "/access-requests", apiKey, null).status()).isEqualTo(401);
        assertThat(http.api("GET", "/access-requests", http.token(apiKey), null).status()).isEqualTo(200);
    }

    @Test
    void tokensExpireAfterTheServerTtlOrTheShorterRequestedLifetime() {
        emu.tokenTtl(Duration.ofSeconds(1));
        String shortLived = http.token(apiKey);
        assertThat(http.api("GET", "/access-requests", shortLived, null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.api("GET", "/access-requests", shortLived, null).status() == 401);
        assertThat(http.api("GET", "/access-requests", shortLived, null).json().get("error").asText()).contains("expired");

        emu.tokenTtl(Duration.ofHours(1));
        EmulatorHttp.Reply asked = http.api("POST", "/auth/token", null, Map.of("api_key", apiKey, "expires_in", 1));
        assertThat(Instant.parse(asked.json().get("expires_at").asText())).isBefore(Instant.now().plusSeconds(2));
        // A longer request than the server's TTL is cut down to the TTL.
        EmulatorHttp.Reply capped = http.api("POST", "/auth/token", null, Map.of("api_key", apiKey, "expires_in", 86400));
        assertThat(Instant.parse(capped.json().get("expires_at").asText())).isBefore(Instant.now().plusSeconds(3601));
    }

    @Test
    void expireAllTokensInvalidatesEveryIssuedTokenButNewOnesWork() {
        String a = http.token(apiKey);
        String b = http.token(emu.createApiKey());
        emu.expireAllTokens();
        assertThat(http.api("GET", "/access-requests", a, null).status()).isEqualTo(401);
        assertThat(http.api("GET", "/access-requests", b, null).status()).isEqualTo(401);
        assertThat(http.api("GET", "/access-requests", http.token(apiKey), null).status()).isEqualTo(200);
        assertThat(emu.requestCount("POST", "/auth/token")).isEqualTo(3);
    }
}
