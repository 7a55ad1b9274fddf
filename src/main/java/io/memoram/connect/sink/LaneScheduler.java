package io.memoram.connect.sink;

import io.memoram.connect.util.BackoffCounter;
import io.memoram.connect.util.ExponentialBackoff;
import io.memoram.connect.util.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link WriteOp}s: ops of one lane (one Kafka key) strictly one after another in submission
 * order, different lanes in parallel on at most {@code maxInFlight} threads, so at most that many
 * API calls are in flight. An op whose outcome is {@link Outcome.Retry} stays at the head of its
 * lane and runs again after a capped exponential backoff with jitter (or the server's Retry-After
 * when longer): nothing is dropped, the key's order holds, and other lanes keep going meanwhile.
 * An op still failing after {@code maxRetries} retries, or after the retry budget, ends as
 * {@link Outcome.Fatal} naming the record and the last cause, so no partition is pinned in silence.
 */
final class LaneScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);

    /** Executes one op; must not throw (unexpected exceptions become {@link Outcome.Fatal}). */
    interface Executor {
        Outcome execute(WriteOp op);
    }

    /** Receives every final outcome (never {@link Outcome.Retry}); called on a worker thread. */
    interface Listener {
        void completed(WriteOp op, Outcome outcome);
    }

    private static final class Lane {
        final String key;
        final ArrayDeque<WriteOp> queue = new ArrayDeque<>();
        /** A run of this lane is queued, running or waiting for its retry timer. */
        boolean active;
        WriteOp inFlight;
        /** Failed attempts of the head op, and when the first of them (or its first wait) ended (nanoTime). */
        final BackoffCounter attempts;
        boolean failing;
        long firstFailureNanos;

        Lane(String key, ExponentialBackoff backoff) {
            this.key = key;
            this.attempts = new BackoffCounter(backoff);
        }
    }

    private final Executor executor;
    private final Listener listener;
    private final ExponentialBackoff backoff;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final RetryBound bound;
    private final LongSupplier nanoTime;
    private int buffered;
    private long bufferedBytes;
    private int inFlight;
    private boolean halted;
    private final AtomicLong retriesScheduled = new AtomicLong();

    /** Without a retry bound (tests of ordering and backoff). */
    LaneScheduler(int maxInFlight, Duration backoff, Duration backoffMax, String threadPrefix,
                  Executor executor, Listener listener) {
        this(maxInFlight, backoff, backoffMax, RetryBound.UNBOUNDED, System::nanoTime, threadPrefix, executor, listener);
    }

    LaneScheduler(int maxInFlight, Duration backoff, Duration backoffMax, RetryBound bound,
                  LongSupplier nanoTime, String threadPrefix, Executor executor, Listener listener) {
        this.bound = bound;
        this.nanoTime = nanoTime;
        this.executor = executor;
        this.listener = listener;
        this.backoff = new ExponentialBackoff(backoff, backoffMax);
        this.pool = Executors.newFixedThreadPool(maxInFlight, Threads.inheritingContext(threadPrefix + "-write-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.inheritingContext(threadPrefix + "-retry-"));
    }

    void submit(WriteOp op) {
        Lane lane;
        synchronized (this) {
            if (halted) {
                return; // the task is failing or stopping; the op's offset is never confirmed
            }
            lane = lanes.computeIfAbsent(op.laneKey(), k -> new Lane(k, backoff));
            lane.queue.add(op);
            buffered++;
            bufferedBytes += op.bytes();
            if (lane.active) {
                return;
            }
            lane.active = true;
        }
        dispatch(lane);
    }

    private void dispatch(Lane lane) {
        try {
            pool.execute(() -> runHead(lane));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down: nothing more runs, nothing is confirmed
        }
    }

    private void runHead(Lane lane) {
        WriteOp op;
        synchronized (this) {
            op = lane.queue.peek();
            if (op == null || halted) {
                lane.active = false;
                if (lane.queue.isEmpty() && lanes.get(lane.key) == lane) {
                    lanes.remove(lane.key);
                }
                return;
            }
            lane.inFlight = op;
            inFlight++;
        }
        Outcome outcome;
        try {
            outcome = executor.execute(op);
        } catch (RuntimeException | Error e) {
            outcome = new Outcome.Fatal("unexpected failure while writing " + op.where() + ": " + e, e);
        }
        if (op.abandoned() && !(outcome instanceof Outcome.Done)) {
            // Its partition was closed meanwhile: the next owner writes it; nothing of it is retried or reported here.
            finish(lane, op);
            return;
        }
        if (outcome instanceof Outcome.Retry retry) {
            outcome = giveUpOrRetry(lane, op, retry);
        }
        if (outcome instanceof Outcome.Retry retry) {
            long delayMs;
            synchronized (this) {
                lane.inFlight = null;
                inFlight--;
                delayMs = lane.attempts.currentWait(retry.retryAfter()).toMillis();
                notifyAll();
            }
            if (retry.counted()) {
                retriesScheduled.incrementAndGet();
            }
            try {
                timer.schedule(() -> dispatch(lane), delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shut down
            }
            return;
        }
        boolean more = dequeue(lane, op);
        listener.completed(op, outcome);
        if (more) {
            // Back to the pool's queue rather than looping here: lanes share the threads fairly.
            dispatch(lane);
        }
    }

    /** Ends {@code op} without reporting it, and goes on with the lane. */
    private void finish(Lane lane, WriteOp op) {
        if (dequeue(lane, op)) {
            dispatch(lane);
        }
    }

    /** Removes the finished head op; true when the lane has more to run. */
    private synchronized boolean dequeue(Lane lane, WriteOp op) {
        lane.inFlight = null;
        inFlight--;
        resetRetries(lane);
        if (lane.queue.peek() == op) {
            lane.queue.poll();
            buffered--;
            bufferedBytes -= op.bytes();
        }
        boolean more = !lane.queue.isEmpty() && !halted;
        if (!more) {
            lane.active = false;
            if (lane.queue.isEmpty() && lanes.get(lane.key) == lane) {
                lanes.remove(lane.key);
            }
        }
        notifyAll();
        return more;
    }

    /** {@code retry}, or a fatal outcome naming the op once its retries or its budget are used up. */
    private Outcome giveUpOrRetry(Lane lane, WriteOp op, Outcome.Retry retry) {
        long now = nanoTime.getAsLong();
        long attempts;
        long failingNanos;
        synchronized (this) {
            if (!lane.failing) {
                lane.failing = true;
                lane.firstFailureNanos = now;
            }
            attempts = retry.counted() ? lane.attempts.count() : lane.attempts.consecutiveFailures();
            failingNanos = now - lane.firstFailureNanos;
        }
        return bound.judge(op, retry, attempts, failingNanos);
    }

    long delayMs(int attempts, Duration retryAfter) {
        return backoff.waitBefore(attempts, retryAfter).toMillis();
    }

    /**
     * Drops the queued ops of {@code closed} partitions (they will be redelivered to the partitions'
     * next owner) and abandons their ops in flight: those send no further write request (not even one
     * waiting in the client for a permit or a token), and abandon waits up to {@code wait} for a request
     * already on the network to end, so that the next owner's listing sees
     * every blob this task created and no create of this task lands after that listing.
     */
    int abandon(Set<TopicPartition> closed, Duration wait) {
        int dropped = 0;
        List<WriteOp> running = new ArrayList<>();
        synchronized (this) {
            for (Lane lane : lanes.values()) {
                WriteOp head = lane.queue.peek();
                Iterator<WriteOp> it = lane.queue.iterator();
                while (it.hasNext()) {
                    WriteOp op = it.next();
                    if (!closed.contains(op.partition())) {
                        continue;
                    }
                    if (op == lane.inFlight) {
                        running.add(op);
                        continue;
                    }
                    it.remove();
                    buffered--;
                    bufferedBytes -= op.bytes();
                    dropped++;
                    if (op == head) {
                        // Its failed attempts are not the next op's: that one starts with a fresh retry budget.
                        resetRetries(lane);
                    }
                }
            }
            notifyAll();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (WriteOp op : running) {
            try {
                if (!op.abandon(deadline)) {
                    log.warn("A write of closed partition {} was still under way after {} ms; its blob may show up after "
                            + "the partition's next owner listed the user's blobs", op.partition(), wait.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return dropped;
    }

    private static void resetRetries(Lane lane) {
        lane.attempts.onSuccess();
        lane.failing = false;
        lane.firstFailureNanos = 0;
    }

    /**
     * Waits until fewer than {@code limit} ops and fewer than {@code bytesLimit} bytes are buffered, at
     * most {@code wait}. Returns whether it got there.
     */
    synchronized boolean awaitBufferedBelow(int limit, long bytesLimit, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while ((buffered >= limit || bufferedBytes >= bytesLimit) && !halted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return buffered < limit && bufferedBytes < bytesLimit;
    }

    /** Rough heap held by buffered ops ({@link WriteOp#bytes()}). */
    synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /** Ops submitted and not yet finished (queued, waiting for a retry, or in flight). */
    synchronized int buffered() {
        return buffered;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    long retriesScheduled() {
        return retriesScheduled.get();
    }

    /** Stops starting ops; ones in flight finish, their outcomes still reach the listener. */
    synchronized void halt() {
        halted = true;
        notifyAll();
    }

    /** Halts, then waits up to {@code wait} for in-flight calls before shutting the threads down. */
    void close(Duration wait) {
        halt();
        timer.shutdownNow();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
