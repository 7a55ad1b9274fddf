package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server whose cursors cycle (A, B, A...) must not keep a user's index lookup, and with it every
 * lane of that user, forever: the listing fails after a bounded number of pages, the waiting lanes
 * are released, and the index is built once the server behaves.
 */
class UserBlobIndexCursorCycleTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final ExecutorService lanes = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        lanes.shutdownNow();
    }

    @Test
    void aLookupOverACycleOfCursorsFailsInsteadOfHoldingTheUsersLanesForever() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String marker = BlobMarker.forKey("topic", "key-1");
        String blob = emu.putBlob(user.userId(), "x", "t", null, List.of(), null, null, BlobMarker.markedSource("app", marker));
        emu.putBlob(user.userId(), "y", "t", List.of());
        emu.grantAccess(apiKey, user);
        emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE,
                Fault.cursors(c -> c == null ? "A" : c.equals("A") ? "B" : "A"));

        try (MemoramClient client = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .requestTimeout(Duration.ofSeconds(10)).build())) {
            UserBlobIndex index = new UserBlobIndex(user.userId());
            // Two lanes of the user: one lists, the other waits for that listing.
            Future<String> first = lanes.submit(() -> index.lookup(marker, () -> client.iterateMemoryBlobs(user.userId(), BlobQuery.DEFAULT)));
            Future<String> second = lanes.submit(() -> index.lookup(marker, () -> client.iterateMemoryBlobs(user.userId(), BlobQuery.DEFAULT)));
            for (Future<String> lane : List.of(first, second)) {
                try {
                    lane.get(60, TimeUnit.SECONDS);
                    throw new AssertionError("a listing over a cycle of cursors returned normally");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(MemoramException.class).hasMessageContaining("cycle");
                }
            }
            assertThat(index.built()).isFalse();

            emu.faults().clear();
            assertThat(index.lookup(marker, () -> client.iterateMemoryBlobs(user.userId(), BlobQuery.DEFAULT))).isEqualTo(blob);
            assertThat(index.built()).isTrue();
        }
    }
}
