package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.model.WrittenBlob;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Grant;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/memoram-api.md ("Errors and retries") against the emulator's injected faults: what is retried, how often, and what surfaces. */
class MemoramClientFailuresTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private EmulatedUser user;

    @BeforeEach
    void setUp() {
        Grant grant = Grant.fresh(emu);
        apiKey = grant.apiKey();
        user = grant.user();
    }

    /** A client whose token is already fetched, with request counts reset, so counts are of the call alone. */
    private MemoramClient warmClient(MemoramClientConfig.Builder config) {
        MemoramClient client = MemoramClient.create(config.build());
        client.listTags(user.userId());
        emu.resetRequestCounts();
        return client;
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408})
    void transientStatusesAreRetriedUntilTheyPass(int status) {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).listener(metrics))) {
            emu.faults().on("GET", "/tags").next(2, Fault.status(status));
            assertThat(client.listTags(user.userId())).isEmpty();
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(3);
            assertThat(metrics.getRetries()).isEqualTo(2);
        }
    }

    @Test
    void exhaustedRetriesSurfaceAsUnavailableWithTheLastStatus() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(2).listener(metrics))) {
            emu.faults().on("GET", "/memory-blobs").next(10, Fault.status(503));
            assertThatThrownBy(() -> client.listMemoryBlobs(user.userId(), null, null))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.isRetriable()).isTrue();
                        assertThat(e.call()).isEqualTo("GET /memory-blobs");
                        assertThat(e.retryAfter()).isNull();
                    })
                    .hasMessageStartingWith("GET /memory-blobs failed: HTTP 503: injected fault")
                    .hasMessageContaining("gave up after 3 attempts");
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(3); // 1 + maxRetries
            assertThat(metrics.getResponses5xx()).isEqualTo(3);
        }
    }

    @Test
    void zeroRetriesMeansASingleAttempt() {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(0))) {
            emu.faults().on("GET", "/memory-blobs").next(1, Fault.status(503));
            assertThatThrownBy(() -> client.listMemoryBlobs(user.userId(), null, null))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> assertThat(e.status()).isEqualTo(503));
            // One 503 armed: a second attempt would have succeeded, so the throw itself proves a single attempt.
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 422})
    void permanentStatusesAreNotRetried(int status) {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey))) {
            emu.faults().on("GET", "/memory-blobs").next(5, Fault.status(status));
            Class<? extends MemoramException> expected = switch (status) {
                case 403 -> MemoramAccessDeniedException.class;
                case 404 -> MemoramNotFoundException.class;
                default -> MemoramBadRequestException.class;
            };
            assertThatThrownBy(() -> client.listMemoryBlobs(user.userId(), null, null))
                    .isInstanceOf(expected)
                    .hasMessage("GET /memory-blobs failed: HTTP " + status + ": injected fault: status " + status)
                    .satisfies(e -> assertThat(((MemoramException) e).isRetriable()).isFalse());
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(1);
        }
    }

    @Test
    void retryAfterSecondsIsHonouredWhenLongerThanTheBackoff() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).listener(metrics)
                .retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(5)))) {
            emu.faults().on("POST", "/memory-blobs").next(1, Fault.tooManyRequests(1));
            long start = System.nanoTime();
            WrittenBlob created = client.createMemoryBlob(new NewMemoryBlob(user.userId(), user.memoryKey(),
                    emu.seal(user.userId(), "x"), "t", null, List.of(), null, null, null));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(created.id()).isNotBlank();
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
            assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(2);
            assertThat(emu.blobs(user.userId())).hasSize(1); // the 429 had no effect, the retry created one blob
            assertThat(metrics.getResponses429()).isEqualTo(1);
            assertThat(metrics.getThrottledWaits()).isEqualTo(1);
            assertThat(metrics.getThrottledTimeMs()).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void aRetryAfterBeyondTheMaximumBackoffIsHandedToTheCaller() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).listener(metrics))) { // max backoff 40 ms
            emu.faults().on("GET", "/tags").next(1, Fault.tooManyRequests(30));
            assertThatThrownBy(() -> client.listTags(user.userId()))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class,
                            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)))
                    .hasMessageContaining("asks to wait 30 s");
            // Handed over, not waited for: no retry scheduled, no throttled wait (a wait would be counted first).
            assertThat(metrics.getRetries()).isZero();
            assertThat(metrics.getThrottledWaits()).isZero();
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(1);
        }
    }

    @Test
    void droppedConnectionsAreRetried() {
        // A POST: the JDK's HttpClient never re-sends it on its own, so every request seen is one of ours.
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).listener(metrics))) {
            emu.faults().on("POST", "/memory-blobs").next(2, Fault.drop());
            WrittenBlob created = client.createMemoryBlob(new NewMemoryBlob(user.userId(), user.memoryKey(),
                    emu.seal(user.userId(), "x"), "t", null, List.of(), null, null, null));
            assertThat(created.id()).isNotBlank();
            assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(3);
            assertThat(metrics.getIoErrors()).isEqualTo(2);
            assertThat(metrics.getRetries()).isEqualTo(2);
            assertThat(emu.blobs(user.userId())).hasSize(1);
        }
    }

    @Test
    void droppedConnectionsExhaustedSurfaceWithStatusZero() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(1).listener(metrics))) {
            emu.faults().on("GET", "/tags").next(10, Fault.drop());
            assertThatThrownBy(() -> client.listTags(user.userId()))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> assertThat(e.status()).isZero())
                    .hasMessageStartingWith("GET /tags failed: no response (");
            assertThat(metrics.getIoErrors()).isEqualTo(2);
            // The JDK transparently re-sends an idempotent GET once on a connection closed before any
            // response, so the server may see up to two requests per attempt of ours.
            assertThat(emu.requestCount("GET", "/tags")).isBetween(2, 4);
        }
    }

    @Test
    void slowResponsesTimeOutAndAreRetried() {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).requestTimeout(Duration.ofSeconds(1)))) {
            // The first attempt never gets headers; only the client's timeout can end it (the fault holds ten minutes).
            emu.faults().on("GET", "/tags").next(1, Fault.delay(Duration.ofMinutes(10)));
            assertThat(client.listTags(user.userId())).isEmpty();
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(2);
        }
    }

    @Test
    void theCircuitOpensAfterConsecutiveFailuresAndRecovers() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(0).listener(metrics)
                .circuitBreaker(3, Duration.ofMillis(600)))) {
            emu.faults().next(100, Fault.status(503));
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> client.listTags(user.userId()))
                        .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> assertThat(e.status()).isEqualTo(503));
            }
            assertThat(emu.requestCount(null, null)).isEqualTo(3);
            assertThat(metrics.getCircuitState()).isEqualTo("OPEN");

            // Open: fails at once, names the wait, and nothing reaches the server.
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.listTags(user.userId()))
                        .isInstanceOfSatisfying(MemoramUnavailableException.class, e -> {
                            assertThat(e.status()).isZero();
                            assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(601));
                        })
                        .hasMessageContaining("circuit breaker open");
            }
            assertThat(emu.requestCount(null, null)).isEqualTo(3);
            assertThat(metrics.getCircuitOpenRejections()).isEqualTo(5);

            // After the open time one probe goes through; the server is back, so the circuit closes.
            emu.faults().clear();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(MemoramUnavailableException.class).untilAsserted(() ->
                    assertThat(client.listTags(user.userId())).isEmpty());
            assertThat(metrics.getCircuitState()).isEqualTo("CLOSED");
            assertThat(client.listTags(user.userId())).isEmpty();
        }
    }

    @Test
    void aFailedProbeReopensTheCircuit() throws Exception {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(0).listener(metrics)
                .requestTimeout(Duration.ofSeconds(3)).circuitBreaker(2, Duration.ofMillis(300)))) {
            emu.faults().next(2, Fault.status(500));
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> client.listTags(user.userId())).isInstanceOf(MemoramUnavailableException.class);
            }
            assertThat(metrics.getCircuitState()).isEqualTo("OPEN");
            // The probe hangs (headers, half a body, silence) until the client's 3 s deadline fails it.
            emu.faults().next(1, Fault.stall());
            java.util.concurrent.CompletableFuture<Boolean> probe = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> emu.requestCount(null, null) == 3 || tryOnce(client));
                return true;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> emu.requestCount(null, null) == 3);
            // While the probe is in flight (half-open), every other call is refused unsent.
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.listTags(user.userId())).hasMessageContaining("circuit breaker open");
            }
            assertThat(emu.requestCount(null, null)).isEqualTo(3); // exactly one probe
            probe.get(30, java.util.concurrent.TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(metrics.getCircuitState()));
        }
    }

    private boolean tryOnce(MemoramClient client) {
        try {
            client.listTags(user.userId());
        } catch (MemoramUnavailableException e) {
            // expected while the circuit is open or the probe fails
        }
        return false;
    }

    @Test
    void permanentErrorsDoNotOpenTheCircuit() {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(0)
                .circuitBreaker(2, Duration.ofSeconds(30)))) {
            emu.faults().on("GET", "/tags").next(5, Fault.status(404));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.listTags(user.userId())).isInstanceOf(MemoramNotFoundException.class);
            }
            emu.faults().next(1, Fault.status(503));
            assertThatThrownBy(() -> client.listTags(user.userId())).isInstanceOf(MemoramUnavailableException.class);
            assertThat(client.listTags(user.userId())).isEmpty(); // one failure after successes: still closed
            assertThat(emu.requestCount(null, null)).isEqualTo(7);
        }
    }

    @Test
    void theRateLimitSpacesRequests() {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).rateLimitPerSecond(10))) {
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                client.listTags(user.userId());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // At most one permit every 100 ms: 8 calls need at least 7 full periods after the first.
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(8);
        }
    }

    @Test
    void aFailingListenerNeverBreaksTraffic() {
        RequestListener broken = new RequestListener() {
            @Override public void onAttempt(String call, int status, Duration elapsed) { throw new IllegalStateException("boom"); }
            @Override public void onRetry(String call, int status, Duration wait) { throw new IllegalStateException("boom"); }
            @Override public void onTokenRenewed() { throw new IllegalStateException("boom"); }
        };
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).listener(broken).build())) {
            emu.faults().on("GET", "/tags").next(1, Fault.status(503));
            assertThat(client.listTags(user.userId())).isEmpty();
        }
    }

    @Test
    void anInterruptEndsTheBackoffAtOnce() throws Exception {
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey).maxRetries(5)
                .retryBackoff(Duration.ofSeconds(20), Duration.ofSeconds(20)))) {
            emu.faults().on("GET", "/tags").next(10, Fault.status(503));
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread caller = new Thread(() -> {
                try {
                    client.listTags(user.userId());
                } catch (Throwable t) {
                    failure.set(t);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            caller.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> emu.requestCount("GET", "/tags") == 1);
            caller.interrupt();
            // Far less than the 20 s backoff it was sleeping: the interrupt ended the wait.
            await().atMost(Duration.ofSeconds(15)).until(() -> !caller.isAlive());
            assertThat(failure.get()).isInstanceOf(MemoramUnavailableException.class)
                    .hasMessageContaining("interrupted");
            assertThat(stillInterrupted).as("the interrupt flag is kept for the caller").isTrue();
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(1);
        }
    }

    @Test
    void filtersTravelWithEveryPage() {
        emu.pageCap(2);
        try (MemoramClient client = warmClient(Clients.fast(emu, apiKey))) {
            for (int i = 0; i < 5; i++) {
                emu.putBlob(user.userId(), "m" + i, "keep " + i, "keep", "both");
                emu.putBlob(user.userId(), "n" + i, "drop " + i, "both");
            }
            java.util.List<String> titles = new java.util.ArrayList<>();
            client.iterateMemoryBlobs(user.userId(), new BlobQuery(2, List.of("keep", "both"), "keep", null))
                    .forEachRemaining(b -> titles.add(b.title()));
            assertThat(titles).hasSize(5).allMatch(t -> t.startsWith("keep"));
            assertThat(emu.requestCount("GET", "/memory-blobs")).isBetween(3, 4);
        } finally {
            emu.pageCap(50);
        }
    }
}
