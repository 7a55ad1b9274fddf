package io.memoram.connect.client;

import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.time.Duration;

/** Client configs for tests: real HTTP, tiny backoffs so retries cost milliseconds. */
final class Clients {
    private Clients() { }

    static MemoramClientConfig.Builder fast(MemoramEmulator emu, String apiKey) {
        return fast(URI.create(emu.baseUrl()), apiKey);
    }

    static MemoramClientConfig.Builder fast(URI baseUrl, String apiKey) {
        return MemoramClientConfig.builder(baseUrl, Secret.of(apiKey))
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(5))
                .maxRetries(3)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .circuitBreaker(1000, Duration.ofSeconds(30));
    }
}
