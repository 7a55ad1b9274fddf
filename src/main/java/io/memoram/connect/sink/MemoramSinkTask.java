package io.memoram.connect.sink;

import io.memoram.connect.Version;
import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.client.ClientMetricsMXBean;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.config.MemoramSinkConfig;
import io.memoram.connect.util.Jmx;
import io.memoram.connect.util.PluginMetricsBridge;
import io.memoram.connect.util.Threads;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to Memoram (docs/sink.md). put() validates and maps each record, reports bad
 * ones at once and hands the rest to a {@link LaneScheduler}; it never waits for the API, apart
 * from bounded back-pressure. preCommit() returns only offsets whose records are confirmed.
 */
public class MemoramSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(MemoramSinkTask.class);

    /** Set by the connector in each task config: the task's number, for JMX names. */

    /** Ops buffered (queued, retrying or in flight) above which put() waits, then pauses consumption. */
    static final int MAX_BUFFERED = 10_000;
    /** Heap the buffered ops may hold (their strings), whatever their number: 10,000 records of 1 MiB would not fit. */
    static final long MAX_BUFFERED_BYTES = 64L * 1024 * 1024;
    static final Duration PUT_WAIT = Duration.ofSeconds(5);
    /** How long close()/stop() wait for in-flight calls, so the partitions' next owner sees their blobs. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private MemoramSinkTaskConfig config;
    private RecordMapper mapper;
    private MemoramClient client;
    private UserDirectory users;
    private LaneScheduler scheduler;
    private Rejections rejections;
    private Backpressure backpressure;
    private final OffsetTracker tracker = new OffsetTracker();
    private final BlobIndexes indexes = new BlobIndexes();
    private final SinkTaskMetrics metrics = new SinkTaskMetrics();
    private final ClientMetrics clientMetrics = new ClientMetrics();
    /** The same metrics for the worker's metrics reporters (Connect 4.1+); removed in stop(). */
    private AutoCloseable pluginMetrics = PluginMetricsBridge.NONE;
    private AutoCloseable clientPluginMetrics = PluginMetricsBridge.NONE;
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private ObjectName taskBean;
    private ObjectName clientBean;
    private ExecutorService warmUp;
    private volatile boolean stopping;
    /** {@link #CLOSE_WAIT}; shorter in tests. */
    Duration closeWait = CLOSE_WAIT;
    /** Called after each step of start() with its name; tests make a step fail to see that nothing leaks. */
    Consumer<String> startHook = step -> { };

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        try {
            startUp(props);
        } catch (RuntimeException | Error e) {
            // Connect calls stop() only after start() returned: release what was made so far here.
            release();
            throw e;
        }
    }

    private void startUp(Map<String, String> props) {
        config = new MemoramSinkTaskConfig(props);
        mapper = new RecordMapper(config);
        String connector = config.connectorName();
        int taskNumber = config.taskNumber();
        startHook.accept("config");

        MemoramClientConfig clientConfig = config.clientConfig(clientMetrics);
        // One client per task: one token, one rate limiter (the configured cap holds), one circuit
        // breaker, one connection pool. The writer picks the retry policy per call.
        client = MemoramClient.create(clientConfig);
        startHook.accept("client");
        users = UserDirectory.forTask(client, config.contentCipher(), config);
        startHook.accept("users");
        BlobWriter writer = new BlobWriter(client, users, indexes, config.sourceDefault(), metrics);
        scheduler = new LaneScheduler(config.maxInFlightRequests(), config.retryBackoff(), config.retryBackoffMax(),
                RetryBound.of(clientConfig.maxRetries(), clientConfig.requestTimeout(), config.retryBackoffMax()), System::nanoTime,
                "memoram-sink-" + connector + "-" + taskNumber, writer, this::completed);
        startHook.accept("scheduler");
        metrics.bind(scheduler, tracker);
        rejections = new Rejections(config, errantRecordReporter(props), tracker, metrics, this::fail);
        backpressure = new Backpressure(MAX_BUFFERED, MAX_BUFFERED_BYTES, PUT_WAIT);
        startHook.accept("rejections");

        taskBean = Jmx.register(metrics, Jmx.name("sink-task", connector, taskNumber));
        startHook.accept("task-bean");
        clientBean = Jmx.register(clientMetrics, Jmx.name("client-sink", connector, taskNumber));
        pluginMetrics = PluginMetricsBridge.publish(context, "sink-task", SinkTaskMetricsMXBean.class, metrics);
        clientPluginMetrics = PluginMetricsBridge.publish(context, "client-sink", ClientMetricsMXBean.class, clientMetrics);
        startHook.accept("client-bean");
        // Look the users up now rather than when the first record needs them, so that tombstones
        // naming no user (which wait until every user is known) and first writes do not wait for it.
        warmUp = Executors.newSingleThreadExecutor(Threads.inheritingContext("memoram-sink-" + connector + "-"
                + taskNumber + "-users-"));
        warmUp.execute(users::warmUp);
        warmUp.shutdown();
        startHook.accept("warm-up");
        log.info("Memoram sink task {} started: {} access request(s), mode {}, up to {} requests in flight",
                taskNumber, config.accessRequestIds().size(), config.writeMode(),
                config.maxInFlightRequests());
    }

    private ErrantRecordReporter errantRecordReporter(Map<String, String> props) {
        if (config.errorsTolerance() != MemoramSinkConfig.ErrorsTolerance.ALL) {
            return null;
        }
        ErrantRecordReporter reporter;
        try {
            reporter = context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than the reporter API
        }
        if (reporter == null) {
            log.warn("errors.tolerance=all but no errant record reporter is available: invalid records fail the task");
        }
        return reporter;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        throwIfFailed();
        rejections.drain(true);
        rejections.checkReports();
        backpressure.maybeResume();
        metrics.recordsIn(records.size());
        for (SinkRecord record : records) {
            WriteOp op;
            Position at = Position.of(record);
            tracker.track(at.partition(), at.offset());
            try {
                op = mapper.map(record, at);
            } catch (InvalidRecordException e) {
                rejections.reject(record, at, Outcome.Rejected.of(e), true);
                continue;
            } catch (RuntimeException e) {
                rejections.reject(record, at, new Outcome.Rejected("key",
                        "the record key cannot be serialized to identify its blob: " + e.getMessage()), true);
                continue;
            }
            if (op == null) {
                metrics.ignored();
                tracker.confirm(at.partition(), at.offset());
                continue;
            }
            scheduler.submit(op);
        }
        backpressure.afterPut();
    }

    /** Called on a lane thread with the final outcome of an op. */
    private void completed(WriteOp op, Outcome outcome) {
        if (outcome instanceof Outcome.Done done) {
            if (done.effect() == Outcome.Effect.NOTHING_TO_DELETE) {
                metrics.ignored();
            }
            tracker.confirm(op.partition(), op.offset());
        } else if (outcome instanceof Outcome.Rejected rejected) {
            rejections.fromLane(op.record(), op.at(), rejected);
        } else if (outcome instanceof Outcome.Fatal f) {
            if (stopping) {
                // A call cut short by stop() closing the client: not a failure of the task.
                log.debug("Write {} ended while the task stopped: {}", op.where(), f.message());
                return;
            }
            fail(new ConnectException("Memoram sink cannot go on: " + f.message(), f.error()));
        }
    }

    private void fail(ConnectException e) {
        if (fatal.compareAndSet(null, e)) {
            log.error("{}", e.getMessage());
            scheduler.halt();
        }
    }

    private void throwIfFailed() {
        ConnectException e = fatal.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Never throws: a failure here would rewind the consumer; put() reports it instead.
        try {
            rejections.drain(false);
            rejections.checkReports();
            backpressure.maybeResume();
        } catch (RuntimeException e) {
            fail(e instanceof ConnectException ce ? ce : new ConnectException(e));
        }
        return tracker.committable(currentOffsets.keySet());
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Nothing to do: preCommit() commits exactly what the API confirmed.
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        // Another task may have written the keys of these partitions: list the users' blobs again.
        indexes.invalidateAll();
        backpressure.opened(partitions);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (scheduler == null) {
            return;
        }
        Set<TopicPartition> closed = new HashSet<>(partitions);
        int dropped = scheduler.abandon(closed, closeWait);
        if (dropped > 0) {
            log.info("{} queued write(s) of closed partitions abandoned; they are redelivered to the next owner", dropped);
        }
        rejections.closed(closed);
        tracker.remove(closed);
        indexes.invalidateAll();
    }

    @Override
    public void stop() {
        release();
        log.info("Memoram sink task stopped");
    }

    /** Stops everything start() made, in an order that reports no false failure; safe on a partly started task. */
    private void release() {
        stopping = true;
        if (scheduler != null) {
            // First: no queued op starts against the closing client (it would end as a false fatal error).
            scheduler.halt();
        }
        if (warmUp != null) {
            warmUp.shutdownNow();
        }
        if (client != null) {
            client.close(); // frees lanes stuck in a hung call (close(partitions) already waited for the writes)
        }
        if (scheduler != null) {
            scheduler.close(CLOSE_WAIT);
        }
        if (users != null) {
            users.close(); // no credentials outlive the task
        }
        // Only our own beans: a restarted task of the same name may have registered its own meanwhile.
        if (taskBean != null) {
            Jmx.unregister(taskBean, metrics);
        }
        if (clientBean != null) {
            Jmx.unregister(clientBean, clientMetrics);
        }
        PluginMetricsBridge.close(pluginMetrics);
        PluginMetricsBridge.close(clientPluginMetrics);
        pluginMetrics = PluginMetricsBridge.NONE;
        clientPluginMetrics = PluginMetricsBridge.NONE;
    }

    /**
     * Bounded buffer: when put() leaves more than the limits buffered it waits a while for the lanes,
     * then pauses consumption, and resumes once the backlog has halved. Task thread only.
     */
    private final class Backpressure {
        private final int maxOps;
        private final long maxBytes;
        private final Duration wait;
        private boolean paused;

        Backpressure(int maxOps, long maxBytes, Duration wait) {
            this.maxOps = maxOps;
            this.maxBytes = maxBytes;
            this.wait = wait;
        }

        void afterPut() {
            if (paused || (scheduler.buffered() < maxOps && scheduler.bufferedBytes() < maxBytes)) {
                return;
            }
            try {
                if (!scheduler.awaitBufferedBelow(maxOps, maxBytes, wait)) {
                    context.pause(context.assignment().toArray(new TopicPartition[0]));
                    paused = true;
                    log.info("{} writes ({} bytes) buffered: pausing consumption until the API catches up",
                            scheduler.buffered(), scheduler.bufferedBytes());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void maybeResume() {
            if (paused && scheduler.buffered() < maxOps / 2 && scheduler.bufferedBytes() < maxBytes / 2) {
                context.resume(context.assignment().toArray(new TopicPartition[0]));
                paused = false;
                log.info("Resuming consumption");
            }
        }

        void opened(Collection<TopicPartition> partitions) {
            if (paused) {
                context.pause(partitions.toArray(new TopicPartition[0]));
            }
        }
    }

    /** For tests: smaller buffer limits and wait than the defaults. */
    void limitBuffer(int maxOps, long maxBytes, Duration wait) {
        backpressure = new Backpressure(maxOps, maxBytes, wait);
    }

    /** For tests. */
    SinkTaskMetrics metrics() {
        return metrics;
    }
}
