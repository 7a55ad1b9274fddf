package io.memoram.connect.client;

import io.memoram.connect.client.model.TokenResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the developer JWT: fetched lazily, cached, renewed {@code skew} before {@code expires_at}
 * (by the injected clock), and dropped when the server answers 401. Renewal is single-flight without
 * a lock: the first caller that needs a token publishes a future and fetches on its own thread;
 * concurrent callers wait on that future, which they can leave when interrupted and which
 * {@link #close()} fails at once. So a renewal that hangs holds nobody but its own caller, and that
 * one only until the call's deadline. The token itself is never logged.
 */
final class TokenManager {
    private static final Logger log = LoggerFactory.getLogger(TokenManager.class);
    /** Used when the server gives no usable expiry: renew on this schedule and on 401. */
    private static final Duration FALLBACK_LIFETIME = Duration.ofMinutes(15);
    /** Far above a JWT's size, far below what servers accept in a header block (8 KiB is common). */
    static final int MAX_TOKEN_CHARS = 8192;

    private final Clock clock;
    private final Duration skew;
    private final IntFunction<TokenResponse> fetcher;
    private final AtomicReference<Cached> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<TokenResponse>> renewal = new AtomicReference<>();
    private volatile boolean closed;

    private record Cached(TokenResponse response, Instant renewAt) {
        String value() {
            return response.token();
        }
    }

    TokenManager(Clock clock, Duration skew, IntFunction<TokenResponse> fetcher) {
        this.clock = clock;
        this.skew = skew == null || skew.isNegative() ? Duration.ZERO : skew;
        this.fetcher = fetcher;
    }

    /** A token valid for at least the renewal skew, fetching one (with up to {@code maxRetries} retries) if needed. */
    String token(int maxRetries) {
        Cached c = current.get();
        if (usable(c)) {
            return c.value();
        }
        return renew(maxRetries, false).token();
    }

    /** Fetches a new token now (or joins a renewal in flight), replacing the cached one. */
    TokenResponse renewNow(int maxRetries) {
        return renew(maxRetries, true);
    }

    /**
     * Forgets {@code rejected} after a 401, unless it has already been replaced: callers that got a
     * 401 on the same token then share the one renewal the first of them triggers.
     */
    void invalidate(String rejected) {
        current.updateAndGet(c -> c != null && c.value().equals(rejected) ? null : c);
    }

    /** The cached token value, or null: used only to scrub it from messages. */
    String cachedValue() {
        Cached c = current.get();
        return c == null ? null : c.value();
    }

    /** Fails a renewal in flight, so that every thread waiting for it returns at once. */
    void close() {
        closed = true;
        CompletableFuture<TokenResponse> inFlight = renewal.get();
        if (inFlight != null) {
            inFlight.completeExceptionally(closedFailure());
        }
    }

    private TokenResponse renew(int maxRetries, boolean force) {
        while (true) {
            if (closed) {
                throw closedFailure();
            }
            CompletableFuture<TokenResponse> inFlight = renewal.get();
            if (inFlight != null) {
                return await(inFlight);
            }
            CompletableFuture<TokenResponse> mine = new CompletableFuture<>();
            if (!renewal.compareAndSet(null, mine)) {
                continue;
            }
            try {
                Cached c = current.get();
                if (!force && usable(c)) {
                    mine.complete(c.response()); // renewed by another thread just before we published
                    return c.response();
                }
                Instant fetchedAt = clock.instant();
                TokenResponse response = fetcher.apply(maxRetries);
                requireSendable(response.token());
                current.set(new Cached(response, renewAt(fetchedAt, response.expiresAt())));
                mine.complete(response);
                return response;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                renewal.compareAndSet(mine, null);
            }
        }
    }

    /**
     * Refuses a token that cannot travel in an {@code Authorization} header, before it is cached: the
     * JDK would refuse it only when a request is built (after the circuit breaker's permit was taken,
     * with the header value quoted in its message). Bearer tokens are visible ASCII without spaces
     * (RFC 6750); the message says what is wrong, never the token.
     */
    static void requireSendable(String token) {
        String problem = null;
        if (token == null || token.isEmpty()) {
            problem = "is empty";
        } else if (token.length() > MAX_TOKEN_CHARS) {
            problem = "is " + token.length() + " characters long, more than " + MAX_TOKEN_CHARS;
        } else {
            for (int i = 0; i < token.length() && problem == null; i++) {
                char c = token.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    problem = "holds " + (c == '\r' || c == '\n' ? "a line break (CR/LF)" : c == ' ' ? "a space"
                            : c < 0x20 || c == 0x7f ? "a control character" : "a non-ASCII character")
                            + " at position " + i;
                }
            }
        }
        if (problem != null) {
            throw new MemoramException(ApiCall.AUTH_TOKEN.toString(), 0, ApiCall.AUTH_TOKEN.toString()
                    + " answered a token that cannot be sent in an HTTP header: it " + problem
                    + "; not used (check what answers at memoram.api.url)", null);
        }
    }

    private static TokenResponse await(CompletableFuture<TokenResponse> inFlight) {
        try {
            return inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemoramUnavailableException(ApiCall.AUTH_TOKEN.toString(), 0, ApiCall.AUTH_TOKEN.toString()
                    + " interrupted while waiting for the token another call is fetching", null, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the fetching call's own failure (typed, message already safe)
            }
            throw new MemoramUnavailableException(ApiCall.AUTH_TOKEN.toString(), 0, ApiCall.AUTH_TOKEN.toString()
                    + " failed: " + e.getCause().getClass().getSimpleName(), null, null);
        }
    }

    private static MemoramUnavailableException closedFailure() {
        return new MemoramUnavailableException(ApiCall.AUTH_TOKEN.toString(), 0, ApiCall.AUTH_TOKEN.toString()
                + " not completed: the Memoram client was closed", null, null);
    }

    private boolean usable(Cached c) {
        return c != null && clock.instant().isBefore(c.renewAt());
    }

    private Instant renewAt(Instant fetchedAt, Instant expiresAt) {
        if (expiresAt == null) {
            return fetchedAt.plus(FALLBACK_LIFETIME);
        }
        Duration lifetime = Duration.between(fetchedAt, expiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) {
            // Clocks disagree with the server: do not renew on every call; 401s still trigger renewal.
            log.warn("Memoram issued a token that expires at {}, not after the local time {}: check the clock;"
                    + " renewing on 401 and every {} instead", expiresAt, fetchedAt, FALLBACK_LIFETIME);
            return fetchedAt.plus(FALLBACK_LIFETIME);
        }
        // A skew longer than half the lifetime would renew on every call for short-lived tokens.
        Duration effectiveSkew = skew.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : skew;
        return expiresAt.minus(effectiveSkew);
    }
}
