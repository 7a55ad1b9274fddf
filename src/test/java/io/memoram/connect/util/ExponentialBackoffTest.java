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
}
