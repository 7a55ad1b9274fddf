package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.client.model.TokenResponse;
import io.memoram.connect.util.ExponentialBackoff;
import io.memoram.connect.util.Saturating;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@link ApiRequest}s with the failure handling of docs/memoram-api.md, "Errors and retries".
 *
 * <p>Per attempt, in this order: the optional client-side {@link RateLimit}, the {@link Circuit}
 * breaker (API calls only), the JWT ({@link TokenManager}), the caller's {@link SendGate} (last, so a
 * call called off while it waited in any of these is not sent), one HTTP {@link Exchange} with a deadline
 * over the whole exchange and a cap on the body. A 401 drops the token and re-sends once with a fresh
 * one inside the same attempt. Around the attempts a plain loop retries 408, 429, 5xx and I/O failures
 * (timeouts included) as often as the call's {@link RetryPolicy} allows, waiting
 * {@link ExponentialBackoff} (a longer {@code Retry-After} wins). Permanent statuses go back to the
 * caller unretried. The loop is ours rather than a Resilience4j {@code Retry}: the number of attempts
 * is chosen per call, and its waits end at once when the client is closed.
 *
 * <p>{@link #close()} frees every thread: backoff and rate-limit waits end, exchanges in flight are
 * cancelled and threads waiting for a token renewal are released, each with a
 * {@link MemoramUnavailableException}.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    static final String JSON = "application/json";

    private final MemoramClientConfig config;
    private final String baseUrl;
    private final HttpClient http;
    private final Exchange exchange;
    private final ObjectMapper mapper;
    private final RequestListener listener;
    private final ExponentialBackoff backoff;
    private final Circuit circuit;
    private final RateLimit rateLimit;
    private final TokenManager tokens;
    private final Failures failures;
    /** Sent with every request when the proxy takes credentials (see {@link Egress}); null otherwise. */
    private final String proxyAuthorization;
    private volatile boolean closed;
    /** Counted down by {@link #close()}: ends every backoff and rate-limit wait at once. */
    private final CountDownLatch closedSignal = new CountDownLatch(1);

    HttpTransport(MemoramClientConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.listener = new SafeListener(config.listener());
        String base = config.baseUrl().toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // Certificates and host names are verified by the JDK (against the JVM's trusted certificates, or the
        // configured truststore's); nothing here relaxes that.
        HttpClient.Builder httpBuilder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // Never follow redirects: the Authorization header must not travel to another host.
                .followRedirects(HttpClient.Redirect.NEVER)
                // The exchange's steps run on the calling thread (sending) and the client's selector thread
                // (reading), not on a pool of the JDK's: with its default executor every call was started on one
                // pool thread and completed on another, about 9 thread switches per call against 2, which cost
                // the sink twice a plain client's CPU per write (docs/benchmarks.md, section 4). Nothing of ours
                // that runs there blocks: the body subscriber (Exchange.Bounded) only collects buffers.
                .executor(Runnable::run);
        config.egress().applyTo(httpBuilder, config.baseUrl());
        this.http = httpBuilder.build();
        this.proxyAuthorization = config.egress().proxyAuthorization();
        this.exchange = new Exchange(http, new ResponseBudget(config.responseBufferMaxBytes()));
        this.backoff = new ExponentialBackoff(config.retryBackoff(), config.retryBackoffMax());
        this.circuit = config.circuitBreakerFailureThreshold() > 0
                ? new Circuit(config.circuitBreakerFailureThreshold(), config.circuitBreakerOpenDuration(),
                        config.retryBackoff(), baseUrl, listener)
                : null;
        // A caller waits at most 5 minutes (or 100 periods when the rate is that low) for its permit.
        this.rateLimit = config.rateLimitPerSecond() > 0 ? new RateLimit(config.rateLimitPerSecond(),
                max(Duration.ofNanos(Math.round(100e9 / config.rateLimitPerSecond())), Duration.ofMinutes(5))) : null;
        this.tokens = new TokenManager(config.clock(), config.tokenRenewSkew(), this::fetchToken);
        this.failures = new Failures(mapper, config.apiKey(), tokens::cachedValue, backoff.max());
    }

    URI uri(String pathAndQuery) {
        return URI.create(baseUrl + pathAndQuery);
    }

    TokenManager tokens() {
        return tokens;
    }

    /** Executes {@code request} with up to {@code maxRetries} retries and reads the 2xx body as {@code type}. */
    <T> T executeJson(ApiRequest request, int maxRetries, Class<T> type) {
        return executeJson(request, maxRetries, SendGate.OPEN, type);
    }

    /** As {@link #executeJson(ApiRequest, int, Class)}, each request asking {@code gate} right before it goes out. */
    <T> T executeJson(ApiRequest request, int maxRetries, SendGate gate, Class<T> type) {
        return execute(request, maxRetries, gate, response -> read(request, response, type));
    }

    /** Reads a 2xx response; runs while the body still counts against the client's response budget. */
    interface BodyReader<T> {
        T read(HttpResponse<byte[]> response);
    }

    /**
     * Executes {@code request} with up to {@code maxRetries} retries; returns what {@code reader} makes
     * of the 2xx response, or throws the typed exception for a permanent status, or
     * {@link MemoramUnavailableException} once retries are used up (or the client is closed, or the
     * thread interrupted, while waiting). The body's bytes are returned to the budget once read.
     */
    <T> T execute(ApiRequest request, int maxRetries, BodyReader<T> reader) {
        return execute(request, maxRetries, SendGate.OPEN, reader);
    }

    /**
     * As {@link #execute(ApiRequest, int, BodyReader)}; every request of the call (each retry, the
     * re-send after a 401) asks {@code gate} right before it goes on the network, once the rate limit,
     * the token and the circuit let it through. A refusal ends the call at once with
     * {@link MemoramCallWithheldException}, unretried.
     */
    <T> T execute(ApiRequest request, int maxRetries, SendGate gate, BodyReader<T> reader) {
        if (closed) {
            throw new IllegalStateException("the Memoram client is closed");
        }
        boolean[] renewedAfter401 = {false};
        Exchange.Reply reply;
        for (long attempt = 1; ; attempt++) {
            try {
                reply = attemptOnce(request, renewedAfter401, maxRetries, gate);
                break;
            } catch (RetriableFailure f) {
                // A Retry-After beyond the longest backoff is handed to the caller (retryAfter()) rather
                // than blocking a task thread for longer than the user allowed.
                boolean waitable = f.retryAfter() == null || f.retryAfter().compareTo(backoff.max()) <= 0;
                if (attempt > maxRetries || !waitable || closed) {
                    throw failures.exhausted(f, attempt, closed);
                }
                Duration wait = backoff.waitBefore((int) Math.min(attempt, 64), f.retryAfter());
                log.debug("{} will be retried in {} ms (attempt {} failed: HTTP {})", f.call(), wait.toMillis(),
                        attempt, f.status());
                listener.onRetry(f.call(), f.status(), wait);
                if (f.status() == 429) {
                    listener.onThrottled(f.call(), wait);
                }
                if (!pause(wait)) {
                    throw failures.exhausted(f, attempt, closed);
                }
            }
        }
        try (Exchange.Reply done = reply) {
            HttpResponse<byte[]> response = done.response();
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return reader.read(response);
            }
            throw failures.permanent(request, response);
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
        } catch (IOException e) {
            throw unreadable(request, response, e);
        }
    }

    MemoramException unreadable(ApiRequest request, HttpResponse<byte[]> response, IOException e) {
        return failures.unreadable(request, response, e);
    }

    // ------------------------------------------------------------------ one attempt

    /** One attempt (two sends after a 401); the caller closes the reply it gets. */
    private Exchange.Reply attemptOnce(ApiRequest request, boolean[] renewedAfter401, int maxRetries, SendGate gate) {
        while (true) {
            String token = request.kind() == ApiRequest.Kind.API ? tokens.token(maxRetries) : null;
            Exchange.Reply reply = send(request, token, gate);
            boolean handedOver = false;
            try {
                HttpResponse<byte[]> response = reply.response();
                int status = response.statusCode();
                if (status == 401 && request.kind() == ApiRequest.Kind.API) {
                    if (!renewedAfter401[0]) {
                        // The token expired early or was revoked: renew once (shared with concurrent callers) and re-send.
                        renewedAfter401[0] = true;
                        log.debug("{} answered 401: renewing the token and trying once more", request.call());
                        tokens.invalidate(token);
                        continue;
                    }
                    throw failures.refusedAgain(request, response, token);
                }
                if (isRetriable(status)) {
                    Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                            config.clock().instant()).orElse(null);
                    throw failures.retriable(request, response, token, retryAfter);
                }
                handedOver = true;
                return reply;
            } finally {
                if (!handedOver) {
                    reply.close(); // a body nobody reads any more returns its bytes to the budget
                }
            }
        }
    }

    private Exchange.Reply send(ApiRequest request, String token, SendGate gate) {
        String call = request.call();
        if (rateLimit != null) {
            RateLimit.Outcome permit = rateLimit.acquire(closedSignal);
            if (permit != RateLimit.Outcome.GRANTED) {
                throw new MemoramUnavailableException(call, 0, permit == RateLimit.Outcome.TOO_LONG
                        ? call + " got no permit from the client-side rate limit in time"
                        : call + (closed ? " not sent: the client was closed" : " interrupted while waiting for the client-side rate limit"),
                        null, null);
            }
        }
        // Built before the circuit's permit is taken: building can throw, and a half-open circuit
        // whose one permit leaked would refuse every call until a restart.
        HttpRequest httpRequest = build(request, token);
        boolean guarded = circuit != null;
        if (guarded && !circuit.tryAcquire()) {
            Duration wait = circuit.waitBeforeNextTry();
            listener.onCircuitRejected(call, wait);
            throw new MemoramUnavailableException(call, 0, call + " not sent: the Memoram API failed "
                    + circuit.threshold() + " times in a row, so calls are paused"
                    + " (circuit breaker open); next try allowed in " + wait.toMillis() + " ms", wait, null);
        }
        // Asked last, after every wait before the network (rate limit, token, circuit): a caller that
        // called the write off while it waited there is obeyed, and only a request on the wire counts as sent.
        if (!gate.enter()) {
            release(guarded);
            throw new MemoramCallWithheldException(call);
        }
        long start = System.nanoTime();
        Exchange.Reply reply;
        try {
            reply = sendThrough(gate, httpRequest, request.maxResponseBytes());
        } catch (Exchange.NotSentException e) {
            release(guarded);
            throw new MemoramUnavailableException(call, 0, call + " not sent: the Memoram client was closed", null, null);
        } catch (Exchange.ClosedException e) {
            // In flight when the client closed: cancelled, but the request may have reached the server.
            release(guarded);
            throw new MemoramUnavailableException(call, 0, call + " not completed: the Memoram client was closed"
                    + " while the call was in flight (the request may have reached the server)", null, null);
        } catch (Exchange.BodyTooLargeException e) {
            // The server answered (it is alive), only more than this call accepts.
            listener.onAttempt(call, 0, Duration.ofNanos(System.nanoTime() - start));
            release(guarded);
            throw failures.tooLarge(request, e.cap);
        } catch (Exchange.BudgetExhaustedException e) {
            // Other calls' responses hold the budget: says nothing about the server; retried once they end.
            release(guarded);
            throw failures.budgetExhausted(request, e.budget);
        } catch (IOException e) {
            long elapsed = System.nanoTime() - start;
            listener.onAttempt(call, 0, Duration.ofNanos(elapsed));
            if (Failures.isTlsHandshakeFailure(e)) {
                release(guarded);
                throw failures.tlsRefused(request, token, e);
            }
            if (guarded) {
                circuit.failed(elapsed);
            }
            throw failures.noResponse(request, token, e);
        } catch (InterruptedException e) {
            release(guarded);
            Thread.currentThread().interrupt();
            throw new MemoramUnavailableException(call, 0, call + " interrupted", null, null);
        } catch (RuntimeException | Error e) {
            // Whatever else ends the exchange unexpectedly must not keep the permit either.
            release(guarded);
            throw e;
        }
        long elapsed = System.nanoTime() - start;
        int status = reply.response().statusCode();
        listener.onAttempt(call, status, Duration.ofNanos(elapsed));
        if (guarded) {
            if (isRetriable(status)) {
                circuit.failed(elapsed);
            } else {
                circuit.succeeded(elapsed);
            }
        }
        return reply;
    }

    private Exchange.Reply sendThrough(SendGate gate, HttpRequest httpRequest, long maxResponseBytes)
            throws IOException, InterruptedException {
        try {
            return exchange.send(httpRequest, config.requestTimeout(), maxResponseBytes);
        } finally {
            gate.leave(); // the exchange ended: its body is read (or dropped), nothing of it is on the wire any more
        }
    }

    private void release(boolean guarded) {
        if (guarded) {
            circuit.release();
        }
    }

    private HttpRequest build(ApiRequest request, String token) {
        // No Accept header: the API answers JSON only, and each header is parsed by the server on every call.
        // No HttpRequest.timeout: Exchange's deadline covers the whole exchange, the wait for headers
        // included, so a second timer per call in the JDK client would only duplicate it.
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri());
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
        if (proxyAuthorization != null) {
            b.header("Proxy-Authorization", proxyAuthorization);
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

    /** Waits {@code wait}; false when the client was closed or the thread interrupted meanwhile. */
    private boolean pause(Duration wait) {
        try {
            return !closedSignal.await(Saturating.toNanos(wait), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ token

    private TokenResponse fetchToken(int maxRetries) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("api_key", config.apiKey().reveal()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the token request", e);
        }
        ApiRequest request = new ApiRequest(ApiCall.AUTH_TOKEN.method(), ApiCall.AUTH_TOKEN.toString(), uri("/auth/token"), body, JSON,
                ApiRequest.Kind.AUTH, List.of());
        TokenResponse token = execute(request, maxRetries, response -> {
            TokenResponse t = read(request, response, TokenResponse.class);
            if (t.token() == null || t.token().isBlank()) {
                throw new MemoramAuthenticationException(ApiCall.AUTH_TOKEN.toString(), response.statusCode(),
                        ApiCall.AUTH_TOKEN.toString() + " answered " + response.statusCode() + " without a token", null);
            }
            return t;
        });
        log.debug("Obtained a Memoram API token valid until {}", token.expiresAt());
        listener.onTokenRenewed();
        return token;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        closed = true;
        closedSignal.countDown();
        exchange.cancelAll();
        tokens.close();
        // HttpClient is AutoCloseable from Java 21 on; close() there waits for in-flight exchanges, so
        // shutdownNow() is preferred. On Java 17 neither exists and the client's threads end once it is unreachable.
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.trace("HttpClient.shutdownNow() not available on this JVM");
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
