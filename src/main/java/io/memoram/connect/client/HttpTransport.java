package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.memoram.connect.util.ExponentialBackoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@link ApiRequest}s with the failure handling of docs/memoram-api.md, "Errors and retries".
 *
 * <p>Per attempt, in this order: the optional client-side rate limiter (Resilience4j
 * {@link RateLimiter}, one permit every {@code 1/rate} seconds, so no bursts), the circuit breaker
 * (Resilience4j {@link CircuitBreaker}, API calls only), the JWT, one HTTP exchange. A 401 drops
 * the token and re-sends once with a fresh one inside the same attempt. Around the attempts a plain
 * loop retries 408, 429, 5xx and I/O failures as often as the call's {@link RetryPolicy} allows, waiting
 * {@link ExponentialBackoff} (a longer {@code Retry-After} wins). Permanent statuses are returned to the
 * caller unretried. The loop is ours rather than a Resilience4j {@code Retry}: the number of attempts is
 * chosen per call, and its waits end at once when the client is closed.
 *
 * <p>The circuit breaker counts consecutive retriable failures: a count-based window of
 * {@code threshold} calls that opens at a 100 % failure rate, i.e. after {@code threshold} failed
 * attempts in a row with no success between them. Responses with a permanent status prove the
 * server is alive and count as successes. While open, calls fail at once with
 * {@link MemoramUnavailableException#retryAfter()} = the remaining open time; after it one probe
 * is let through (half-open) and its outcome closes or re-opens the circuit.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    static final String JSON = "application/json";
    static final String CALL_TOKEN = "POST /auth/token";

    private final MemoramClientConfig config;
    private final String baseUrl;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final RequestListener listener;
    private final ExponentialBackoff backoff;
    private final CircuitBreaker circuit;
    private final Duration circuitOpenDuration;
    private final RateLimiter rateLimiter;
    private final TokenManager tokens;
    private volatile long circuitOpenedAtNanos = System.nanoTime();
    private volatile boolean closed;
    /** Counted down by {@link #close()}: ends every backoff wait at once. */
    private final CountDownLatch closedSignal = new CountDownLatch(1);

    HttpTransport(MemoramClientConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.listener = new SafeListener(config.listener());
        String base = config.baseUrl().toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // Certificates and host names are verified by the JDK's default SSLContext; nothing here relaxes that.
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // Never follow redirects: the Authorization header must not travel to another host.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.backoff = new ExponentialBackoff(config.retryBackoff(), config.retryBackoffMax());
        this.circuitOpenDuration = atLeast(config.circuitBreakerOpenDuration(), Duration.ofMillis(1));
        this.circuit = config.circuitBreakerFailureThreshold() > 0 ? buildCircuit() : null;
        this.rateLimiter = config.rateLimitPerSecond() > 0 ? buildRateLimiter(config.rateLimitPerSecond()) : null;
        this.tokens = new TokenManager(config.clock(), config.tokenRenewSkew(), this::fetchToken);
    }

    // ------------------------------------------------------------------ wiring

    private CircuitBreaker buildCircuit() {
        int threshold = config.circuitBreakerFailureThreshold();
        CircuitBreakerConfig cbConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100f)
                // Slow calls are bounded by the request timeout already; do not let them open the circuit.
                .slowCallRateThreshold(100f)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .waitDurationInOpenState(circuitOpenDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker cb = CircuitBreaker.of("memoram", cbConfig);
        cb.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                circuitOpenedAtNanos = System.nanoTime();
                log.warn("Memoram API at {} failed {} times in a row: pausing all calls for {} ms (circuit breaker open)",
                        baseUrl, threshold, circuitOpenDuration.toMillis());
            } else if (to == CircuitBreaker.State.CLOSED) {
                log.info("Memoram API at {} answers again: circuit breaker closed", baseUrl);
            }
            listener.onCircuitStateChanged(to.name());
        });
        return cb;
    }

    private RateLimiter buildRateLimiter(double perSecond) {
        // One permit per period rather than N per second: spreads requests evenly instead of in bursts.
        long periodNanos = Math.max(1_000L, Math.round(1_000_000_000d / perSecond));
        Duration period = Duration.ofNanos(periodNanos);
        Duration timeout = atLeast(period.multipliedBy(100), Duration.ofMinutes(5));
        return RateLimiter.of("memoram", RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(period)
                .timeoutDuration(timeout)
                .writableStackTraceEnabled(false)
                .build());
    }

    // ------------------------------------------------------------------ API

    URI uri(String pathAndQuery) {
        return URI.create(baseUrl + pathAndQuery);
    }

    TokenManager tokens() {
        return tokens;
    }

    RequestListener listener() {
        return listener;
    }

    /** Executes {@code request} with up to {@code maxRetries} retries and reads the 2xx body as {@code type}. */
    <T> T executeJson(ApiRequest request, int maxRetries, Class<T> type) {
        HttpResponse<byte[]> response = execute(request, maxRetries);
        return read(request, response, type);
    }

    /**
     * Executes {@code request} with up to {@code maxRetries} retries; returns the 2xx response, or
     * throws the typed exception for a permanent status, or {@link MemoramUnavailableException} once
     * retries are used up (or the client is closed, or the thread interrupted, while waiting).
     */
    HttpResponse<byte[]> execute(ApiRequest request, int maxRetries) {
        if (closed) {
            throw new IllegalStateException("the Memoram client is closed");
        }
        boolean[] renewedAfter401 = {false};
        HttpResponse<byte[]> response;
        for (long attempt = 1; ; attempt++) {
            try {
                response = attemptOnce(request, renewedAfter401, maxRetries);
                break;
            } catch (RetriableFailure f) {
                // A Retry-After beyond the longest backoff is handed to the caller (retryAfter()) rather
                // than blocking a task thread for longer than the user allowed.
                boolean waitable = f.retryAfter() == null || f.retryAfter().compareTo(backoff.max()) <= 0;
                if (attempt > maxRetries || !waitable) {
                    throw exhausted(f, attempt);
                }
                Duration wait = backoff.waitBefore((int) Math.min(attempt, 64), f.retryAfter());
                log.debug("{} will be retried in {} ms (attempt {} failed: HTTP {})", f.call(), wait.toMillis(),
                        attempt, f.status());
                listener.onRetry(f.call(), f.status(), wait);
                if (f.status() == 429) {
                    listener.onThrottled(f.call(), wait);
                }
                if (!pause(wait)) {
                    throw exhausted(f, attempt);
                }
            }
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        throw permanent(request, response);
    }

    /** Waits {@code wait}; false when the client was closed or the thread interrupted meanwhile. */
    private boolean pause(Duration wait) {
        try {
            return !closedSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    <T> T read(ApiRequest request, HttpResponse<byte[]> response, Class<T> type) {
        try {
            T value = mapper.readValue(response.body(), type);
            if (value == null) {
                throw new MemoramException(request.call(), response.statusCode(),
                        request.call() + " returned an empty body where JSON was expected", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw unreadable(request, response, e);
        } catch (IOException e) {
            throw unreadable(request, response, e);
        }
    }

    MemoramException unreadable(ApiRequest request, HttpResponse<byte[]> response, IOException e) {
        String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        // No cause attached: Jackson exceptions can carry parser state with fragments of the body.
        return new MemoramException(request.call(), response.statusCode(), request.call()
                + " returned a response that is not the expected JSON (" + response.body().length + " bytes): "
                + ErrorText.safe(detail, secretsOf(request, null)), null);
    }

    // ------------------------------------------------------------------ one attempt

    private HttpResponse<byte[]> attemptOnce(ApiRequest request, boolean[] renewedAfter401, int maxRetries) {
        while (true) {
            String token = request.kind() == ApiRequest.Kind.API ? tokens.token(maxRetries) : null;
            HttpResponse<byte[]> response = send(request, token);
            int status = response.statusCode();
            if (status == 401 && request.kind() == ApiRequest.Kind.API) {
                if (!renewedAfter401[0]) {
                    // The token expired early or was revoked: renew once (shared with concurrent callers) and re-send.
                    renewedAfter401[0] = true;
                    log.debug("{} answered 401: renewing the token and trying once more", request.call());
                    tokens.invalidate(token);
                    continue;
                }
                throw new MemoramAuthenticationException(request.call(), status,
                        ErrorText.httpFailure(request.call(), status, response.body(), mapper, secretsOf(request, token))
                                + " (again after obtaining a new token: check the API key)", null);
            }
            if (isRetriable(status)) {
                Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                        config.clock().instant()).orElse(null);
                throw new RetriableFailure(request.call(), status,
                        ErrorText.httpFailure(request.call(), status, response.body(), mapper, secretsOf(request, token)),
                        retryAfter, null);
            }
            return response;
        }
    }

    private HttpResponse<byte[]> send(ApiRequest request, String token) {
        String call = request.call();
        if (rateLimiter != null && !rateLimiter.acquirePermission()) {
            throw new MemoramUnavailableException(call, 0, Thread.currentThread().isInterrupted()
                    ? call + " interrupted while waiting for the client-side rate limit"
                    : call + " got no permit from the client-side rate limit in time", null, null);
        }
        boolean guarded = circuit != null && request.kind() != ApiRequest.Kind.OAUTH;
        if (guarded && !circuit.tryAcquirePermission()) {
            Duration wait = circuitWait();
            listener.onCircuitRejected(call, wait);
            throw new MemoramUnavailableException(call, 0, call + " not sent: the Memoram API failed "
                    + config.circuitBreakerFailureThreshold() + " times in a row, so calls are paused"
                    + " (circuit breaker open); next try allowed in " + wait.toMillis() + " ms", wait, null);
        }
        HttpRequest httpRequest = build(request, token);
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            long elapsed = System.nanoTime() - start;
            listener.onAttempt(call, 0, Duration.ofNanos(elapsed));
            if (isTlsHandshakeFailure(e)) {
                // An untrusted or mismatched certificate does not heal by retrying: report it at once.
                if (guarded) {
                    circuit.releasePermission();
                }
                throw new MemoramException(call, 0, call + " failed: TLS handshake with " + request.uri().getHost()
                        + " failed (" + ErrorText.safe(describe(e), secretsOf(request, token))
                        + "); check the URL and that the server's certificate is trusted by this JVM", e);
            }
            if (guarded) {
                circuit.onError(elapsed, TimeUnit.NANOSECONDS, e);
            }
            throw new RetriableFailure(call, 0, call + " failed: no response ("
                    + ErrorText.safe(describe(e), secretsOf(request, token)) + ")", null, e);
        } catch (InterruptedException e) {
            if (guarded) {
                circuit.releasePermission();
            }
            Thread.currentThread().interrupt();
            throw new MemoramUnavailableException(call, 0, call + " interrupted", null, null);
        }
        long elapsed = System.nanoTime() - start;
        int status = response.statusCode();
        listener.onAttempt(call, status, Duration.ofNanos(elapsed));
        if (guarded) {
            if (isRetriable(status)) {
                circuit.onError(elapsed, TimeUnit.NANOSECONDS, new IOException("HTTP " + status));
            } else {
                circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            }
        }
        return response;
    }

    private HttpRequest build(ApiRequest request, String token) {
        // No Accept header: the API answers JSON only, and each header is parsed by the server on every call.
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
                .timeout(config.requestTimeout());
        if (config.userAgent() != null && !config.userAgent().isBlank()) {
            b.header("User-Agent", config.userAgent());
        }
        if ("http".equalsIgnoreCase(request.uri().getScheme())) {
            // No h2c upgrade dance on cleartext: plain HTTP/1.1 is what proxies and test servers expect.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (request.body() != null) {
            b.header("Content-Type", request.contentType());
            b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        } else {
            b.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    static boolean isRetriable(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    private Duration circuitWait() {
        if (circuit.getState() == CircuitBreaker.State.OPEN) {
            long remaining = circuitOpenDuration.toNanos() - (System.nanoTime() - circuitOpenedAtNanos);
            if (remaining > 0) {
                return Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
            }
        }
        // Half-open with the probe in flight: try again shortly.
        return atLeast(config.retryBackoff(), Duration.ofMillis(1));
    }

    // ------------------------------------------------------------------ failures

    private MemoramUnavailableException exhausted(RetriableFailure f, long attempts) {
        StringBuilder msg = new StringBuilder(f.getMessage());
        if (closed) {
            msg.append(" (the client was closed)");
        } else if (Thread.currentThread().isInterrupted()) {
            msg.append(" (interrupted while waiting to retry)");
        } else if (attempts > 1) {
            msg.append(" (gave up after ").append(attempts).append(" attempts)");
        }
        if (f.retryAfter() != null && f.retryAfter().compareTo(backoff.max()) > 0) {
            msg.append(" (the server asks to wait ").append(f.retryAfter().toSeconds())
                    .append(" s, longer than the maximum backoff)");
        }
        return new MemoramUnavailableException(f.call(), f.status(), msg.toString(), f.retryAfter(), f.getCause());
    }

    private MemoramException permanent(ApiRequest request, HttpResponse<byte[]> response) {
        String call = request.call();
        int status = response.statusCode();
        String msg = ErrorText.httpFailure(call, status, response.body(), mapper, secretsOf(request, null));
        if (request.kind() == ApiRequest.Kind.AUTH && (status == 400 || status == 401 || status == 403)) {
            return new MemoramAuthenticationException(call, status, msg + " (the API key was refused)", null);
        }
        switch (status) {
            case 400: case 413: case 414: case 415: case 422:
                return new MemoramBadRequestException(call, status, msg, null);
            case 401:
                return new MemoramAuthenticationException(call, status, msg, null);
            case 403:
                return new MemoramAccessDeniedException(call, status, msg, null);
            case 404: case 410:
                return new MemoramNotFoundException(call, status, msg, null);
            default:
                if (status >= 300 && status < 400) {
                    msg += " (redirects are not followed: check the configured URL)";
                }
                return new MemoramException(call, status, msg, null);
        }
    }

    /** Everything that must not appear in a message about {@code request}. */
    private List<String> secretsOf(ApiRequest request, String token) {
        List<String> s = new ArrayList<>(request.secrets());
        s.add(config.apiKey().reveal());
        if (token != null) {
            s.add(token);
        }
        String cached = tokens == null ? null : tokens.cachedValue();
        if (cached != null) {
            s.add(cached);
        }
        return s;
    }

    private static boolean isTlsHandshakeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    // ------------------------------------------------------------------ token

    private TokenResponse fetchToken(int maxRetries) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("api_key", config.apiKey().reveal()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the token request", e);
        }
        ApiRequest request = new ApiRequest("POST", CALL_TOKEN, uri("/auth/token"), body, JSON,
                ApiRequest.Kind.AUTH, List.of());
        HttpResponse<byte[]> response = execute(request, maxRetries);
        TokenResponse token = read(request, response, TokenResponse.class);
        if (token.token() == null || token.token().isBlank()) {
            throw new MemoramAuthenticationException(CALL_TOKEN, response.statusCode(),
                    CALL_TOKEN + " answered " + response.statusCode() + " without a token", null);
        }
        log.debug("Obtained a Memoram API token valid until {}", token.expiresAt());
        listener.onTokenRenewed();
        return token;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        closed = true;
        closedSignal.countDown();
        // HttpClient is AutoCloseable from Java 21 on; close() there waits for in-flight exchanges, so
        // shutdownNow() is preferred. On Java 17 neither exists and the client's threads end once it is unreachable.
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.trace("HttpClient.shutdownNow() not available on this JVM");
        }
    }

    private static Duration atLeast(Duration v, Duration min) {
        return v.compareTo(min) < 0 ? min : v;
    }

    /** Listener calls must never break traffic: a failing metrics hook is logged and ignored. */
    private static final class SafeListener implements RequestListener {
        private final RequestListener delegate;

        SafeListener(RequestListener delegate) {
            this.delegate = delegate;
        }

        private void guard(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.debug("RequestListener failed: {}", e.toString());
            }
        }

        @Override public void onAttempt(String call, int status, Duration elapsed) { guard(() -> delegate.onAttempt(call, status, elapsed)); }
        @Override public void onRetry(String call, int status, Duration wait) { guard(() -> delegate.onRetry(call, status, wait)); }
        @Override public void onThrottled(String call, Duration wait) { guard(() -> delegate.onThrottled(call, wait)); }
        @Override public void onTokenRenewed() { guard(delegate::onTokenRenewed); }
        @Override public void onCircuitRejected(String call, Duration retryAfter) { guard(() -> delegate.onCircuitRejected(call, retryAfter)); }
        @Override public void onCircuitStateChanged(String state) { guard(() -> delegate.onCircuitStateChanged(state)); }
    }
}
