package io.memoram.connect.sink;

import io.memoram.connect.Version;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.config.MemoramSinkConfig;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.util.Jmx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
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
 * from bounded backpressure. preCommit() returns only offsets whose records are confirmed.
 */
public class MemoramSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(MemoramSinkTask.class);

    /** Set by the connector in each task config: the task's number, for JMX names. */
    public static final String TASK_NUMBER_CONFIG = "memoram.sink.task.number";

    /** Ops buffered (queued, retrying or in flight) above which put() waits, then pauses consumption. */
    static final int MAX_BUFFERED = 10_000;
    static final Duration PUT_WAIT = Duration.ofSeconds(5);
    /** How long close()/stop() wait for in-flight calls, so the partitions' next owner sees their blobs. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** How often requests that are not approved are checked again when their user's records arrive. */
    static final Duration ACCESS_RECHECK = Duration.ofSeconds(5);

    private record Rejection(SinkRecord record, String field, String reason, boolean accessDenied) { }

    private record PendingReport(TopicPartition partition, long offset, Future<Void> future) { }

    private MemoramSinkConfig config;
    private RecordMapper mapper;
    private MemoramClient client;
    private MemoramClient createClient;
    private LaneScheduler scheduler;
    private final OffsetTracker tracker = new OffsetTracker();
    private final BlobIndexes indexes = new BlobIndexes();
    private final SinkTaskMetrics metrics = new SinkTaskMetrics();
    private final Queue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    private final List<PendingReport> pendingReports = new ArrayList<>();
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private ErrantRecordReporter reporter;
    private boolean tolerant;
    private boolean paused;
    private ObjectName taskBean;
    private ObjectName clientBean;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MemoramSinkConfig(props);
        mapper = new RecordMapper(config);
        String connector = props.getOrDefault("name", "memoram-sink");
        int taskNumber = taskNumber(props);

        io.memoram.connect.client.ClientMetrics clientMetrics = ClientMetricsSupport.create();
        MemoramClientConfig clientConfig = config.clientConfig(clientMetrics);
        client = MemoramClient.create(clientConfig);
        // Creates are not idempotent: their retries are the lanes' own, after re-listing (see BlobWriter).
        createClient = client.withRetry(io.memoram.connect.client.RetryPolicy.NONE);
        ContentCipher cipher = ContentCiphers.forName(config.contentEncryption());
        UserDirectory users = new UserDirectory(client, cipher, config.accessRequestIds(), ACCESS_RECHECK, System::nanoTime);
        BlobWriter writer = new BlobWriter(client, createClient, users, indexes, config.sourceDefault(), metrics);
        scheduler = new LaneScheduler(config.maxInFlightRequests(), config.retryBackoff(), config.retryBackoffMax(),
                "memoram-sink-" + connector + "-" + taskNumber, writer, this::completed);
        metrics.bind(scheduler, tracker);

        tolerant = "all".equalsIgnoreCase(props.getOrDefault("errors.tolerance", "none").trim());
        reporter = errantRecordReporter();
        if (tolerant && reporter == null) {
            log.warn("errors.tolerance=all but no errant record reporter is available: invalid records fail the task");
        }
        taskBean = Jmx.register(metrics, Jmx.name("sink-task", connector, taskNumber));
        clientBean = ClientMetricsSupport.register(clientMetrics, connector, taskNumber);
        log.info("Memoram sink task {} started: {} access request(s), mode {}, up to {} requests in flight",
                taskNumber, config.accessRequestIds().size(), config.upsert() ? "upsert" : "insert",
                config.maxInFlightRequests());
    }

    private static int taskNumber(Map<String, String> props) {
        try {
            return Integer.parseInt(props.getOrDefault(TASK_NUMBER_CONFIG, ""));
        } catch (NumberFormatException e) {
            return Jmx.taskNumber(Thread.currentThread().getName(), 0);
        }
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than the reporter API
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        throwIfFailed();
        drainRejections(true);
        checkReports();
        maybeResume();
        metrics.recordsIn(records.size());
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition() == null ? 0 : record.kafkaPartition());
            tracker.track(tp, record.kafkaOffset());
            WriteOp op;
            try {
                op = mapper.map(record);
            } catch (InvalidRecordException e) {
                reject(record, e.field(), e.getMessage(), false, true);
                continue;
            } catch (RuntimeException e) {
                reject(record, "key", "the record key cannot be serialized to identify its blob: " + e.getMessage(), false, true);
                continue;
            }
            if (op == null) {
                metrics.ignored();
                tracker.confirm(tp, record.kafkaOffset());
                continue;
            }
            scheduler.submit(op);
        }
        backpressure();
    }

    private void backpressure() {
        if (scheduler.buffered() < MAX_BUFFERED) {
            return;
        }
        try {
            if (!scheduler.awaitBufferedBelow(MAX_BUFFERED, PUT_WAIT) && !paused) {
                Set<TopicPartition> assigned = context.assignment();
                context.pause(assigned.toArray(new TopicPartition[0]));
                paused = true;
                log.info("{} writes buffered: pausing consumption until the API catches up", scheduler.buffered());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void maybeResume() {
        if (paused && scheduler.buffered() < MAX_BUFFERED / 2) {
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            paused = false;
            log.info("Resuming consumption");
        }
    }

    /** Called on a lane thread with the final outcome of an op. */
    private void completed(WriteOp op, Outcome outcome) {
        if (outcome instanceof Outcome.Done done) {
            if (done.effect() == Outcome.Effect.NOTHING_TO_DELETE) {
                metrics.ignored();
            }
            tracker.confirm(op.partition(), op.offset());
        } else if (outcome instanceof Outcome.Rejected rejected) {
            rejections.add(new Rejection(op.record(), rejected.field(), rejected.reason(), rejected.accessDenied()));
        } else if (outcome instanceof Outcome.Fatal f) {
            fail(new ConnectException("Memoram sink cannot go on: " + f.message(), f.error()));
        }
    }

    /** Reports (or, without a dead letter queue, fails on) rejections found by the lanes; task thread only. */
    private void drainRejections(boolean mayThrow) {
        Rejection r;
        while ((r = rejections.poll()) != null) {
            reject(r.record(), r.field(), r.reason(), r.accessDenied(), mayThrow);
        }
    }

    private void reject(SinkRecord record, String field, String reason, boolean accessDenied, boolean mayThrow) {
        String fieldName = "user".equals(field)
                ? (config.userId() != null ? MemoramSinkConfig.USER_ID_CONFIG : config.userIdField())
                : field;
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition() == null ? 0 : record.kafkaPartition());
        if (tolerant && reporter != null && !(accessDenied && config.failOnAccessRevoked())) {
            log.warn("Record {}-{}@{} sent to the errant record reporter: {}", record.topic(), tp.partition(),
                    record.kafkaOffset(), reason);
            Future<Void> future = reporter.report(record, new InvalidRecordException(fieldName, reason));
            pendingReports.add(new PendingReport(tp, record.kafkaOffset(), future));
            metrics.reported();
            return;
        }
        ConnectException e = new ConnectException("Record of topic '" + record.topic() + "', partition " + tp.partition()
                + ", offset " + record.kafkaOffset() + " cannot be written to Memoram"
                + (fieldName == null ? "" : " (field '" + fieldName + "')") + ": " + reason
                + (accessDenied && config.failOnAccessRevoked()
                        ? " (behavior.on.access.revoked=fail)."
                        : ". To route such records to a dead letter queue instead, set errors.tolerance=all and "
                        + "errors.deadletterqueue.topic.name."));
        fail(e);
        if (mayThrow) {
            throw e;
        }
    }

    /** Confirms records whose report reached the dead letter queue. */
    private void checkReports() {
        Iterator<PendingReport> it = pendingReports.iterator();
        while (it.hasNext()) {
            PendingReport p = it.next();
            if (!p.future().isDone()) {
                continue;
            }
            it.remove();
            try {
                p.future().get();
                tracker.confirm(p.partition(), p.offset());
            } catch (ExecutionException e) {
                fail(new ConnectException("Could not report record " + p.partition() + "@" + p.offset()
                        + " to the dead letter queue", e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.CancellationException e) {
                // Cancelled with its partition's close: redelivered to the next owner.
            }
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
            drainRejections(false);
            checkReports();
            maybeResume();
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
        if (paused) {
            context.pause(partitions.toArray(new TopicPartition[0]));
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (scheduler == null) {
            return;
        }
        Set<TopicPartition> closed = new HashSet<>(partitions);
        int dropped = scheduler.abandon(closed, CLOSE_WAIT);
        if (dropped > 0) {
            log.info("{} queued write(s) of closed partitions abandoned; they are redelivered to the next owner", dropped);
        }
        pendingReports.removeIf(p -> closed.contains(p.partition()));
        tracker.remove(closed);
        indexes.invalidateAll();
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close(); // first: frees lanes stuck in a hung call (and createClient, a view of the same client)
        }
        if (scheduler != null) {
            scheduler.close(CLOSE_WAIT);
        }
        Jmx.unregister(taskBean);
        Jmx.unregister(clientBean);
        log.info("Memoram sink task stopped");
    }

    /** For tests. */
    SinkTaskMetrics metrics() {
        return metrics;
    }
}
