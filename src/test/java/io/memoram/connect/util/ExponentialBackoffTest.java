package io.memoram.connect.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

    @Test
    void doublesFromTheInitialBackoffUpToTheCap() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 1.0);
        assertThat(b.nominalMs(1)).isEqualTo(500);
        assertThat(b.nominalMs(2)).isEqualTo(1000);
        assertThat(b.nominalMs(3)).isEqualTo(2000);
        assertThat(b.nominalMs(4)).isEqualTo(3000);
        assertThat(b.nominalMs(60)).isEqualTo(3000); // no overflow for large retry numbers
    }

    @Test
    void jitterStaysBetweenHalfAndTheFullBackoff() {
        ExponentialBackoff low = new ExponentialBackoff(Duration.ofMillis(1000), Duration.ofSeconds(60), () -> 0.0);
        ExponentialBackoff high = new ExponentialBackoff(Duration.ofMillis(1000), Duration.ofSeconds(60), () -> 1.0);
        assertThat(low.waitBefore(2, null)).isEqualTo(Duration.ofMillis(1000));
        assertThat(high.waitBefore(2, null)).isEqualTo(Duration.ofMillis(2000));
        ExponentialBackoff random = new ExponentialBackoff(Duration.ofMillis(1000), Duration.ofSeconds(60));
        for (int i = 0; i < 200; i++) {
            assertThat(random.waitBefore(1, null)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
        }
    }

    @Test
    void retryAfterWinsOnlyWhenLonger() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(1000), Duration.ofSeconds(60), () -> 1.0);
        assertThat(b.waitBefore(1, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.waitBefore(1, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void maxBelowInitialIsRaisedToInitial() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(800), Duration.ofMillis(100), () -> 1.0);
        assertThat(b.nominalMs(3)).isEqualTo(800);
    }

    @Test
    void hugeDurationsSaturateInsteadOfOverflowing() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(Long.MAX_VALUE / 2 + 1), Duration.ofMillis(Long.MAX_VALUE),
                () -> 1.0);
        long previous = 0;
        for (int retry = 1; retry <= 70; retry++) {
            long nominal = b.nominalMs(retry);
            assertThat(nominal).as("retry " + retry).isPositive().isGreaterThanOrEqualTo(previous);
            assertThat(b.waitBefore(retry, null)).as("retry " + retry).isPositive();
            previous = nominal;
        }
        assertThat(b.nominalMs(2)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void durationsBeyondLongMillisAreTakenAsTheLongestWait() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE),
                () -> 0.0);
        assertThat(b.nominalMs(1)).isEqualTo(Long.MAX_VALUE);
        assertThat(b.max()).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
        assertThat(b.waitBefore(3, Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }
}
