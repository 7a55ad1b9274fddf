package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.TokenResponse;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The developer JWT: lazy, cached, renewed before expiry and after a 401, one renewal for all threads. */
class MemoramClientTokenTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private EmulatedUser user;

    @BeforeEach
    void setUp() {
        emu.faults().clear();
        emu.tokenTtl(Duration.ofHours(1));
        apiKey = emu.createApiKey();
        user = emu.createUser();
        emu.grantAccess(apiKey, user);
        emu.resetRequestCounts();
    }

    private int tokenCalls() {
        return emu.requestCount("POST", "/auth/token");
    }

    @Test
    void theTokenIsFetchedLazilyAndReused() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).listener(metrics).build())) {
            assertThat(tokenCalls()).as("creating a client sends nothing").isZero();
            for (int i = 0; i < 5; i++) {
                client.listTags(user.userId());
            }
            assertThat(tokenCalls()).isEqualTo(1);
            assertThat(metrics.getTokenRenewals()).isEqualTo(1);
        }
    }

    @Test
    void theTokenIsRenewedBeforeItExpiresByTheInjectedClock() {
        MutableClock clock = new MutableClock();
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).clock(clock)
                .tokenRenewSkew(Duration.ofMinutes(1)).listener(metrics).build())) {
            client.listTags(user.userId());
            clock.advance(Duration.ofMinutes(58));
            client.listTags(user.userId());
            assertThat(tokenCalls()).as("still more than the skew before expiry").isEqualTo(1);

            clock.advance(Duration.ofSeconds(90)); // 59.5 min: inside the one-minute skew
            client.listTags(user.userId());
            client.listTags(user.userId());
            assertThat(tokenCalls()).isEqualTo(2);
            assertThat(metrics.getResponses4xx()).as("renewed ahead of time, never refused").isZero();
        }
    }

    @Test
    void aSkewLongerThanTheLifetimeIsHalvedSoTokensAreNotRenewedOnEveryCall() {
        emu.tokenTtl(Duration.ofMinutes(10));
        MutableClock clock = new MutableClock();
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).clock(clock)
                .tokenRenewSkew(Duration.ofMinutes(60)).listener(metrics).build())) {
            client.listTags(user.userId());
            client.listTags(user.userId());
            assertThat(metrics.getTokenRenewals()).as("a 60 min skew on a 10 min token: renewed at half, not per call").isEqualTo(1);
            clock.advance(Duration.ofMinutes(4));
            client.listTags(user.userId());
            assertThat(metrics.getTokenRenewals()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(2)); // 6 min: past half the lifetime
            client.listTags(user.userId());
            client.listTags(user.userId());
            assertThat(metrics.getTokenRenewals()).isEqualTo(2);
            assertThat(metrics.getResponses4xx()).as("every renewal came before expiry").isZero();
        }
    }

    @Test
    void a401RenewsTheTokenOnceAndRetriesTheCall() {
        ClientMetrics metrics = new ClientMetrics();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).listener(metrics).build())) {
            client.listTags(user.userId());
            emu.expireAllTokens();
            assertThat(client.listTags(user.userId())).isEmpty();
            assertThat(tokenCalls()).isEqualTo(2);
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(3); // ok, 401, ok
            assertThat(metrics.getTokenRenewals()).isEqualTo(2);
        }
    }

    @Test
    void aSecond401IsAnAuthenticationFailure() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            client.listTags(user.userId());
            emu.resetRequestCounts();
            emu.faults().on("GET", "/tags").next(5, Fault.status(401));
            assertThatThrownBy(() -> client.listTags(user.userId()))
                    .isInstanceOfSatisfying(MemoramAuthenticationException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.isRetriable()).isFalse();
                    })
                    .hasMessageStartingWith("GET /tags failed: HTTP 401")
                    .hasMessageContaining("check the API key")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(apiKey));
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(2);
            assertThat(tokenCalls()).isEqualTo(1);
        }
    }

    @Test
    void concurrentCallersShareOneRenewal() throws Exception {
        int threads = 24;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            // Cold start: all threads need the first token at once.
            assertThat(runTogether(pool, threads, () -> client.listTags(user.userId()))).isEqualTo(threads);
            assertThat(tokenCalls()).isEqualTo(1);

            // Every thread gets a 401 on the same token: still a single renewal.
            emu.expireAllTokens();
            assertThat(runTogether(pool, threads, () -> client.listTags(user.userId()))).isEqualTo(threads);
            assertThat(tokenCalls()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int runTogether(ExecutorService pool, int n, Runnable task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                task.run();
                ok.incrementAndGet();
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(20, TimeUnit.SECONDS);
        }
        return ok.get();
    }

    @Test
    void aRefusedApiKeyIsAnAuthenticationFailureThatNeverShowsTheKey() {
        String unknownKey = "mem_" + "0123456789ab".repeat(4);
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, unknownKey).build())) {
            assertThatThrownBy(client::issueToken)
                    .isInstanceOfSatisfying(MemoramAuthenticationException.class,
                            e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageStartingWith("POST /auth/token failed: HTTP 400")
                    .hasMessageContaining("API key was refused")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(unknownKey));
            assertThatThrownBy(() -> client.listTags(user.userId()))
                    .isInstanceOf(MemoramAuthenticationException.class);
            assertThat(tokenCalls()).as("not retried").isEqualTo(2);
        }
    }

    @Test
    void theTokenCallItselfIsRetriedOnTransientFailures() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            emu.faults().on("POST", "/auth/token").next(2, Fault.status(503));
            assertThat(client.listTags(user.userId())).isEmpty();
            assertThat(tokenCalls()).isEqualTo(3);
            assertThat(emu.requestCount("GET", "/tags")).isEqualTo(1);
        }
    }

    @Test
    void issueTokenReplacesTheCachedToken() {
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            client.listTags(user.userId());
            TokenResponse fresh = client.issueToken();
            assertThat(fresh.token()).isNotBlank();
            client.listTags(user.userId());
            assertThat(tokenCalls()).isEqualTo(2);
        }
    }
}
