package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.util.BackoffCounter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The schedule's time arithmetic: a due time past the end of a long is "never", not a negative time (due at once). */
class UserScheduleTest {
    private static UserSlot slot(String userId) {
        return new UserSlot(new UserStream(userId, null, null), new BackoffCounter(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    @Test
    void aDelayThatWouldPassTheEndOfALongMeansNeverNotAtOnce() {
        long now = System.currentTimeMillis();
        assertThat(UserSchedule.plus(now, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(UserSchedule.plus(now, Long.MAX_VALUE - now + 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(UserSchedule.plus(now, Long.MAX_VALUE - now)).isEqualTo(Long.MAX_VALUE);
        assertThat(UserSchedule.plus(now, 1_000)).isEqualTo(now + 1_000);
        assertThat(UserSchedule.plus(now, -5)).as("never in the past").isEqualTo(now);

        UserSchedule schedule = new UserSchedule();
        UserSlot idle = slot("idle");
        UserSlot due = slot("due");
        // poll.interval.ms = Long.MAX_VALUE after a completed pass: that user must not be due again.
        schedule.enqueueAfter(idle, now, Duration.ofMillis(Long.MAX_VALUE).toMillis());
        schedule.enqueueAfter(due, now, 0);
        assertThat(idle.dueAt).isEqualTo(Long.MAX_VALUE);
        assertThat(schedule.take()).isSameAs(due);
        assertThat(schedule.peek()).isSameAs(idle);
        assertThat(schedule.peek().dueAt).isGreaterThan(now);
    }

    /** A paused user is never queued, whatever queues it (a pass ending, a backoff, a grant), and leaves the queue when paused. */
    @Test
    void aPausedUserIsNeverQueued() {
        UserSchedule schedule = new UserSchedule();
        UserSlot paused = slot("paused");
        UserSlot other = slot("other");
        schedule.enqueue(paused, 0);
        paused.paused = true;
        schedule.enqueue(paused, 5);
        schedule.enqueue(other, 10);
        assertThat(schedule.take()).isSameAs(other);
        schedule.restore(paused);
        assertThat(schedule.peek()).isNull();
        assertThat(paused.queued).isFalse();
        paused.paused = false;
        schedule.enqueue(paused, 20);
        assertThat(schedule.take()).isSameAs(paused);
    }
}
