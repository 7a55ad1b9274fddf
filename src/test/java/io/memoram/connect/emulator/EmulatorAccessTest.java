package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Access control (403), unknown ids (404), bad bodies (400/422) and key rotation. */
class EmulatorAccessTest {
    private MemoramEmulator emu;
    private EmulatorHttp http;
    private String apiKey;
    private String token;
    private EmulatedUser user;

    @BeforeEach
    void start() {
        emu = MemoramEmulator.start();
        http = new EmulatorHttp(emu);
        apiKey = emu.createApiKey();
        token = http.token(apiKey);
        user = emu.createUser();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void readsAndWritesAre403UnlessTheRequestIsApproved() {
        String blobId = emu.putBlob(user.userId(), "secret", "t", List.of());
        // No request at all.
        assertNoAccess();
        String requestId = emu.requestAccess(apiKey, user);
        assertNoAccess();
        assertThat(credentials(requestId).status()).isEqualTo(403);

        emu.reject(requestId);
        assertNoAccess();
        assertThat(credentials(requestId).status()).isEqualTo(403);

        emu.approve(requestId);
        assertThat(list().status()).isEqualTo(200);
        assertThat(http.api("GET", "/memory-blobs/" + blobId + "?user_id=" + user.userId(), token, null).status()).isEqualTo(200);
        assertThat(create(Map.of("content", "x")).status()).isEqualTo(201);
        assertThat(credentials(requestId).status()).isEqualTo(200);

        emu.revoke(requestId);
        assertNoAccess();
        assertThat(credentials(requestId).status()).isEqualTo(403);
        assertThat(http.api("GET", "/access-requests/" + requestId, token, null).json().get("status").asText())
                .isEqualTo("revoked");
        assertThat(emu.accessRequest(requestId).status()).isEqualTo(EmulatedAccessRequest.REVOKED);
    }

    private void assertNoAccess() {
        assertThat(list().status()).isEqualTo(403);
        assertThat(http.api("GET", "/tags?user_id=" + user.userId(), token, null).status()).isEqualTo(403);
        assertThat(create(Map.of("content", "x")).status()).isEqualTo(403);
    }

    @Test
    void writesNeedTheUsersMemoryKey() {
        emu.grantAccess(apiKey, user);
        Map<String, Object> body = new HashMap<>(Map.of("user_id", user.userId(), "memoryKey", "mk_wrong", "content", "x"));
        EmulatorHttp.Reply reply = http.api("POST", "/memory-blobs", token, body);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("error").asText()).contains("memoryKey").doesNotContain(user.memoryKey());
        String blobId = emu.putBlob(user.userId(), "p", "t", List.of());
        assertThat(http.api("PATCH", "/memory-blobs/" + blobId, token,
                Map.of("user_id", user.userId(), "memoryKey", "mk_wrong", "title", "x")).status()).isEqualTo(403);
        assertThat(emu.blob(user.userId(), blobId).title()).isEqualTo("t");
    }

    @Test
    void developersOnlySeeTheirOwnAccessRequests() {
        String mine = emu.grantAccess(apiKey, user);
        String otherKey = emu.createApiKey();
        String theirs = emu.grantAccess(otherKey, emu.createUser());
        JsonNode items = http.api("GET", "/access-requests", token, null).json();
        assertThat(items.get("total").asInt()).isEqualTo(1);
        assertThat(items.get("items").get(0).get("id").asText()).isEqualTo(mine);
        assertThat(http.api("GET", "/access-requests/" + theirs, token, null).status()).isEqualTo(404);
        assertThat(credentials(theirs).status()).isEqualTo(404);
        // Another developer's approval grants this developer nothing.
        String otherToken = http.token(otherKey);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + user.userId(), otherToken, null).status()).isEqualTo(403);
    }

    @Test
    void accessRequestBodiesAreValidated() {
        assertThat(fileRequest(Map.of("memoryKey", user.memoryKey(), "reason", "r".repeat(255))).status()).isEqualTo(201);
        assertThat(fileRequest(Map.of("memoryKey", user.memoryKey(), "reason", "r".repeat(256))).status()).isEqualTo(400);
        assertThat(fileRequest(Map.of("memoryKey", user.memoryKey())).status()).isEqualTo(400);
        assertThat(fileRequest(Map.of("reason", "why")).status()).isEqualTo(400);
        assertThat(fileRequest(Map.of("memoryKey", 12, "reason", "why")).status()).isEqualTo(400);
        EmulatorHttp.Reply unknown = fileRequest(Map.of("memoryKey", "mk_nobody", "reason", "why"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).doesNotContain("mk_nobody");
    }

    @Test
    void unknownIdsAre404() {
        emu.grantAccess(apiKey, user);
        String missing = "c" + "0".repeat(24);
        assertThat(http.api("GET", "/access-requests/" + missing, token, null).status()).isEqualTo(404);
        assertThat(credentials(missing).status()).isEqualTo(404);
        assertThat(http.api("GET", "/memory-blobs/" + missing + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
        assertThat(http.api("PATCH", "/memory-blobs/" + missing, token,
                Map.of("user_id", user.userId(), "memoryKey", user.memoryKey(), "title", "x")).status()).isEqualTo(404);
        assertThat(http.api("DELETE", "/memory-blobs/" + missing + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
        assertThat(http.api("GET", "/tags/" + missing + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
        assertThat(http.api("GET", "/no-such-thing", token, null).status()).isEqualTo(404);
        // A blob of another user is unknown for this user.
        EmulatedUser other = emu.createUser();
        emu.grantAccess(apiKey, other);
        String othersBlob = emu.putBlob(other.userId(), "p", "t", List.of());
        assertThat(http.api("GET", "/memory-blobs/" + othersBlob + "?user_id=" + user.userId(), token, null).status()).isEqualTo(404);
    }

    @Test
    void badBlobBodiesAre400Or422WithAJsonError() {
        emu.grantAccess(apiKey, user);
        EmulatorHttp.Reply noContent = create(Map.of("title", "no content"));
        assertThat(noContent.status()).isEqualTo(400);
        assertThat(noContent.json().get("error").asText()).contains("content");
        assertThat(create(Map.of("content", 5)).status()).isEqualTo(400);
        assertThat(create(Map.of("content", "x", "tags", "one,two")).status()).isEqualTo(400);
        assertThat(create(Map.of("content", "x", "tags", List.of(1, 2))).status()).isEqualTo(400);
        assertThat(create(Map.of("content", "x", "importance", "high")).status()).isEqualTo(400);
        assertThat(create(Map.of("content", "x", "importance", 1.5)).status()).isEqualTo(422);
        assertThat(create(Map.of("content", "x", "confidence", -0.1)).status()).isEqualTo(422);
        assertThat(http.apiRaw("POST", "/memory-blobs", token, "{not json").status()).isEqualTo(400);
        assertThat(http.apiRaw("POST", "/memory-blobs", token, "[1,2]").status()).isEqualTo(400);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&limit=ten", token, null).status()).isEqualTo(400);
        assertThat(http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&cursor=%21%21", token, null).status()).isEqualTo(400);
        assertThat(http.api("GET", "/memory-blobs", token, null).status()).isEqualTo(400);
        String blobId = emu.putBlob(user.userId(), "p", "t", List.of());
        Map<String, Object> nullContent = new HashMap<>(Map.of("user_id", user.userId(), "memoryKey", user.memoryKey()));
        nullContent.put("content", null);
        assertThat(http.api("PATCH", "/memory-blobs/" + blobId, token, nullContent).status()).isEqualTo(400);
        assertThat(emu.blobs(user.userId())).hasSize(1);
    }

    @Test
    void rotationKeepsOldBlobsOpenableAndCredentialsShowTheNewKey() {
        String requestId = emu.grantAccess(apiKey, user);
        String oldBlob = emu.putBlob(user.userId(), "sealed with v1", "old", List.of());
        int v2 = emu.rotateKey(user.userId());
        assertThat(v2).isEqualTo(2);
        String newBlob = emu.putBlob(user.userId(), "sealed with v2", "new", List.of());

        JsonNode creds = credentials(requestId).json();
        assertThat(creds.get("key_version").asInt()).isEqualTo(2);
        assertThat(creds.get("encryption_key").asText()).isNotEqualTo(user.encryptionKeyHex())
                .isEqualTo(emu.user(user.userId()).encryptionKeyHex());
        byte[] oldKey = java.util.HexFormat.of().parseHex(user.encryptionKeyHex());
        byte[] newKey = java.util.HexFormat.of().parseHex(creds.get("encryption_key").asText());
        String oldContent = emu.blob(user.userId(), oldBlob).content();
        String newContent = emu.blob(user.userId(), newBlob).content();
        assertThat(AesGcmSealer.open(oldKey, oldContent)).isEqualTo("sealed with v1");
        assertThat(AesGcmSealer.open(newKey, oldContent)).isNull();
        assertThat(AesGcmSealer.open(newKey, newContent)).isEqualTo("sealed with v2");
        assertThat(emu.decrypt(user.userId(), oldContent)).isEqualTo("sealed with v1");
        assertThat(emu.decrypt(user.userId(), newContent)).isEqualTo("sealed with v2");

        String raw = emu.putRawBlob(user.userId(), "not-ciphertext", "garbage", List.of());
        assertThat(emu.blob(user.userId(), raw).content()).isEqualTo("not-ciphertext");
        assertThatThrownBy(() -> emu.decrypt(user.userId(), "not-ciphertext")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void javaApiUpdatesMoveUpdatedAtAndClientContentIsStoredAsGiven() {
        emu.grantAccess(apiKey, user);
        String blobId = emu.putBlob(user.userId(), "v1", "t", "a", "b");
        StoredBlob before = emu.blob(user.userId(), blobId);
        StoredBlob after = emu.updateBlob(user.userId(), blobId, "v2");
        assertThat(after.updatedAt()).isAfter(before.updatedAt());
        assertThat(after.createdAt()).isEqualTo(before.createdAt());
        assertThat(emu.decrypt(user.userId(), after.content())).isEqualTo("v2");
        assertThat(after.tags()).containsExactly("a", "b");
        assertThat(emu.deleteBlob(user.userId(), blobId)).isTrue();
        assertThat(emu.deleteBlob(user.userId(), blobId)).isFalse();

        String id = create(Map.of("content", "plain text the client chose not to seal")).json().get("id").asText();
        assertThat(emu.blob(user.userId(), id).content()).isEqualTo("plain text the client chose not to seal");
    }

    private EmulatorHttp.Reply list() {
        return http.api("GET", "/memory-blobs?user_id=" + user.userId(), token, null);
    }

    private EmulatorHttp.Reply credentials(String requestId) {
        return http.api("GET", "/access-requests/" + requestId + "/credentials", token, null);
    }

    private EmulatorHttp.Reply fileRequest(Map<String, Object> body) {
        return http.api("POST", "/access-requests", token, body);
    }

    private EmulatorHttp.Reply create(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("user_id", user.userId());
        body.put("memoryKey", user.memoryKey());
        return http.api("POST", "/memory-blobs", token, body);
    }
}
