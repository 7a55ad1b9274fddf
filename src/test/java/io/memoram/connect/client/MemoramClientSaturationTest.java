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
}
