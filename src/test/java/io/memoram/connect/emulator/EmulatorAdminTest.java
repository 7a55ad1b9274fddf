package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard's acts over /admin, and the OAuth code exchange at /oauth/token. */
class EmulatorAdminTest extends FreshEmulatorTest {
    @Test
    void adminHttpDrivesTheWholeDashboardLifecycle() {
        EmulatorHttp.Reply key = http.admin("POST", "/api-keys", null);
        assertThat(key.status()).isEqualTo(201);
        String apiKey = key.json().get("api_key").asText();
        assertThat(apiKey).matches("mem_[0-9a-f]{48}");

        JsonNode user = http.admin("POST", "/users", null).json();
        String userId = user.get("user_id").asText();
        assertThat(user.get("encryption_key").asText()).matches("[0-9a-f]{64}");
        assertThat(user.get("key_version").asInt()).isEqualTo(1);
        assertThat(http.admin("GET", "/users", null).json().get("items")).hasSize(1);

        String token = http.token(apiKey);
        String requestId = http.api("POST", "/access-requests", token,
                Map.of("memoryKey", user.get("memory_key").asText(), "reason", "demo")).json().get("id").asText();
        assertThat(http.admin("GET", "/access-requests", null).json().get("items").get(0).get("status").asText())
                .isEqualTo("pending");

        assertThat(http.admin("POST", "/access-requests/" + requestId + "/reject", null).json().get("status").asText())
                .isEqualTo("rejected");
        assertThat(http.admin("POST", "/access-requests/" + requestId + "/approve", null).json().get("status").asText())
                .isEqualTo("approved");

        EmulatorHttp.Reply seeded = http.admin("POST", "/users/" + userId + "/blobs",
                Map.of("content", "remember the milk", "title", "Groceries", "tags", List.of("home"), "importance", 0.3));
        assertThat(seeded.status()).isEqualTo(201);
        String sealed = seeded.json().get("content").asText();
        assertThat(sealed).isNotEqualTo("remember the milk");
        assertThat(emu.decrypt(userId, sealed)).isEqualTo("remember the milk");
        assertThat(EmulatorApiFlowTest.ids(http.api("GET", "/memory-blobs?user_id=" + userId, token, null)))
                .containsExactly(seeded.json().get("id").asText());

        JsonNode rotated = http.admin("POST", "/users/" + userId + "/rotate-key", null).json();
        assertThat(rotated.get("key_version").asInt()).isEqualTo(2);
        assertThat(http.api("GET", "/access-requests/" + requestId + "/credentials", token, null).json()
                .get("key_version").asInt()).isEqualTo(2);
        assertThat(emu.decrypt(userId, sealed)).isEqualTo("remember the milk");

        assertThat(http.admin("POST", "/access-requests/" + requestId + "/revoke", null).status()).isEqualTo(200);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + userId, token, null).status()).isEqualTo(403);

        JsonNode state = http.admin("GET", "/state", null).json();
        assertThat(state.get("api_keys").asInt()).isEqualTo(1);
        assertThat(state.get("users").get(0).get("blobs").asInt()).isEqualTo(1);
        assertThat(state.get("users").get(0).get("key_version").asInt()).isEqualTo(2);
        assertThat(state.get("access_requests").get("revoked").asInt()).isEqualTo(1);
    }

    @Test
    void adminErrorsAreClear() {
        assertThat(http.admin("POST", "/access-requests/c000000000000000000000000/approve", null).status()).isEqualTo(404);
        assertThat(http.admin("POST", "/users/nobody/rotate-key", null).status()).isEqualTo(404);
        assertThat(http.admin("POST", "/users/" + emu.createUser().userId() + "/blobs", Map.of("title", "t")).status())
                .isEqualTo(400);
        EmulatorHttp.Reply unknown = http.admin("GET", "/nope", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).contains("GET /admin");
        assertThat(http.admin("GET", "", null).json().get("endpoints").size()).isGreaterThan(5);
    }

    @Test
    void settingsAndTokenExpiryOverAdmin() {
        String apiKey = emu.createApiKey();
        String token = http.token(apiKey);
        assertThat(http.admin("POST", "/tokens/expire", null).status()).isEqualTo(200);
        assertThat(http.api("GET", "/access-requests", token, null).status()).isEqualTo(401);
        JsonNode s = http.admin("POST", "/settings", Map.of("page_cap", 3, "token_ttl_seconds", 60)).json();
        assertThat(s.get("page_cap").asInt()).isEqualTo(3);
        assertThat(s.get("token_ttl_seconds").asInt()).isEqualTo(60);
        assertThat(http.admin("POST", "/settings", Map.of("page_cap", 0)).status()).isEqualTo(400);
    }

    @Test
    void oauthCodeExchangeReturnsTheMemoryKeyOnce() {
        EmulatedUser user = emu.createUser();
        String code = emu.createAuthorizationCode(user.userId(), "client-1", "s3cret", "http://localhost/cb");
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code, "client_id", "client-1",
                "client_secret", "s3cret", "redirect_uri", "http://localhost/cb");

        assertThat(http.form(emu.oauthTokenUrl(), Map.of("grant_type", "password", "code", code)).status()).isEqualTo(400);
        EmulatorHttp.Reply badClient = http.form(emu.oauthTokenUrl(), Map.of("grant_type", "authorization_code",
                "code", code, "client_id", "client-1", "client_secret", "wrong", "redirect_uri", "http://localhost/cb"));
        assertThat(badClient.status()).isEqualTo(401);
        assertThat(badClient.json().get("error").asText()).isEqualTo("invalid_client");

        EmulatorHttp.Reply ok = http.form(emu.oauthTokenUrl(), form);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("memory_key").asText()).isEqualTo(user.memoryKey());
        assertThat(ok.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(ok.json().get("expires_in").asLong()).isPositive();
        assertThat(ok.json().get("access_token").asText()).isNotBlank();
        assertThat(ok.json().get("refresh_token").asText()).isNotBlank();

        EmulatorHttp.Reply again = http.form(emu.oauthTokenUrl(), form);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(emu.requestCount("POST", "/oauth/token")).isEqualTo(4);

        // Codes can also be minted over admin HTTP.
        JsonNode minted = http.admin("POST", "/users/" + user.userId() + "/oauth-codes",
                Map.of("client_id", "c", "client_secret", "s", "redirect_uri", "r")).json();
        assertThat(http.form(minted.get("token_url").asText(), Map.of("grant_type", "authorization_code",
                "code", minted.get("code").asText(), "client_id", "c", "client_secret", "s", "redirect_uri", "r"))
                .json().get("memory_key").asText()).isEqualTo(user.memoryKey());
    }
}
