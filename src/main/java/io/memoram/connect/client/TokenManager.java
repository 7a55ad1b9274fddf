package io.memoram.connect.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the developer JWT: fetched lazily, cached, renewed {@code skew} before {@code expires_at}
 * (by the injected clock), and dropped when the server answers 401. Renewal is single-flight: one
 * lock, re-checked after it is taken, so any number of concurrent callers cause one
 * {@code POST /auth/token}. The token itself is never logged.
 */
final class TokenManager {
    private static final Logger log = LoggerFactory.getLogger(TokenManager.class);
    /** Used when the server gives no usable expiry: renew on this schedule and on 401. */
    private static final Duration FALLBACK_LIFETIME = Duration.ofMinutes(15);

    private final Clock clock;
    private final Duration skew;
    private final IntFunction<TokenResponse> fetcher;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Cached current;

    private record Cached(String value, Instant renewAt) { }

    TokenManager(Clock clock, Duration skew, IntFunction<TokenResponse> fetcher) {
        this.clock = clock;
        this.skew = skew == null || skew.isNegative() ? Duration.ZERO : skew;
        this.fetcher = fetcher;
    }

    /** A token valid for at least the renewal skew, fetching one (with up to {@code maxRetries} retries) if needed. */
    String token(int maxRetries) {
        Cached c = current;
        if (usable(c)) {
            return c.value();
        }
        lock.lock();
        try {
            c = current;
            if (usable(c)) {
                return c.value(); // another thread renewed while we waited
            }
            return renewLocked(maxRetries).token();
        } finally {
            lock.unlock();
        }
    }

    /** Fetches a new token now, replacing the cached one. */
    TokenResponse renewNow(int maxRetries) {
        lock.lock();
        try {
            return renewLocked(maxRetries);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets {@code rejected} after a 401, unless it has already been replaced: callers that got a
     * 401 on the same token then share the one renewal the first of them triggers.
     */
    void invalidate(String rejected) {
        lock.lock();
        try {
            Cached c = current;
            if (c != null && c.value().equals(rejected)) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The cached token value, or null: used only to scrub it from messages. */
    String cachedValue() {
        Cached c = current;
        return c == null ? null : c.value();
    }

    private boolean usable(Cached c) {
        return c != null && clock.instant().isBefore(c.renewAt());
    }

    private TokenResponse renewLocked(int maxRetries) {
        Instant fetchedAt = clock.instant();
        TokenResponse response = fetcher.apply(maxRetries);
        current = new Cached(response.token(), renewAt(fetchedAt, response.expiresAt()));
        return response;
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
