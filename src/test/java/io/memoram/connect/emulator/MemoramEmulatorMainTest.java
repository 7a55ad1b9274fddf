package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable emulator: options, seeded demo data, the state file and the banner. */
class MemoramEmulatorMainTest {

    @Test
    void seededStateFileDescribesAWorkingEmulator(@TempDir Path dir) throws Exception {
        Path stateFile = dir.resolve("sub/emulator-state.json");
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        MemoramEmulatorMain.Options options = MemoramEmulatorMain.Options.parse(
                new String[] {"--port", "0", "--seed", "--state-file", stateFile.toString(), "--token-ttl", "120"});
        try (MemoramEmulator emu = MemoramEmulatorMain.launch(options, new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            JsonNode state = Json.MAPPER.readTree(stateFile.toFile());
            assertThat(state.get("base_url").asText()).isEqualTo(emu.baseUrl());
            assertThat(state.get("admin_url").asText()).isEqualTo(emu.adminUrl());
            assertThat(state.get("oauth_token_url").asText()).isEqualTo(emu.oauthTokenUrl());
            String apiKey = state.get("api_key").asText();
            assertThat(state.get("users")).hasSize(3);

            EmulatorHttp http = new EmulatorHttp(emu);
            EmulatorHttp.Reply tokenReply = http.api("POST", "/auth/token", null, Map.of("api_key", apiKey));
            assertThat(Instant.parse(tokenReply.json().get("expires_at").asText())).isBefore(Instant.now().plusSeconds(121));
            String token = tokenReply.json().get("token").asText();

            int approved = 0;
            String pendingId = null;
            for (JsonNode u : state.get("users")) {
                String userId = u.get("user_id").asText();
                String requestId = u.get("access_request_id").asText();
                String status = u.get("status").asText();
                assertThat(http.api("GET", "/access-requests/" + requestId, token, null).json().get("status").asText())
                        .isEqualTo(status);
                assertThat(u.get("memory_key").asText()).isEqualTo(emu.user(userId).memoryKey());
                EmulatorHttp.Reply blobs = http.api("GET", "/memory-blobs?user_id=" + userId, token, null);
                if (status.equals("approved")) {
                    approved++;
                    assertThat(blobs.json().get("memoryBlobs").size()).isEqualTo(u.get("blobs").asInt()).isGreaterThanOrEqualTo(3);
                    JsonNode first = blobs.json().get("memoryBlobs").get(0);
                    assertThat(first.get("title").asText()).isNotBlank();
                    assertThat(first.get("tags")).isNotEmpty();
                    assertThat(first.get("importance").asDouble()).isBetween(0.0, 1.0);
                    assertThat(emu.decrypt(userId, first.get("content").asText())).isNotBlank();
                } else {
                    assertThat(status).isEqualTo("pending");
                    assertThat(blobs.status()).isEqualTo(403);
                    pendingId = requestId;
                }
            }
            assertThat(approved).isEqualTo(2);

            String printed = banner.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains(emu.baseUrl(), emu.adminUrl(), apiKey,
                    "curl -X POST " + emu.adminUrl() + "/access-requests/" + pendingId + "/approve");
            // The banner is for humans: no memory or encryption keys in it.
            for (JsonNode u : state.get("users")) {
                assertThat(printed).doesNotContain(u.get("memory_key").asText(),
                        emu.user(u.get("user_id").asText()).encryptionKeyHex());
            }

            // Approving the pending request as the banner says opens that user's memories.
            http.admin("POST", "/access-requests/" + pendingId + "/approve", null);
            String pendingUser = emu.accessRequest(pendingId).userId();
            assertThat(http.api("GET", "/memory-blobs?user_id=" + pendingUser, token, null).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutSeedTheEmulatorStartsEmpty(@TempDir Path dir) throws Exception {
        Path stateFile = dir.resolve("state.json");
        MemoramEmulatorMain.Options options = MemoramEmulatorMain.Options.parse(
                new String[] {"--port", "0", "--state-file", stateFile.toString(), "--page-cap", "7"});
        try (MemoramEmulator emu = MemoramEmulatorMain.launch(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))) {
            JsonNode state = Json.MAPPER.readTree(stateFile.toFile());
            assertThat(state.get("api_key").isNull()).isTrue();
            assertThat(state.get("users")).isEmpty();
            assertThat(emu.users()).isEmpty();
            assertThat(new EmulatorHttp(emu).admin("GET", "/state", null).json().get("page_cap").asInt()).isEqualTo(7);
        }
    }

    @Test
    void optionsAreParsedStrictly() {
        MemoramEmulatorMain.Options defaults = MemoramEmulatorMain.Options.parse(new String[0]);
        assertThat(defaults.port()).isEqualTo(8089);
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.seed()).isFalse();
        assertThatThrownBy(() -> MemoramEmulatorMain.Options.parse(new String[] {"--port", "http"}))
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> MemoramEmulatorMain.Options.parse(new String[] {"--token-ttl"}))
                .hasMessageContaining("--token-ttl needs a value");
        assertThatThrownBy(() -> MemoramEmulatorMain.Options.parse(new String[] {"--sed"}))
                .hasMessageContaining("unknown option --sed");
    }
}
