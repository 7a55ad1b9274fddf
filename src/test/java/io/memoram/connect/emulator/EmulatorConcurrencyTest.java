package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Concurrent clients, and pagination that stays consistent while blobs come and go. */
class EmulatorConcurrencyTest {
    private MemoramEmulator emu;
    private EmulatorHttp http;
    private String token;
    private EmulatedUser user;

    @BeforeEach
    void start() {
        emu = MemoramEmulator.start();
        http = new EmulatorHttp(emu);
        String apiKey = emu.createApiKey();
        token = http.token(apiKey);
        user = emu.createUser();
        emu.grantAccess(apiKey, user);
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void concurrentWritersAllLandWithDistinctIdsAndTimestamps() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<EmulatorHttp.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                int n = i;
                futures.add(pool.submit(() -> http.api("POST", "/memory-blobs", token, Map.of("user_id", user.userId(),
                        "memoryKey", user.memoryKey(), "content", "c" + n, "tags", List.of("shared", "t" + (n % 3))))));
            }
            Set<String> ids = new HashSet<>();
            for (Future<EmulatorHttp.Reply> f : futures) {
                EmulatorHttp.Reply r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(201);
                ids.add(r.json().get("id").asText());
            }
            assertThat(ids).hasSize(80);
        } finally {
            pool.shutdownNow();
        }
        assertThat(emu.blobs(user.userId())).hasSize(80);
        assertThat(emu.blobs(user.userId()).stream().map(StoredBlob::updatedAt).distinct()).hasSize(80);
        // Concurrent implicit creation made each tag exactly once.
        assertThat(emu.tags(user.userId())).extracting(StoredTag::name)
                .containsExactlyInAnyOrder("shared", "t0", "t1", "t2");
    }

    @Test
    void pagingNeitherSkipsNorRepeatsBlobsThatExistThroughoutWhileOthersComeAndGo() {
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            stable.add(emu.putBlob(user.userId(), "stable " + i, "stable", List.of()));
        }
        List<String> churn = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            churn.add(emu.putBlob(user.userId(), "churn " + i, "churn", List.of()));
        }
        emu.pageCap(4);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int page = 0;
        do {
            JsonNode body = http.api("GET", "/memory-blobs?user_id=" + user.userId() + "&limit=4"
                    + (cursor == null ? "" : "&cursor=" + cursor), token, null).json();
            body.get("memoryBlobs").forEach(b -> seen.add(b.get("id").asText()));
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
            // Between pages: delete a churning blob and insert a new one.
            if (page < churn.size()) {
                emu.deleteBlob(user.userId(), churn.get(page));
                emu.putBlob(user.userId(), "new " + page, "new", List.of());
            }
            page++;
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates().containsAll(stable);
    }

    @Test
    void updatedAtStrictlyIncreasesAcrossRapidChanges() {
        String id = emu.putBlob(user.userId(), "v0", "t", List.of());
        Instant last = emu.blob(user.userId(), id).updatedAt();
        for (int i = 1; i <= 50; i++) {
            Instant now = emu.updateBlob(user.userId(), id, "v" + i).updatedAt();
            assertThat(now).isAfter(last);
            last = now;
        }
        assertThat(emu.blob(user.userId(), id).createdAt()).isBefore(last);
    }
}
