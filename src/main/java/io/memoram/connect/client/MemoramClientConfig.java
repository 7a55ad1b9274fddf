package io.memoram.connect.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the client needs. Built with {@link #builder(URI, Secret)}; defaults follow
 * docs/configuration.md (timeout 30 s, 10 retries, backoff 500 ms to 60 s, no rate limit).
 */
public record MemoramClientConfig(
        URI baseUrl,
        Secret apiKey,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration retryBackoffMax,
        double rateLimitPerSecond,
        int circuitBreakerFailureThreshold,
        Duration circuitBreakerOpenDuration,
        Duration tokenRenewSkew,
        Clock clock,
        RequestListener listener,
        String userAgent) {

    public MemoramClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(clock, "clock");
        listener = listener == null ? RequestListener.NONE : listener;
    }

    public static Builder builder(URI baseUrl, Secret apiKey) {
        return new Builder(baseUrl, apiKey);
    }

    public Builder toBuilder() {
        return new Builder(baseUrl, apiKey)
                .connectTimeout(connectTimeout).requestTimeout(requestTimeout).maxRetries(maxRetries)
                .retryBackoff(retryBackoff, retryBackoffMax).rateLimitPerSecond(rateLimitPerSecond)
                .circuitBreaker(circuitBreakerFailureThreshold, circuitBreakerOpenDuration)
                .tokenRenewSkew(tokenRenewSkew).clock(clock).listener(listener).userAgent(userAgent);
    }

    public static final class Builder {
        private final URI baseUrl;
        private final Secret apiKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxRetries = 10;
        private Duration retryBackoff = Duration.ofMillis(500);
        private Duration retryBackoffMax = Duration.ofSeconds(60);
        private double rateLimitPerSecond = 0;
        private int circuitBreakerFailureThreshold = 20;
        private Duration circuitBreakerOpenDuration = Duration.ofSeconds(30);
        private Duration tokenRenewSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private RequestListener listener = RequestListener.NONE;
        private String userAgent = "kafka-connect-memoram";

        private Builder(URI baseUrl, Secret apiKey) {
            this.baseUrl = baseUrl;
            this.apiKey = apiKey;
        }

        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        /** Retriable failures per request before it counts as failed; 0 = a single attempt. */
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder retryBackoff(Duration initial, Duration max) { retryBackoff = initial; retryBackoffMax = max; return this; }
        /** Client-side cap on requests per second; 0 or less = off. */
        public Builder rateLimitPerSecond(double v) { rateLimitPerSecond = v; return this; }
        /** Consecutive failed calls before the circuit opens, and how long it stays open. */
        public Builder circuitBreaker(int failureThreshold, Duration openDuration) {
            circuitBreakerFailureThreshold = failureThreshold; circuitBreakerOpenDuration = openDuration; return this;
        }
        public Builder tokenRenewSkew(Duration v) { tokenRenewSkew = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder listener(RequestListener v) { listener = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }

        public MemoramClientConfig build() {
            return new MemoramClientConfig(baseUrl, apiKey, connectTimeout, requestTimeout, maxRetries,
                    retryBackoff, retryBackoffMax, rateLimitPerSecond, circuitBreakerFailureThreshold,
                    circuitBreakerOpenDuration, tokenRenewSkew, clock, listener, userAgent);
        }
    }
}
