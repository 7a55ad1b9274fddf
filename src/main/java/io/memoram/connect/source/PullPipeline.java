package io.memoram.connect.source;

import io.memoram.connect.util.Saturating;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.util.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's concurrent pull (docs/source.md, "How users are pulled"): up to
 * {@code memoram.max.in.flight.requests} API calls at once across the task's users and access
 * requests, one step at a time per user (so its pages stay in cursor order), users due first
 * served first (a pass in progress keeps its place, so started passes finish first; see
 * {@link UserSchedule}). Each finished step leaves its records as one chunk in a
 * {@link RecordBuffer} that {@link #poll} drains; while the buffer holds
 * {@code memoram.fetch.buffer.max.bytes} no new page is fetched, so a slow producer never makes it
 * grow. What the access registry reports is applied by {@link AccessEvents}.
 *
 * <p>Threads: the worker threads make the calls and decrypt; {@link #poll} only drains the buffer
 * and starts due work, and waits at most its {@code maxWait} on a condition, never on HTTP. All
 * scheduling state is guarded by one lock, held only for bookkeeping.
 */
final class PullPipeline {
    private static final Logger log = LoggerFactory.getLogger(PullPipeline.class);
    /** Records one poll returns at most (whole chunks: the last chunk may go past it). */
    static final int MAX_BATCH_RECORDS = 2_000;

    private final PipelineSettings settings;
    private final Clock clock;
    private final PullStep step;
    private final AccessRegistry registry;
    private final SourceTaskMetrics metrics;
    private final ExecutorService pool;
    /** The task's users by id (guarded by the lock; {@link AccessEvents} adds to it). */
    private final Map<String, UserSlot> users;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final UserSchedule schedule = new UserSchedule();
    private final ArrayDeque<String> checks = new ArrayDeque<>();
    private final RecordBuffer buffer = new RecordBuffer();
    private final AccessEvents accessEvents;
    private final PassStartLag lag;
    private long nextCheckAt;
    private int inFlight;
    /** The most calls ever in flight at once (tests check the limit holds and is reached). */
    private int inFlightHighWater;
    private boolean stopping;
    private RuntimeException fatal;

    PullPipeline(PipelineSettings settings, Clock clock, PullStep step, AccessRegistry registry, SourceTaskMetrics metrics,
                 Map<String, UserSlot> users, Map<String, Map<String, String>> accessPartitions, String threadPrefix) {
        this.settings = settings;
        this.clock = clock;
        this.step = step;
        this.registry = registry;
        this.metrics = metrics;
        this.users = users;
        this.accessEvents = new AccessEvents(settings, clock, metrics, users, accessPartitions, buffer, schedule);
        this.lag = new PassStartLag(settings, metrics, users::size);
        this.pool = Executors.newFixedThreadPool(settings.maxInFlight(), Threads.inheritingContext(threadPrefix));
        metrics.bufferGauge(() -> {
            lock.lock();
            try {
                return buffer.bytes();
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Hands over what is ready: whole chunks, up to about {@link #MAX_BATCH_RECORDS} records, or
     * null after waiting up to {@code maxWait} for something to be ready.
     *
     * @throws ConnectException when the task must fail (the first fatal step outcome)
     */
    List<SourceRecord> poll(Duration maxWait) throws InterruptedException {
        lock.lock();
        try {
            pump();
            if (buffer.isEmpty() && fatal == null && !stopping) {
                long next = nextTimedEvent();
                long now = clock.millis();
                long untilNext = Math.max(1, Saturating.add(next, -now));
                changed.await(Math.min(maxWait.toMillis(), untilNext), TimeUnit.MILLISECONDS);
                pump();
            }
            if (fatal != null && !stopping) {
                throw fatal;
            }
            if (buffer.isEmpty()) {
                return null;
            }
            List<SourceRecord> out = buffer.drain(MAX_BATCH_RECORDS);
            pump();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the task's access from outside the pipeline (the task's own look at the account's
     * requests, {@link TaskAccess}): {@code change} runs under the lock, adds users and requests or
     * removes requests, and returns the events that produced; requests due now are checked at once.
     */
    void changeAccess(BiFunction<AccessRegistry, AccessEvents, List<AccessRegistry.Event>> change) {
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            change.apply(registry, accessEvents).forEach(this::apply);
            nextCheckAt = registry.nextDueMillis();
            pump();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Schedules {@code userId}'s pull now: the one way in from outside for a user (signals, an
     * operator action). {@code action} (may be null) runs under the lock once no step of the user
     * runs (at once, or when the step in flight ends: the stream is then the caller's to change) and
     * returns records that go out behind the user's records so far; then the user is due now,
     * unless it is paused ({@link UserSlot#paused}) or has no access. An action that throws is
     * logged and skipped: nothing a signal does may fail the task.
     *
     * @return false when the task has no such user (or is stopping)
     */
    public boolean scheduleNow(String userId, Function<UserSlot, List<SourceRecord>> action) {
        lock.lock();
        try {
            UserSlot slot = users.get(userId);
            if (slot == null || stopping) {
                return false;
            }
            if (slot.running) {
                slot.deferred.add(action == null ? s -> List.of() : action);
            } else {
                runAction(slot, action);
                pump();
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The ids of the task's users now (a copy). */
    List<String> userIds() {
        lock.lock();
        try {
            return List.copyOf(users.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Runs an action of {@link #scheduleNow} and queues the user (lock held, no step of the user running). */
    private void runAction(UserSlot slot, Function<UserSlot, List<SourceRecord>> action) {
        try {
            List<SourceRecord> records = action == null ? List.of() : action.apply(slot);
            if (!records.isEmpty()) {
                buffer.add(records, PullStep.estimate(records));
            }
        } catch (RuntimeException e) {
            log.error("User {}: an action scheduled from outside the pipeline failed; skipped", slot.userId(), e);
        }
        if (slot.paused) {
            schedule.dequeue(slot);
        } else if (slot.access != null) {
            schedule.enqueue(slot, clock.millis());
        }
    }

    /** Stops starting work, wakes a waiting poll and interrupts the calls in flight; returns at once. */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            buffer.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pool.shutdownNow();
    }

    /** Waits up to {@code timeout} for every worker thread to end (tests, benchmarks). */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int inFlightHighWater() {
        lock.lock();
        try {
            return inFlightHighWater;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a poll is waiting on the condition (tests). */
    boolean pollWaiting() {
        lock.lock();
        try {
            return lock.hasWaiters(changed);
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    // --- scheduling (lock held) ---

    /**
     * When a waiting poll must look again on its own. A due user that cannot start (every call
     * slot busy, or the buffer full) is no such time: what frees a slot or the buffer (a call that
     * ends, a poll that drains) signals the condition, so waiting for it instead of returning about
     * every millisecond keeps a task that cannot keep up from burning a core.
     */
    private long nextTimedEvent() {
        UserSlot head = schedule.peek();
        boolean canStart = head != null && inFlight < settings.maxInFlight() && buffer.bytes() < settings.maxBufferBytes();
        return Math.min(canStart ? head.dueAt : Long.MAX_VALUE, nextCheckAt);
    }

    /** Starts what is due, as far as the in-flight limit and the buffer allow. */
    private void pump() {
        if (stopping || fatal != null) {
            return;
        }
        long now = clock.millis();
        if (nextCheckAt <= now) {
            checks.addAll(registry.takeDue());
            nextCheckAt = registry.nextDueMillis();
        }
        while (inFlight < settings.maxInFlight()) {
            String requestId = checks.poll();
            if (requestId != null) {
                submit(() -> checked(registry.check(requestId)));
                continue;
            }
            UserSlot slot = schedule.peek();
            if (slot == null || slot.dueAt > now || buffer.bytes() >= settings.maxBufferBytes()) {
                return;
            }
            schedule.take();
            slot.running = true;
            if (slot.nextPassMeasured) {
                slot.nextPassMeasured = false;
                lag.record(now - slot.dueAt);
            }
            UserAccess access = slot.access;
            submit(() -> stepped(slot, step.run(slot.stream, slot.walk, access)));
        }
    }

    private void submit(Runnable work) {
        inFlight++;
        inFlightHighWater = Math.max(inFlightHighWater, inFlight);
        try {
            pool.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    // After stop() the client is closed under calls in flight: expected, and nobody to tell.
                    lock.lock();
                    try {
                        inFlight--;
                        if (fatal == null && !stopping) {
                            log.error("Internal error in the source pipeline", e);
                            fatal = new ConnectException("Internal error in the source pipeline: " + e, e);
                        }
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight--; // stopping
        }
    }

    // --- completions (worker threads) ---

    private void checked(List<AccessRegistry.Event> events) {
        lock.lock();
        try {
            inFlight--;
            if (!stopping) {
                events.forEach(this::apply);
                nextCheckAt = registry.nextDueMillis();
                pump();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void stepped(UserSlot slot, StepOutcome outcome) {
        lock.lock();
        try {
            inFlight--;
            slot.running = false;
            if (stopping) {
                return;
            }
            long now = clock.millis();
            if (outcome instanceof StepOutcome.Records r) {
                slot.backoff.onSuccess();
                buffer.add(r.records(), r.bytes());
                if (r.listingComplete()) {
                    metrics.passCompleted(slot.userId());
                }
                if (r.passEnded()) {
                    slot.nextPassMeasured = true;
                }
                if (slot.access != null && r.passEnded()) {
                    schedule.enqueueAfter(slot, now, settings.pollInterval().toMillis());
                } else if (slot.access != null) {
                    // Mid-pass: back in its old place (same due time and order), so passes already
                    // started finish before new ones start. That keeps the users with a pass in
                    // progress (and their per-pass state) to about the number of calls in flight.
                    schedule.restore(slot);
                }
            } else if (outcome instanceof StepOutcome.Denied d) {
                log.warn("User {}: access refused ({}); checking the status of its access requests", slot.userId(), d.message());
                slot.access = null;
                registry.accessDenied(slot.userId()).forEach(this::apply);
                nextCheckAt = registry.nextDueMillis();
            } else if (outcome instanceof StepOutcome.Failed f) {
                metrics.failedCalls.incrementAndGet();
                Duration wait = slot.backoff.onFailure(f.retryAfter());
                log.warn("User {}: {} failed ({} consecutive failures, next try in {} ms): {}", slot.userId(), f.call(),
                        slot.backoff.consecutiveFailures(), wait.toMillis(), f.message());
                if (slot.access != null) {
                    schedule.enqueueAfter(slot, now, wait.toMillis());
                }
            } else if (outcome instanceof StepOutcome.Fatal f) {
                if (fatal == null) {
                    fatal = f.error();
                }
            }
            if (slot.access == null) {
                // Withdrawn while the step ran, or just now: the pass starts over once granted again.
                slot.stream.restartPass();
            }
            for (Function<UserSlot, List<SourceRecord>> a; (a = slot.deferred.poll()) != null; ) {
                runAction(slot, a);
            }
            pump();
        } finally {
            changed.signalAll();
            lock.unlock();
        }
    }

    /** Applies a registry event; the first fatal one fails the task (lock held). */
    private void apply(AccessRegistry.Event event) {
        ConnectException failure = accessEvents.apply(event);
        if (failure != null && fatal == null) {
            fatal = failure;
        }
    }
}
