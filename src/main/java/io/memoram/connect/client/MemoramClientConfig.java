package io.memoram.connect.client;

import io.memoram.connect.util.Saturating;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the client needs. Built with {@link #builder(URI, Secret)}. The {@code DEFAULT_*}
 * constants are the one home of the client's defaults: the connectors' settings
 * ({@code MemoramCommonConfig}) and the builder take them from here, and a null given to the
 * constructor falls back to them, so the transport never invents a value of its own.
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
        String userAgent,
        long responseBufferMaxBytes,
        Egress egress) {

    /** Time to open a TCP (and TLS) connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Deadline of one HTTP exchange, from sending the request to the last byte of the body. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Retries of a {@link RetryPolicy#STANDARD} call. */
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(60);
    /** No client-side rate limit. */
    public static final double DEFAULT_RATE_LIMIT_PER_SECOND = 0;
    public static final int DEFAULT_CIRCUIT_BREAKER_FAILURE_THRESHOLD = 20;
    public static final Duration DEFAULT_CIRCUIT_BREAKER_OPEN_DURATION = Duration.ofSeconds(30);
    /** Renew the JWT this long before it expires, so no call goes out with a token about to lapse. */
    public static final Duration DEFAULT_TOKEN_RENEW_SKEW = Duration.ofSeconds(60);
    public static final String DEFAULT_USER_AGENT = "kafka-connect-memoram";
    /**
     * Bytes of response bodies one client holds at most, across all its calls in flight: 160 MiB,
     * enough for one page of 100 blobs of the largest size the sink writes (1 MiB of content each).
     */
    public static final long DEFAULT_RESPONSE_BUFFER_MAX_BYTES = 160L << 20;
    /** The largest response budget: 1 GiB, far below a byte array's 2 GiB limit. */
    public static final long MAX_RESPONSE_BUFFER_MAX_BYTES = 1L << 30;
    /**
     * Every duration above this counts as this: far beyond any sensible timeout, backoff or open
     * time, and far below where deadline arithmetic (and the JDK's HttpClient) overflows.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    public MemoramClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        connectTimeout = orDefault(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        requestTimeout = orDefault(requestTimeout, DEFAULT_REQUEST_TIMEOUT);
        maxRetries = Math.max(0, maxRetries);
        retryBackoff = orDefault(retryBackoff, DEFAULT_RETRY_BACKOFF);
        retryBackoffMax = orDefault(retryBackoffMax, DEFAULT_RETRY_BACKOFF_MAX);
        circuitBreakerOpenDuration = orDefault(circuitBreakerOpenDuration, DEFAULT_CIRCUIT_BREAKER_OPEN_DURATION);
        tokenRenewSkew = orDefault(tokenRenewSkew, DEFAULT_TOKEN_RENEW_SKEW);
        clock = clock == null ? Clock.systemUTC() : clock;
        listener = listener == null ? RequestListener.NONE : listener;
        responseBufferMaxBytes = responseBufferMaxBytes <= 0 ? DEFAULT_RESPONSE_BUFFER_MAX_BYTES
                : Math.min(responseBufferMaxBytes, MAX_RESPONSE_BUFFER_MAX_BYTES);
        egress = egress == null ? Egress.DIRECT : egress;
    }

    public static Builder builder(URI baseUrl, Secret apiKey) {
        return new Builder(baseUrl, apiKey);
    }

    public Builder toBuilder() {
        return new Builder(baseUrl, apiKey)
                .connectTimeout(connectTimeout).requestTimeout(requestTimeout).maxRetries(maxRetries)
                .retryBackoff(retryBackoff, retryBackoffMax).rateLimitPerSecond(rateLimitPerSecond)
                .circuitBreaker(circuitBreakerFailureThreshold, circuitBreakerOpenDuration)
                .tokenRenewSkew(tokenRenewSkew).clock(clock).listener(listener).userAgent(userAgent)
                .responseBufferMaxBytes(responseBufferMaxBytes).egress(egress);
    }

    private static Duration orDefault(Duration v, Duration fallback) {
        return v == null ? fallback : Saturating.atMost(v, MAX_DURATION);
    }

    public static final class Builder {
        private final URI baseUrl;
        private final Secret apiKey;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
        private double rateLimitPerSecond = DEFAULT_RATE_LIMIT_PER_SECOND;
        private int circuitBreakerFailureThreshold = DEFAULT_CIRCUIT_BREAKER_FAILURE_THRESHOLD;
        private Duration circuitBreakerOpenDuration = DEFAULT_CIRCUIT_BREAKER_OPEN_DURATION;
        private Duration tokenRenewSkew = DEFAULT_TOKEN_RENEW_SKEW;
        private Clock clock = Clock.systemUTC();
        private RequestListener listener = RequestListener.NONE;
        private String userAgent = DEFAULT_USER_AGENT;
        private long responseBufferMaxBytes = DEFAULT_RESPONSE_BUFFER_MAX_BYTES;
        private Egress egress = Egress.DIRECT;

        private Builder(URI baseUrl, Secret apiKey) {
            this.baseUrl = baseUrl;
            this.apiKey = apiKey;
        }

        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        /** Deadline of one exchange, response body included; a call that exceeds it counts as a retriable failure. */
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        /** Retriable failures per {@link RetryPolicy#STANDARD} call before it counts as failed; 0 = a single attempt. */
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
        /**
         * Bytes of response bodies held at most across all calls in flight, and so the largest response
         * accepted; at most {@link #MAX_RESPONSE_BUFFER_MAX_BYTES}, 0 or less = the default.
         */
        public Builder responseBufferMaxBytes(long v) { responseBufferMaxBytes = v; return this; }

        /** A proxy and a truststore for this client only ({@link Egress#DIRECT}: none). */
        public Builder egress(Egress v) { egress = v; return this; }

        public MemoramClientConfig build() {
            return new MemoramClientConfig(baseUrl, apiKey, connectTimeout, requestTimeout, maxRetries,
                    retryBackoff, retryBackoffMax, rateLimitPerSecond, circuitBreakerFailureThreshold,
                    circuitBreakerOpenDuration, tokenRenewSkew, clock, listener, userAgent, responseBufferMaxBytes, egress);
        }
    }
}
