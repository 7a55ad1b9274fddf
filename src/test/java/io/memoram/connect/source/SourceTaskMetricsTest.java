package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The alert numbers of a source task: the oldest pass age and the overdue users, over active users only. */
class SourceTaskMetricsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override public Instant instant() { return now.get(); }
        @Override public ZoneId getZone() { return ZoneId.of("UTC"); }
        @Override public Clock withZone(ZoneId zone) { return this; }
    };

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void oldestPassAgeAndOverdueUsersCountActiveUsersOnly() {
        SourceTaskMetrics m = new SourceTaskMetrics(clock);
        List<String> active = new java.util.ArrayList<>(List.of("ada", "grace"));
        m.activeUsers(() -> active, Duration.ofSeconds(60)); // overdue after 120 s
        m.userKnown("ada");
        m.userKnown("grace");
        m.userKnown("revoked"); // never passes, is not active: no alert for it
        assertThat(m.getOldestPassAgeSeconds()).isZero();
        assertThat(m.getUsersOverdue()).isZero();

        advance(Duration.ofSeconds(30));
        m.passCompleted("ada");
        advance(Duration.ofSeconds(100));
        // grace: no pass since it joined 130 s ago; ada: 100 s since its pass
        assertThat(m.getOldestPassAgeSeconds()).isEqualTo(130);
        assertThat(m.getUsersOverdue()).isEqualTo(1);

        m.passCompleted("grace");
        advance(Duration.ofSeconds(25));
        assertThat(m.getOldestPassAgeSeconds()).isEqualTo(125);
        assertThat(m.getUsersOverdue()).isEqualTo(1);
        active.remove("ada"); // revoked meanwhile
        assertThat(m.getOldestPassAgeSeconds()).isEqualTo(25);
        assertThat(m.getUsersOverdue()).isZero();
        assertThat(m.getSecondsSinceLastPass()).containsEntry("revoked", -1L);
    }

    @Test
    void overdueNeedsAtLeastAMinute() {
        SourceTaskMetrics m = new SourceTaskMetrics(clock);
        m.activeUsers(() -> List.of("ada"), Duration.ofSeconds(1));
        m.userKnown("ada");
        advance(Duration.ofSeconds(59));
        assertThat(m.getUsersOverdue()).isZero();
        advance(Duration.ofSeconds(2));
        assertThat(m.getUsersOverdue()).isEqualTo(1);
    }
}
