package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.config.MemoramSinkConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class LaneSchedulerTest {

    private static WriteOp op(String lane, int partition, long offset) {
        SinkRecord r = new SinkRecord("t", partition, null, lane, null, "v", offset);
        return new WriteOp(r, Position.of(r), WriteOp.Kind.WRITE, MemoramSinkConfig.WriteMode.INSERT, "u", lane + "#" + offset, lane, null);
    }

    @Test
    void sameLaneRunsInOrderDifferentLanesInParallelWithinTheLimit() throws Exception {
        int maxInFlight = 4;
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        List<WriteOp> completed = Collections.synchronizedList(new ArrayList<>());
        LaneScheduler.Executor exec = op -> {
            int now = concurrent.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            seen.computeIfAbsent(op.laneKey(), k -> Collections.synchronizedList(new ArrayList<>())).add(op.offset());
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            return new Outcome.Done(Outcome.Effect.CREATED);
        };
        try (LaneScheduler s = new LaneScheduler(maxInFlight, Duration.ofMillis(1), Duration.ofMillis(5), "t", exec,
                (op, out) -> completed.add(op))) {
            int lanes = 12;
            int perLane = 40;
            for (int i = 0; i < perLane; i++) {
                for (int l = 0; l < lanes; l++) {
                    s.submit(op("lane-" + l, 0, (long) i * lanes + l));
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> completed.size() == lanes * perLane);
            assertThat(s.buffered()).isZero();
        }
        assertThat(peak.get()).isLessThanOrEqualTo(maxInFlight).isGreaterThan(1);
        seen.forEach((lane, offsets) -> assertThat(offsets).as(lane).isSorted().hasSize(40));
    }

    @Test
    void retriesKeepTheLaneOrderAndDoNotBlockOtherLanes() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        CountDownLatch fastDone = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        LaneScheduler.Executor exec = op -> {
            if (op.laneKey().equals("slow") && op.offset() == 0) {
                if (failuresLeft.getAndDecrement() > 0) {
                    return new Outcome.Retry(null, "503");
                }
                // Succeeds only once the other lane is through: it must not have waited for this one.
                try {
                    if (!fastDone.await(10, TimeUnit.SECONDS)) {
                        return new Outcome.Fatal("the fast lane was blocked by the retrying one", null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            order.add(op.laneKey() + ":" + op.offset());
            if (op.laneKey().equals("fast") && op.offset() == 3) {
                fastDone.countDown();
            }
            return new Outcome.Done(Outcome.Effect.CREATED);
        };
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        try (LaneScheduler s = new LaneScheduler(2, Duration.ofMillis(1), Duration.ofMillis(5), "t", exec,
                (op, out) -> outcomes.add(out))) {
            s.submit(op("slow", 0, 0));
            s.submit(op("slow", 0, 1));
            s.submit(op("fast", 0, 2));
            s.submit(op("fast", 0, 3));
            await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.size() == 4);
            assertThat(s.retriesScheduled()).isEqualTo(3);
        }
        assertThat(outcomes).allMatch(o -> o instanceof Outcome.Done);
        assertThat(order).containsExactly("fast:2", "fast:3", "slow:0", "slow:1");
    }

    @Test
    void anOpFailingPastItsRetriesOrItsTimeBudgetEndsAsFatalNamingTheRecord() {
        AtomicLong clock = new AtomicLong();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempts = new AtomicInteger();
        LaneScheduler.Executor exec = op -> {
            attempts.incrementAndGet();
            clock.addAndGet(600); // each failed attempt takes 600 ns of the fake clock
            return new Outcome.Retry(null, "HTTP 503");
        };
        // By time: 1000 ns of budget, the third failure is 1200 ns after the first.
        try (LaneScheduler s = new LaneScheduler(1, Duration.ofMillis(1), Duration.ofMillis(2),
                new RetryBound(Long.MAX_VALUE, 1000), clock::get, "t", exec, (op, out) -> outcomes.add(out))) {
            s.submit(op("a", 3, 7));
            await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.size() == 1);
        }
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Fatal.class, f -> assertThat(f.message())
                .contains("topic 't', partition 3, offset 7").contains("retry budget").contains("HTTP 503"));

        // By count: 2 retries, then fatal, whatever the clock says.
        outcomes.clear();
        attempts.set(0);
        try (LaneScheduler s = new LaneScheduler(1, Duration.ofMillis(1), Duration.ofMillis(2),
                RetryBound.of(2, Duration.ofDays(1), Duration.ofDays(1)), clock::get, "t", exec, (op, out) -> outcomes.add(out))) {
            s.submit(op("b", 0, 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.size() == 1);
        }
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Fatal.class, f -> assertThat(f.message())
                .contains("memoram.max.retries=2"));
        assertThat(RetryBound.of(Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ofSeconds(60)).budgetNanos())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void retryAfterHintWinsWhenLongerAndBackoffIsCapped() {
        try (LaneScheduler s = new LaneScheduler(1, Duration.ofMillis(100), Duration.ofMillis(1000), "t",
                op -> new Outcome.Done(Outcome.Effect.CREATED), (op, out) -> { })) {
            assertThat(s.delayMs(1, null)).isBetween(50L, 100L);
            assertThat(s.delayMs(30, null)).isBetween(500L, 1000L);
            assertThat(s.delayMs(1, Duration.ofMillis(700))).isEqualTo(700L);
            // docs/memoram-api.md ("Errors and retries"): a Retry-After longer than the backoff wins, even past its cap.
            assertThat(s.delayMs(1, Duration.ofSeconds(60))).isEqualTo(60_000L);
        }
    }

    @Test
    void abandonDropsQueuedOpsOfClosedPartitionsAndWaitsForTheOneInFlight() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> done = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean inFlightFinished = new AtomicBoolean();
        LaneScheduler.Executor exec = op -> {
            if (op.offset() == 0) {
                assertThat(op.enter()).isTrue(); // the call is sent: abandon() must wait for its end
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlightFinished.set(true);
                op.leave();
            }
            return new Outcome.Done(Outcome.Effect.CREATED);
        };
        try (LaneScheduler s = new LaneScheduler(2, Duration.ofMillis(1), Duration.ofMillis(5), "t", exec,
                (op, out) -> done.add(op.offset()))) {
            s.submit(op("a", 0, 0));
            s.submit(op("a", 0, 1));
            s.submit(op("a", 0, 2));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            }).start();
            int dropped = s.abandon(Set.of(new TopicPartition("t", 0)), Duration.ofSeconds(30));
            assertThat(dropped).isEqualTo(2);
            assertThat(inFlightFinished).as("abandon() returned before the call in flight ended").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> s.buffered() == 0);
        }
        assertThat(done).containsExactly(0L);
    }

    @Test
    void putCanWaitForTheBufferToDrain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LaneScheduler.Executor exec = op -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Outcome.Done(Outcome.Effect.CREATED);
        };
        try (LaneScheduler s = new LaneScheduler(1, Duration.ofMillis(1), Duration.ofMillis(5), "t", exec, (op, out) -> { })) {
            for (int i = 0; i < 5; i++) {
                s.submit(op("a", 0, i));
            }
            assertThat(s.awaitBufferedBelow(3, Long.MAX_VALUE, Duration.ofMillis(50))).isFalse();
            release.countDown();
            assertThat(s.awaitBufferedBelow(3, Long.MAX_VALUE, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void anAbandonedOpsFailedAttemptsDoNotCountAgainstTheNextOpOfItsLane() throws Exception {
        // Issue 16 item 10: the lane's retry state belonged to the abandoned op.
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger firstAttempts = new AtomicInteger();
        AtomicInteger secondAttempts = new AtomicInteger();
        LaneScheduler.Executor exec = op -> {
            if (op.offset() == 0) {
                firstAttempts.incrementAndGet();
                return new Outcome.Retry(null, "503");
            }
            // The next op fails once, then succeeds: well within memoram.max.retries=2.
            return secondAttempts.incrementAndGet() == 1 ? new Outcome.Retry(null, "503") : new Outcome.Done(Outcome.Effect.CREATED);
        };
        RetryBound bound = new RetryBound(2, Long.MAX_VALUE);
        try (LaneScheduler s = new LaneScheduler(1, Duration.ofSeconds(1), Duration.ofSeconds(1), bound, System::nanoTime, "t",
                exec, (op, out) -> outcomes.add(out))) {
            s.submit(op("a", 0, 0));
            await().atMost(Duration.ofSeconds(20)).until(() -> firstAttempts.get() == 2 && s.inFlight() == 0); // two failed attempts, waiting for a third
            assertThat(s.abandon(Set.of(new TopicPartition("t", 0)), Duration.ofSeconds(5))).isEqualTo(1);
            s.submit(op("a", 1, 1)); // the key's next record, of a partition still (or again) assigned
            await().atMost(Duration.ofSeconds(20)).until(() -> !outcomes.isEmpty());
        }
        assertThat(outcomes).containsExactly(new Outcome.Done(Outcome.Effect.CREATED));
        assertThat(firstAttempts).hasValue(2);
    }

    @Test
    void anOpAbandonedBeforeItsCallWasSentNeverSendsItAndIsNotReported() throws Exception {
        // Issue 16 item 14: a write still preparing (listing, access checks) when its partition closes.
        CountDownLatch preparing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sent = new AtomicBoolean();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        LaneScheduler.Executor exec = op -> {
            preparing.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!op.enter()) {
                return new Outcome.Retry(null, "abandoned");
            }
            sent.set(true);
            op.leave();
            return new Outcome.Done(Outcome.Effect.CREATED);
        };
        try (LaneScheduler s = new LaneScheduler(2, Duration.ofMillis(1), Duration.ofMillis(5), "t", exec,
                (op, out) -> outcomes.add(out))) {
            s.submit(op("a", 0, 0));
            assertThat(preparing.await(5, TimeUnit.SECONDS)).isTrue();
            s.abandon(Set.of(new TopicPartition("t", 0)), Duration.ofSeconds(30));
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> s.buffered() == 0);
        }
        assertThat(sent).isFalse();
        assertThat(outcomes).isEmpty();
    }
}
