package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole happy path over real HTTP: token, access request, approval, credentials, blobs, tags. */
class EmulatorApiFlowTest {
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
    void addressesAndKeysHaveTheDocumentedShapes() {
        assertThat(emu.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/api/v1");
        assertThat(emu.adminUrl()).isEqualTo(emu.baseUrl().replace("/api/v1", "/admin"));
        assertThat(emu.oauthTokenUrl()).isEqualTo(emu.baseUrl().replace("/api/v1", "/oauth/token"));
        assertThat(apiKey).matches("mem_[0-9a-f]{48}");
        EmulatedUser u = emu.createUser();
        assertThat(u.userId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(u.encryptionKeyHex()).matches("[0-9a-f]{64}");
        assertThat(u.keyVersion()).isEqualTo(1);
        assertThat(u.toString()).doesNotContain(u.memoryKey(), u.encryptionKeyHex());
    }

    @Test
    void tokenAccessRequestApprovalCredentialsAndBlobs() {
        EmulatedUser user = emu.createUser();
        Instant before = Instant.now();
        EmulatorHttp.Reply tokenReply = http.api("POST", "/auth/token", null, Map.of("api_key", apiKey, "expires_in", 600));
        Instant after = Instant.now();
        assertThat(tokenReply.status()).isEqualTo(200);
        assertThat(tokenReply.json().get("token_type").asText()).isEqualTo("Bearer");
        Instant expiresAt = Instant.parse(tokenReply.json().get("expires_at").asText());
        // 600 s after the moment the server issued it, which lies between before and after however slow the call.
        assertThat(expiresAt).isBetween(before.plusSeconds(599), after.plusSeconds(601));
        String token = tokenReply.json().get("token").asText();

        EmulatorHttp.Reply filed = http.api("POST", "/access-requests", token,
                Map.of("memoryKey", user.memoryKey(), "reason", "Sync my notes to Kafka"));
        assertThat(filed.status()).isEqualTo(201);
        assertThat(filed.json().get("status").asText()).isEqualTo("pending");
        String requestId = filed.json().get("id").asText();
        assertThat(requestId).matches("c[a-z0-9]{24}");
        assertThat(filed.json().get("reason").asText()).isEqualTo("Sync my notes to Kafka");
        assertThat(filed.json().get("memoryKey").asText()).isEqualTo(user.memoryKey());

        assertThat(http.api("GET", "/access-requests/" + requestId + "/credentials", token, null).status()).isEqualTo(403);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + user.userId(), token, null).status()).isEqualTo(403);

        EmulatorHttp.Reply list = http.api("GET", "/access-requests", token, null);
        assertThat(list.json().get("total").asInt()).isEqualTo(1);
        assertThat(list.json().get("items").get(0).get("id").asText()).isEqualTo(requestId);

        assertThat(http.admin("POST", "/access-requests/" + requestId + "/approve", null).status()).isEqualTo(200);
        JsonNode one = http.api("GET", "/access-requests/" + requestId, token, null).json();
        assertThat(one.get("status").asText()).isEqualTo("approved");
        assertThat(one.get("user_id").asText()).isEqualTo(user.userId());
        assertThat(Instant.parse(one.get("updatedAt").asText())).isAfter(Instant.parse(one.get("createdAt").asText()));

        JsonNode creds = http.api("GET", "/access-requests/" + requestId + "/credentials", token, null).json();
        assertThat(creds.get("user_id").asText()).isEqualTo(user.userId());
        assertThat(creds.get("memory_key").asText()).isEqualTo(user.memoryKey());
        assertThat(creds.get("encryption_key").asText()).isEqualTo(user.encryptionKeyHex());
        assertThat(creds.get("key_version").asInt()).isEqualTo(1);

        // Create: 201 MemoryBlobResponse without content; unknown tags are created.
        String sealed = emu.seal(user.userId(), "I prefer tea to coffee");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user.userId());
        body.put("memoryKey", user.memoryKey());
        body.put("content", sealed);
        body.put("title", "Drinks");
        body.put("summary", "Tea over coffee");
        body.put("tags", List.of("food", "preferences"));
        body.put("importance", 0.7);
        body.put("confidence", 0.9);
        body.put("source", "chat");
        EmulatorHttp.Reply created = http.api("POST", "/memory-blobs", token, body);
        assertThat(created.status()).isEqualTo(201);
        JsonNode blob = created.json();
        assertThat(blob.has("content")).isFalse();
        String blobId = blob.get("id").asText();
        assertThat(blobId).matches("c[a-z0-9]{24}");
        assertThat(blob.get("created_at").asText()).endsWith("Z").isEqualTo(blob.get("updated_at").asText());
        assertThat(blob.get("tags")).extracting(JsonNode::asText).containsExactly("food", "preferences");
        assertThat(blob.get("tag_ids")).hasSize(2);

        JsonNode fetched = http.api("GET", "/memory-blobs/" + blobId + "?user_id=" + user.userId(), token, null).json();
        assertThat(fetched.get("content").asText()).isEqualTo(sealed);
        assertThat(emu.decrypt(user.userId(), fetched.get("content").asText())).isEqualTo("I prefer tea to coffee");
        assertThat(fetched.get("importance").asDouble()).isEqualTo(0.7);
        assertThat(fetched.get("source").asText()).isEqualTo("chat");

        // Patch: tags replace the list, created_at stays, updated_at moves forward.
        EmulatorHttp.Reply patched = http.api("PATCH", "/memory-blobs/" + blobId, token,
                Map.of("user_id", user.userId(), "memoryKey", user.memoryKey(), "tags", List.of("drinks"), "title", "Tea"));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().has("content")).isFalse();
        assertThat(patched.json().get("tags")).extracting(JsonNode::asText).containsExactly("drinks");
        assertThat(patched.json().get("title").asText()).isEqualTo("Tea");
        assertThat(patched.json().get("summary").asText()).isEqualTo("Tea over coffee");
        assertThat(patched.json().get("created_at").asText()).isEqualTo(blob.get("created_at").asText());
        assertThat(Instant.parse(patched.json().get("updated_at").asText()))
                .isAfter(Instant.parse(blob.get("updated_at").asText()));
        assertThat(emu.blob(user.userId(), blobId).content()).isEqualTo(sealed);

        // Tags: three were created implicitly, each readable by id.
        JsonNode tags = http.api("GET", "/tags?user_id=" + user.userId(), token, null).json().get("items");
        assertThat(tags).extracting(t -> t.get("name").asText()).containsExactlyInAnyOrder("food", "preferences", "drinks");
        JsonNode tag = tags.get(0);
        JsonNode tagById = http.api("GET", "/tags/" + tag.get("id").asText() + "?user_id=" + user.userId(), token, null).json();
        assertThat(tagById).isEqualTo(tag);
        assertThat(tag.get("color").asText()).matches("#[0-9A-Fa-f]{6}");
        assertThat(tag.get("is_enabled").asBoolean()).isTrue();
        assertThat(tag.has("description")).isTrue();
        assertThat(Instant.parse(tag.get("created_at").asText())).isNotNull();
        assertThat(Instant.parse(tag.get("updated_at").asText())).isNotNull();
        assertThat(patched.json().get("tag_ids").get(0).asText())
                .isEqualTo(emu.tags(user.userId()).stream().filter(t -> t.name().equals("drinks")).findFirst().orElseThrow().id());

        // Delete: 200 with a JSON body, then gone.
        EmulatorHttp.Reply deleted = http.api("DELETE", "/memory-blobs/" + blobId + "?user_id=" + user.userId(), token, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("id").asText()).isEqualTo(blobId);
        assertThat(http.api("GET", "/memory-blobs/" + blobId + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
        assertThat(http.api("DELETE", "/memory-blobs/" + blobId + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
        assertThat(emu.blob(user.userId(), blobId)).isNull();
    }

    @Test
    void listingWalksManyCappedPagesAndEndsWithANullCursor() {
        EmulatedUser user = emu.createUser();
        emu.grantAccess(apiKey, user);
        String token = http.token(apiKey);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            expected.add(emu.putBlob(user.userId(), "memory " + i, "title " + i, List.of()));
        }
        emu.pageCap(5);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String q = "/memory-blobs?user_id=" + user.userId() + "&limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = http.api("GET", q, token, null).json();
            assertThat(page.get("memoryBlobs").size()).isBetween(1, 5);
            page.get("memoryBlobs").forEach(b -> seen.add(b.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(5);
        assertThat(seen).doesNotHaveDuplicates().hasSameElementsAs(expected);
        // Without limit the documented default of 10 applies (when below the cap).
        emu.pageCap(50);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + user.userId(), token, null).json().get("memoryBlobs")).hasSize(10);
    }

    @Test
    void listingFiltersByTagsSearchQueryAndImportance() {
        EmulatedUser user = emu.createUser();
        emu.grantAccess(apiKey, user);
        String token = http.token(apiKey);
        String a = emu.putBlob(user.userId(), "x", "Trip to Lisbon", "Booked flights", List.of("travel", "2026"), 0.9, 0.8, "chat");
        String b = emu.putBlob(user.userId(), "x", "Dentist", "Appointment in LISBON office", List.of("health"), 0.4, null, null);
        String c = emu.putBlob(user.userId(), "x", "Packing list", null, List.of("travel"), null, null, null);

        assertThat(ids(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&tags=travel", token, null)))
                .containsExactlyInAnyOrder(a, c);
        assertThat(ids(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&tags=travel,2026", token, null)))
                .containsExactly(a);
        assertThat(ids(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&searchQuery=lisbon", token, null)))
                .containsExactlyInAnyOrder(a, b);
        assertThat(ids(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&importance=0.5", token, null)))
                .containsExactly(a);
        assertThat(ids(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&tags=nope", token, null))).isEmpty();
    }

    static List<String> ids(EmulatorHttp.Reply listing) {
        assertThat(listing.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        listing.json().get("memoryBlobs").forEach(b -> ids.add(b.get("id").asText()));
        return ids;
    }
}
