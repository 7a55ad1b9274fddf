package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.MemoryBlobPage;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Grant;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hung peer (headers and half a body, then silence) and bodies that never end: every call gives up
 * within its deadline, no body grows past its cap, and close() frees every thread. The preemptive
 * timeouts are only a safety net so that a regression fails instead of hanging the build; they claim
 * nothing about speed (the stalls hold for ten minutes).
 */
class MemoramClientHungPeerTest {
    private static final Duration SAFETY_NET = Duration.ofSeconds(60);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private EmulatedUser user;

    @BeforeEach
    void setUp() {
        Grant grant = Grant.fresh(emu);
        apiKey = grant.apiKey();
        user = grant.user();
        emu.putBlob(user.userId(), "remember", "note");
    }

    @AfterEach
    void releaseStalls() {
        emu.faults().clear();
    }

    private MemoramClient warm(MemoramClientConfig.Builder config) {
        MemoramClient client = MemoramClient.create(config.build());
        client.listTags(user.userId());
        emu.resetRequestCounts();
        return client;
    }

    @Test
    void aStalledListingIsGivenUpAtTheDeadlineAndTheNextCallWorks() {
        try (MemoramClient client = warm(Clients.fast(emu, apiKey).requestTimeout(Duration.ofSeconds(2)).maxRetries(0))) {
            emu.faults().on("GET", "/memory-blobs").next(1, Fault.stall());
            assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(() -> client.listMemoryBlobs(user.userId(), null, null))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> {
                        assertThat(e.status()).isZero();
                        assertThat(e.isRetriable()).isTrue();
                    })
                    .hasMessageStartingWith("GET /memory-blobs failed: no response (HttpTimeoutException: no complete response within 2000 ms)"));
            assertThat(client.listMemoryBlobs(user.userId(), null, null).memoryBlobs()).hasSize(1);
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(2);
        }
    }

    @Test
    void aStalledCallIsRetriedLikeAnyOtherTimeout() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warm(Clients.fast(emu, apiKey).requestTimeout(Duration.ofSeconds(2)).maxRetries(1)
                .listener(metrics))) {
            emu.faults().on("GET", "/memory-blobs").next(1, Fault.stall());
            MemoryBlobPage page = assertTimeoutPreemptively(SAFETY_NET, () -> client.listMemoryBlobs(user.userId(), null, null));
            assertThat(page.memoryBlobs()).hasSize(1);
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(2);
            assertThat(metrics.getIoErrors()).isEqualTo(1);
            assertThat(metrics.getRetries()).isEqualTo(1);
        }
    }

    @Test
    void aStalledTokenRenewalIsGivenUpAndRetried() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).requestTimeout(Duration.ofSeconds(2))
                .maxRetries(1).build())) {
            emu.faults().on("POST", "/auth/token").next(1, Fault.stall());
            MemoryBlobPage page = assertTimeoutPreemptively(SAFETY_NET, () -> client.listMemoryBlobs(user.userId(), null, null));
            assertThat(page.memoryBlobs()).hasSize(1);
            assertThat(emu.requestCount("POST", "/auth/token")).isEqualTo(2);
        }
    }

    @Test
    void closeFreesAThreadInAStalledCallAndOneWaitingForItsToken() {
        // A deadline far beyond the test: only close() can end these calls.
        MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).requestTimeout(Duration.ofMinutes(10))
                .maxRetries(0).build());
        emu.faults().on("POST", "/auth/token").next(1, Fault.stall());
        CompletableFuture<Object> fetching = CompletableFuture.supplyAsync(() -> client.listMemoryBlobs(user.userId(), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> emu.requestCount("POST", "/auth/token") == 1);
        Thread[] waiter = new Thread[1];
        CompletableFuture<Object> waiting = new CompletableFuture<>();
        waiter[0] = new Thread(() -> {
            try {
                waiting.complete(client.listTags(user.userId()));
            } catch (RuntimeException e) {
                waiting.completeExceptionally(e);
            }
        }, "token-waiter");
        waiter[0].start();
        // Parked on the renewal the first call is stuck in (it must not send a second token request).
        await().atMost(Duration.ofSeconds(30)).until(() -> waiter[0].getState() == Thread.State.WAITING);
        assertThat(emu.requestCount("POST", "/auth/token")).isEqualTo(1);

        client.close();

        await().atMost(Duration.ofSeconds(30)).until(() -> fetching.isDone() && waiting.isDone());
        assertThatThrownBy(fetching::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(MemoramUnavailableException.class).hasMessageContaining("closed");
        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(MemoramUnavailableException.class).hasMessageContaining("closed");
    }

    @Test
    void closeFreesAThreadStalledInTheBodyOfAListing() {
        MemoramClient client = warm(Clients.fast(emu, apiKey).requestTimeout(Duration.ofMinutes(10)).maxRetries(3));
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.stall());
        CompletableFuture<Object> listing = CompletableFuture.supplyAsync(() -> client.listMemoryBlobs(user.userId(), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> emu.requestCount("GET", "/memory-blobs") == 1);
        client.close();
        await().atMost(Duration.ofSeconds(30)).until(listing::isDone);
        assertThatThrownBy(listing::join).cause().isInstanceOf(MemoramUnavailableException.class)
                .hasMessage("GET /memory-blobs not completed: the Memoram client was closed while the call was in flight"
                        + " (the request may have reached the server)");
        assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(1); // closed: no retry
    }

    @Test
    void anEndlessBodyIsCutAtThePagesCapAndNotRetried() {
        try (StubServer stub = StubServer.start()) {
            stub.respond(s -> StubServer.Reply.json(200, String.format(StubServer.TOKEN_JSON, "jwt-1")));
            stub.respondRaw((seen, ex) -> {
                if (!seen.path().endsWith("/memory-blobs")) {
                    return false;
                }
                ex.sendResponseHeaders(200, 0); // chunked, no length announced
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                try (OutputStream out = ex.getResponseBody()) {
                    out.write("{\"memoryBlobs\":[".getBytes());
                    for (int i = 0; i < 16 * 1024; i++) { // 1 GiB at most; the client hangs up long before
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the client closed the connection: what we want
                }
                return true;
            });
            try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key")
                    .requestTimeout(Duration.ofSeconds(30)).build())) {
                long cap = ApiRequest.maxPageBytes(1);
                assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(
                        () -> client.listMemoryBlobs("user-1", BlobQuery.ofLimit(1), null))
                        .isInstanceOfSatisfying(MemoramException.class, e -> assertThat(e.isRetriable()).isFalse())
                        .hasMessage("GET /memory-blobs failed: the response body is larger than " + cap + " bytes, the most"
                                + " this call accepts; stopped reading it (the cap is 1 MiB plus 1.5 MiB per blob asked for,"
                                + " at most memoram.http.response.buffer.max.bytes; lower memoram.page.size if the user's"
                                + " blobs are that large)"));
                assertThat(cap).isEqualTo((1L << 20) + 3L * (1 << 19));
                assertThat(stub.count("/memory-blobs")).isEqualTo(1);
            }
        }
    }

    @Test
    void anAnnouncedLengthOverTheCapIsRefusedUnread() {
        try (StubServer stub = StubServer.start()) {
            stub.respond(s -> StubServer.Reply.json(200, String.format(StubServer.TOKEN_JSON, "jwt-1")));
            stub.respondRaw((seen, ex) -> {
                if (!seen.path().endsWith("/tags")) {
                    return false;
                }
                ex.sendResponseHeaders(200, 1L << 30); // promises 1 GiB, sends nothing
                ex.getResponseBody().flush();
                return true;
            });
            try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key")
                    .requestTimeout(Duration.ofMinutes(10)).build())) {
                assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(() -> client.listTags("user-1"))
                        .isInstanceOf(MemoramException.class)
                        .hasMessageStartingWith("GET /tags failed: the response body is larger than 16777216 bytes"));
            }
        }
    }

    @Test
    void aLegitimatePageOfLargeBlobsFitsUnderTheCap() {
        String content = "A".repeat(1_398_200); // 1 MiB of content, sealed and Base64-encoded
        emu.putBlob(user.userId(), "x", "big");
        try (StubServer stub = StubServer.start()) {
            stub.respond(s -> s.path().endsWith("/auth/token")
                    ? StubServer.Reply.json(200, String.format(StubServer.TOKEN_JSON, "jwt-1"))
                    : StubServer.Reply.json(200, "{\"memoryBlobs\":[{\"id\":\"b1\",\"content\":\"" + content
                            + "\",\"title\":\"" + "t".repeat(100_000) + "\"}],\"next_cursor\":null}"));
            try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "mem_key").build())) {
                MemoryBlobPage page = client.listMemoryBlobs("user-1", BlobQuery.ofLimit(1), null);
                assertThat(page.memoryBlobs()).singleElement().satisfies(b -> assertThat(b.content()).hasSize(1_398_200));
            }
        }
    }
}
