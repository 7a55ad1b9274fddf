package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-27T20:00:00Z");

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse("7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("1.5", NOW)).contains(Duration.ofMillis(1500));
    }

    @Test
    void readsHttpDateRelativeToNow() {
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 20:00:42 GMT", NOW)).contains(Duration.ofSeconds(42));
    }

    @Test
    void httpDateInThePastMeansNoWait() {
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 19:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void absurdValuesAreCappedAtOneDay() {
        assertThat(RetryAfter.parse("999999999999", NOW)).contains(Duration.ofDays(1));
    }

    @Test
    void ignoresMissingOrUnreadableHeaders() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("12abc", NOW)).isEmpty();
    }
}
