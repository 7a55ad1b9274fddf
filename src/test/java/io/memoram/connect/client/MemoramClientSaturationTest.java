package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Durations given to the client builder beyond what a deadline computation can hold (the builder is
 * public; the connectors' settings are bounded in their ConfigDefs): every deadline saturates, so
 * calls go on working instead of failing with "long overflow" or an ArithmeticException.
 */
class MemoramClientSaturationTest {
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    @Test
    void aClientWithEndlessTimeoutsBackoffsAndOpenTimeStillCalls() {
        try (StubServer stub = StubServer.start()) {
            int[] calls = {0};
            stub.respond(s -> s.path().endsWith("/auth/token")
                    ? StubServer.Reply.json(200, String.format(StubServer.TOKEN_JSON, "jwt-1"))
                    : ++calls[0] == 1 ? StubServer.Reply.json(503, "{}")
                    : StubServer.Reply.json(200, "{\"items\":[]}"));
            MemoramClientConfig config = MemoramClientConfig.builder(URI.create(stub.baseUrl()), Secret.of("key"))
                    .connectTimeout(FOREVER).requestTimeout(FOREVER)
                    .retryBackoff(Duration.ofMillis(1), FOREVER).maxRetries(Integer.MAX_VALUE)
                    .circuitBreaker(1000, FOREVER).tokenRenewSkew(FOREVER)
                    .build();
            try (MemoramClient client = MemoramClient.create(config)) {
                assertThat(client.listTags("u1")).isEmpty();
                assertThat(calls[0]).isEqualTo(2); // one 503, retried after the first (1 ms) backoff
            }
        }
    }

    @Test
    void theBuilderClampsWhatWouldOverflowDownstream() {
        MemoramClientConfig c = MemoramClientConfig.builder(URI.create("http://127.0.0.1:1/api/v1"), Secret.of("key"))
                .requestTimeout(FOREVER).connectTimeout(FOREVER).retryBackoff(FOREVER, FOREVER)
                .circuitBreaker(5, FOREVER).tokenRenewSkew(FOREVER).responseBufferMaxBytes(Long.MAX_VALUE).build();
        assertThat(c.requestTimeout()).isEqualTo(MemoramClientConfig.MAX_DURATION);
        assertThat(c.connectTimeout()).isEqualTo(MemoramClientConfig.MAX_DURATION);
        assertThat(c.retryBackoffMax()).isEqualTo(MemoramClientConfig.MAX_DURATION);
        assertThat(c.circuitBreakerOpenDuration()).isEqualTo(MemoramClientConfig.MAX_DURATION);
        // A body is one byte array: the budget, and so every cap, stays far below 2 GiB.
        assertThat(c.responseBufferMaxBytes()).isEqualTo(1L << 30);
    }
}
