package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Grant;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One client, the retry policy chosen per call, everything else (token, circuit, limiter) shared. */
class MemoramClientRetryPolicyTest {
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

    private NewMemoryBlob blob(String title) {
        return new NewMemoryBlob(user.userId(), user.memoryKey(), emu.seal(user.userId(), "x"), title, null,
                List.of(), null, null, null);
    }

    @Test
    void policiesAllowTheirNumberOfRetries() {
        assertThat(RetryPolicy.STANDARD.maxRetries(10)).isEqualTo(10);
        assertThat(RetryPolicy.STANDARD.maxRetries(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(RetryPolicy.SHORT.maxRetries(10)).isEqualTo(3);
        assertThat(RetryPolicy.SHORT.maxRetries(1)).isEqualTo(1);
        assertThat(RetryPolicy.NONE.maxRetries(10)).isZero();
        assertThat(RetryPolicy.CALLER_BACKS_OFF.maxRetries(10)).isZero();
    }

    @Test
    void aCreateWithoutRetriesIsSentOnceWhileTheSameClientRetriesReads() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).maxRetries(3).build())) {
            client.listTags(user.userId()); // token fetched
            emu.resetRequestCounts();
            emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
            assertThatThrownBy(() -> client.withRetry(RetryPolicy.NONE).createMemoryBlob(blob("once")))
                    .isInstanceOfSatisfying(MemoramUnavailableException.class,
                            e -> assertThat(e.status()).isEqualTo(503));
            assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(1);
            assertThat(emu.blobs(user.userId())).isEmpty();

            emu.faults().on("GET", "/memory-blobs").next(2, Fault.status(503));
            assertThat(client.listMemoryBlobs(user.userId(), null, null).memoryBlobs()).isEmpty();
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(3);

            emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
            assertThat(client.withRetry(RetryPolicy.STANDARD).createMemoryBlob(blob("retried")).id()).isNotBlank();
            assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(3);
            assertThat(emu.requestCount("POST", "/auth/token")).isZero(); // every view used the one token
        }
    }

    @Test
    void everySendOfAGatedCallAsksTheGateAndARefusedSendIsNeverMade() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).maxRetries(3).build())) {
            emu.resetRequestCounts();
            // Let through once, then refused: the first POST answers 503, its retry must not go out.
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
            SendGate onceOnly = new SendGate() {
                @Override
                public boolean enter() {
                    boolean pass = asked.incrementAndGet() == 1;
                    if (pass) {
                        open.incrementAndGet();
                    }
                    return pass;
                }

                @Override
                public void leave() {
                    open.decrementAndGet();
                }
            };
            emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
            MemoramClient gated = client.withGate(onceOnly).withRetry(RetryPolicy.STANDARD);
            assertThatThrownBy(() -> gated.createMemoryBlob(blob("called off")))
                    .isInstanceOf(MemoramCallWithheldException.class);
            assertThat(asked).hasValue(2); // the retry asked again; the token request (not the caller's) did not ask
            assertThat(open).hasValue(0);
            assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(1);
            assertThat(emu.requestCount("POST", "/auth/token")).isEqualTo(1);
            assertThat(emu.blobs(user.userId())).isEmpty();
        }
    }

    @Test
    void viewsShareOneCircuitBreaker() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).maxRetries(0)
                .circuitBreaker(2, Duration.ofMinutes(5)).listener(metrics).build())) {
            client.listTags(user.userId());
            emu.resetRequestCounts();
            emu.faults().on("POST", "/memory-blobs").next(2, Fault.status(500));
            MemoramClient once = client.withRetry(RetryPolicy.NONE);
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> once.createMemoryBlob(blob("fails"))).isInstanceOf(MemoramUnavailableException.class);
            }
            // Opened by the NONE view's failures, the circuit refuses the STANDARD client's read unsent.
            assertThatThrownBy(() -> client.listTags(user.userId()))
                    .isInstanceOf(MemoramUnavailableException.class).hasMessageContaining("circuit breaker open");
            assertThat(emu.requestCount("GET", "/tags")).isZero();
            assertThat(metrics.getCircuitOpenRejections()).isEqualTo(1);
        }
    }

    @Test
    void withRetryReturnsTheSameViewEachTimeAndTheClientIsStandard() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            assertThat(client.retryPolicy()).isEqualTo(RetryPolicy.STANDARD);
            assertThat(client.withRetry(RetryPolicy.STANDARD)).isSameAs(client);
            assertThat(client.withRetry(RetryPolicy.NONE)).isSameAs(client.withRetry(RetryPolicy.NONE));
            assertThat(client.withRetry(RetryPolicy.NONE).withRetry(RetryPolicy.STANDARD)).isSameAs(client);
            assertThat(client.withRetry(RetryPolicy.SHORT).retryPolicy()).isEqualTo(RetryPolicy.SHORT);
        }
    }
}
