package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.client.model.MemoryBlobPage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A token the server sends that cannot travel in an HTTP header (CR/LF, other control characters):
 * refused when it arrives, with a message that does not quote it, and never cached, so the next
 * renewal replaces it; and the circuit breaker's half-open permit is never taken by an attempt that
 * fails before it is sent.
 */
class MemoramClientTokenHeaderTest {
    private static final String SECRET_PART = "SECRET-PART-31337";
    /** JSON-escaped CR/LF: the decoded token holds a header injection and a secret-looking tail. */
    private static final String BAD_TOKEN_JSON = "jwt-bad\\r\\nX-Leak: " + SECRET_PART;

    private StubServer stub;
    private final CountDownLatch releaseFirstTags = new CountDownLatch(1);

    @BeforeEach
    void start() {
        stub = StubServer.start();
    }

    @AfterEach
    void stop() {
        releaseFirstTags.countDown();
        stub.close();
    }

    private static String token(String value, Instant expiresAt) {
        return "{\"token\":\"" + value + "\",\"expires_at\":\"" + expiresAt + "\",\"token_type\":\"Bearer\"}";
    }

    @Test
    void aTokenWithCrLfIsRefusedWithoutQuotingItAndTheCircuitRecovers() throws Exception {
        AtomicInteger tokenCalls = new AtomicInteger();
        AtomicInteger tagCalls = new AtomicInteger();
        // 1st token: good for an hour; 2nd: unusable; then good ones.
        stub.respond(s -> {
            if (s.path().endsWith("/auth/token")) {
                int n = tokenCalls.incrementAndGet();
                return StubServer.Reply.json(200, n == 1 ? token("jwt-good-1", Instant.now().plus(Duration.ofHours(1)))
                        : n == 2 ? token(BAD_TOKEN_JSON, Instant.parse("2099-01-01T00:00:00Z"))
                        : token("jwt-good-" + n, Instant.parse("2099-01-01T00:00:00Z")));
            }
            if (s.path().endsWith("/tags") && tagCalls.incrementAndGet() == 1) {
                try {
                    releaseFirstTags.await(60, TimeUnit.SECONDS); // held in flight, then a 503 opens the circuit
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return StubServer.Reply.json(503, "{\"error\":\"down\"}");
            }
            return s.path().endsWith("/tags") ? StubServer.Reply.json(200, "{\"items\":[]}")
                    : StubServer.Reply.json(200, "{\"memoryBlobs\":[],\"next_cursor\":null}");
        });
        MutableClock clock = new MutableClock();
        try (MemoramClient client = MemoramClient.create(Clients.fast(URI.create(stub.baseUrl()), "stub-api-key")
                .maxRetries(0).circuitBreaker(1, Duration.ofMillis(300)).clock(clock).build())) {
            // A call in flight with the first token, whose 503 will open the circuit later.
            CompletableFuture<Object> inFlight = CompletableFuture.supplyAsync(() -> client.listTags("u1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> tagCalls.get() == 1);

            // The first token expires; its renewal brings the unusable one.
            clock.advance(Duration.ofHours(2));
            assertThatThrownBy(() -> client.listMemoryBlobs("u1", null, null))
                    .isInstanceOf(MemoramException.class)
                    .hasMessageStartingWith("POST /auth/token answered a token that cannot be sent in an HTTP header")
                    .hasMessageNotContaining(SECRET_PART).hasMessageNotContaining("jwt-bad");
            assertThat(tokenCalls.get()).isEqualTo(2);

            // The call in flight fails: the circuit opens (threshold 1).
            releaseFirstTags.countDown();
            await().atMost(Duration.ofSeconds(60)).until(inFlight::isDone);
            assertThatThrownBy(inFlight::join).cause().isInstanceOf(MemoramUnavailableException.class);

            // Once the open time is over, a call renews the token (the bad one was not kept) and goes through.
            MemoryBlobPage page = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(MemoramUnavailableException.class)
                    .until(() -> client.listMemoryBlobs("u1", null, null), p -> p != null);
            assertThat(page.memoryBlobs()).isEmpty();
            assertThat(stub.seen()).extracting(StubServer.Seen::authorization)
                    .allSatisfy(a -> assertThat(String.valueOf(a)).doesNotContain(SECRET_PART));
            assertThat(client.listTags("u1")).isEmpty();
        }
    }
}
