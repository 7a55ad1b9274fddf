package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.MemoryBlobPage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a broken or hostile server can make the client hold: at most
 * {@code memoram.http.response.buffer.max.bytes} of response bodies across all calls in flight
 * together, whatever page size was asked for. Before, the cap of a page grew with its size (1 MiB plus
 * 1.5 MiB per blob: 15 GB at 10,000) and each call in flight had its own.
 */
class MemoramClientResponseBudgetTest {
    private static final Duration SAFETY_NET = Duration.ofSeconds(120);
    private static final String TOKEN = String.format(StubServer.TOKEN_JSON, "jwt-1");
    private StubServer stub;
    private final CountDownLatch releaseHeld = new CountDownLatch(1);

    @BeforeEach
    void start() {
        stub = StubServer.start();
        stub.respond(s -> StubServer.Reply.json(200, TOKEN));
    }

    @AfterEach
    void stop() {
        releaseHeld.countDown();
        stub.close();
    }

    /** A valid page whose body is {@code spaces} bytes of padding; returns the bytes written before the client hung up. */
    private static long padded(HttpExchange ex, long spaces, CountDownLatch holdAfter, long holdAt) throws IOException {
        ex.sendResponseHeaders(200, 0); // chunked: nothing announced
        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        try (OutputStream out = ex.getResponseBody()) {
            out.write("{\"memoryBlobs\":[".getBytes(StandardCharsets.UTF_8));
            while (written < spaces) {
                int n = (int) Math.min(chunk.length, spaces - written);
                out.write(chunk, 0, n);
                written += n;
                if (holdAfter != null && written >= holdAt && holdAfter.getCount() > 0) {
                    out.flush();
                    holdAfter.await(60, TimeUnit.SECONDS);
                }
            }
            out.write("],\"next_cursor\":null}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client hung up: what a capped call does
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return written;
    }

    @Test
    void aHugePageIsCutAtTheClientsBudgetWhateverThePageSize() {
        AtomicLong written = new AtomicLong();
        stub.respondRaw((seen, ex) -> {
            if (!seen.path().endsWith("/memory-blobs")) {
                return false;
            }
            written.set(padded(ex, 300L << 20, null, 0)); // 300 MiB of valid JSON
            return true;
        });
        long budget = MemoramClientConfig.DEFAULT_RESPONSE_BUFFER_MAX_BYTES;
        try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key")
                .requestTimeout(Duration.ofSeconds(60)).build())) {
            assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(
                    () -> client.listMemoryBlobs("user-1", BlobQuery.ofLimit(10_000), null))
                    .isInstanceOfSatisfying(MemoramException.class, e -> assertThat(e.isRetriable()).isFalse())
                    .hasMessageStartingWith("GET /memory-blobs failed: the response body is larger than " + budget
                            + " bytes, the most this call accepts")
                    .hasMessageContaining("memoram.http.response.buffer.max.bytes"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> written.get() > 0);
        assertThat(written.get()).as("bytes the server got out before the client hung up")
                .isLessThan(budget + (16L << 20));
        assertThat(stub.count("/memory-blobs")).as("not retried").isEqualTo(1);
        assertThat(budget).isEqualTo(160L << 20);
    }

    @Test
    void callsInFlightShareOneBudget() {
        long budget = 4L << 20;
        stub.respondRaw((seen, ex) -> {
            if (!seen.path().endsWith("/memory-blobs")) {
                return false;
            }
            if (seen.query().contains("user_id=held")) {
                padded(ex, 3L << 20, releaseHeld, 3L << 20); // 3 MiB sent, then held until released
            } else {
                padded(ex, 2L << 20, null, 0); // 2 MiB: alone it fits, next to the held one it does not
            }
            return true;
        });
        try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key")
                .maxRetries(0).requestTimeout(Duration.ofSeconds(60)).responseBufferMaxBytes(budget).build())) {
            client.listTags("warm-up"); // the token, so that both calls below only list
            CompletableFuture<MemoryBlobPage> held = CompletableFuture.supplyAsync(
                    () -> client.listMemoryBlobs("held", BlobQuery.ofLimit(2), null));
            await().atMost(Duration.ofSeconds(60)).until(() -> stub.count("/memory-blobs") == 1);
            assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(
                    () -> client.listMemoryBlobs("other", BlobQuery.ofLimit(2), null))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> assertThat(e.isRetriable()).isTrue())
                    .hasMessageStartingWith("GET /memory-blobs failed: the responses of the calls in flight would hold more than "
                            + budget + " bytes (memoram.http.response.buffer.max.bytes)"));
            releaseHeld.countDown();
            assertThat(held.join().memoryBlobs()).isEmpty();
            // The budget is free again: the same call goes through.
            assertThat(client.listMemoryBlobs("other", BlobQuery.ofLimit(2), null).memoryBlobs()).isEmpty();
        }
    }

    @Test
    void theBudgetIsReturnedAfterEveryKindOfEnd() {
        long budget = 2L << 20;
        stub.respondRaw((seen, ex) -> {
            if (!seen.path().endsWith("/memory-blobs")) {
                return false;
            }
            padded(ex, (3L << 20) / 2, null, 0); // 1.5 MiB: fits only when nothing else holds the budget
            return true;
        });
        stub.respond(s -> s.path().endsWith("/auth/token") ? StubServer.Reply.json(200, TOKEN)
                : StubServer.Reply.json(503, "{\"error\":\"" + "x".repeat(1 << 20) + "\"}"));
        try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key")
                .maxRetries(0).responseBufferMaxBytes(budget).build())) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.listMemoryBlobs("u", BlobQuery.ofLimit(1), null).memoryBlobs()).isEmpty(); // read
                assertThatThrownBy(() -> client.listTags("u")).isInstanceOf(MemoramUnavailableException.class)
                        .hasMessageContaining("503").hasMessageNotContaining("in flight would hold"); // a 1 MiB 503
            }
        }
    }
}
