package io.memoram.connect.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's circuit breaker (Resilience4j): a count-based window of {@code threshold} calls that opens
 * at a 100 % failure rate, i.e. after {@code threshold} failed attempts in a row with no success
 * between them. Responses with a permanent status prove the server is alive and count as successes.
 * While open, calls fail at once; after the open time one probe is let through (half-open) and its
 * outcome closes or re-opens the circuit.
 */
final class Circuit {
    private static final Logger log = LoggerFactory.getLogger(Circuit.class);
    private static final IOException RETRIABLE_STATUS = new IOException("retriable HTTP status", null) {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final CircuitBreaker breaker;
    private final int threshold;
    private final Duration openDuration;
    private final Duration halfOpenWait;
    private volatile long openedAtNanos = System.nanoTime();

    Circuit(int threshold, Duration openDuration, Duration halfOpenWait, String baseUrl, RequestListener listener) {
        this.threshold = threshold;
        this.openDuration = openDuration.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : openDuration;
        this.halfOpenWait = halfOpenWait.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : halfOpenWait;
        this.breaker = CircuitBreaker.of("memoram", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100f)
                // Slow calls are bounded by the request deadline already; do not let them open the circuit.
                .slowCallRateThreshold(100f)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .waitDurationInOpenState(this.openDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
                log.warn("Memoram API at {} failed {} times in a row: pausing all calls for {} ms (circuit breaker open)",
                        baseUrl, threshold, this.openDuration.toMillis());
            } else if (to == CircuitBreaker.State.CLOSED) {
                log.info("Memoram API at {} answers again: circuit breaker closed", baseUrl);
            }
            listener.onCircuitStateChanged(to.name());
        });
    }

    int threshold() {
        return threshold;
    }

    boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    /** The attempt ended without telling anything about the server (interrupted, TLS refused). */
    void release() {
        breaker.releasePermission();
    }

    void failed(long elapsedNanos) {
        breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, RETRIABLE_STATUS);
    }

    void succeeded(long elapsedNanos) {
        breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    /** How long a refused caller should wait: the remaining open time, or a short while when half-open. */
    Duration waitBeforeNextTry() {
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            long remaining = openDuration.toNanos() - (System.nanoTime() - openedAtNanos);
            if (remaining > 0) {
                return Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
            }
        }
        return halfOpenWait; // half-open with the probe in flight: try again shortly
    }
}
