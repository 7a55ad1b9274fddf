package io.memoram.connect.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffCounterTest {
    @Test
    void growsExponentiallyWithJitterUpToTheCapAndResets() {
        BackoffCounter b = new BackoffCounter(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 1.0);
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.consecutiveFailures()).isEqualTo(5);
        b.onSuccess();
        BackoffCounter low = new BackoffCounter(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
        assertThat(low.onFailure(null)).isEqualTo(Duration.ofMillis(50));
        assertThat(b.onFailure(null)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aLongerRetryAfterWins() {
        BackoffCounter b = new BackoffCounter(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.5);
        assertThat(b.onFailure(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.onFailure(Duration.ofMillis(1))).isLessThan(Duration.ofMillis(201)).isGreaterThan(Duration.ofMillis(99));
    }

    @Test
    void aBackoffWithAHugeCapNeverWaitsANegativeTime() {
        BackoffCounter b = new BackoffCounter(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE), () -> 1.0);
        for (int i = 0; i < 80; i++) {
            Duration wait = b.onFailure(null);
            assertThat(wait).as("wait after failure %d", i + 1).isPositive();
        }
        // A Retry-After beyond what milliseconds can count does not throw either.
        assertThat(b.onFailure(Duration.ofSeconds(Long.MAX_VALUE)).toMillis()).isEqualTo(Long.MAX_VALUE);
    }
}
