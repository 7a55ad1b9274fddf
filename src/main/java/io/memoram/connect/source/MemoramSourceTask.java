package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.client.AccessStatus;
import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.util.Jmx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the users of the access requests assigned to it (docs/source.md). Wiring: the client,
 * the {@link AccessRegistry} of its requests, one {@link UserStream} per known user resumed from
 * offsets, and the {@link PullPipeline} that pulls them concurrently; {@link #poll()} hands over
 * what the pipeline has ready and never waits on HTTP (at most {@link #MAX_IDLE_WAIT} on a
 * condition, so {@link #stop()} is never held up). The client makes single attempts (maxRetries
 * 0): the pipeline owns each user's backoff, since a retry inside a call would hold a pipeline
 * slot and the other users with it.
 */
public class MemoramSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(MemoramSourceTask.class);
    static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(1);
    /** How long a poll waits on the pipeline while new ids wait for offset storage. */
    static final Duration GATE_WAIT = Duration.ofMillis(100);

    private final Clock clock;
    private final Duration maxIdleWait;
    private MemoramClient client;
    private AccessRegistry registry;
    private PullPipeline pipeline;
    private CreateGate gate;
    private SourceTaskMetrics metrics;
    private ObjectName metricsName;
    private ObjectName clientMetricsName;
    private ClientMetrics clientMetrics;
    private volatile boolean stopping;

    public MemoramSourceTask() {
        this(Clock.systemUTC());
    }

    MemoramSourceTask(Clock clock) {
        this(clock, MAX_IDLE_WAIT);
    }

    /** With a longer idle wait, tests can tell a poll that stop() woke from one that timed out. */
    MemoramSourceTask(Clock clock, Duration maxIdleWait) {
        this.clock = clock;
        this.maxIdleWait = maxIdleWait;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        MemoramSourceConfig config = new MemoramSourceConfig(props);
        List<AccessTaskConfig.Request> requests = TaskAssignment.parse(props);
        String connector = props.getOrDefault("name", "memoram-source");
        int taskNumber = io.memoram.connect.access.AccessTaskConfig.parse(props).taskNumber(); // validated, like the requests

        metrics = new SourceTaskMetrics(clock);
        metricsName = Jmx.register(metrics, Jmx.name("source-task", connector, taskNumber));
        clientMetrics = new ClientMetrics();
        clientMetricsName = Jmx.register(clientMetrics, Jmx.name("client-source", connector, taskNumber));
        client = MemoramClient.create(config.clientConfig(clientMetrics)).withRetry(io.memoram.connect.client.RetryPolicy.CALLER_BACKS_OFF);
        registry = new AccessRegistry(client, config.contentCipher(), new AccessRegistry.Settings(
                config.accessCheckInterval(), config.retryBackoff(), config.retryBackoffMax(), true), clock);
        metrics.gauges(() -> registry.servedUsers().size(), () -> registry.count(AccessStatus.PENDING),
                () -> registry.count(AccessStatus.REVOKED, AccessStatus.REJECTED));

        UserStream.Settings settings = new UserStream.Settings(config.memoriesTopic(), config.tagsTopic(),
                config.tagsEnabled(), config.tombstoneOnDelete(), config.behaviorOnDecryptionError());
        Map<String, Map<String, String>> accessPartitions = new LinkedHashMap<>();
        Map<String, UserSlot> users = new LinkedHashMap<>();
        List<Map<String, String>> toRead = new ArrayList<>();
        for (AccessTaskConfig.Request r : requests) {
            Map<String, String> partition = r.keyFingerprint() != null
                    ? SourceOffsets.keyPartition(r.keyFingerprint()) : SourceOffsets.requestPartition(r.requestId());
            accessPartitions.put(r.requestId(), partition);
            toRead.add(partition);
            if (r.userId() != null && !users.containsKey(r.userId())) {
                UserStream stream = new UserStream(r.userId(), settings, metrics);
                users.put(r.userId(), new UserSlot(stream, new Backoff(config.retryBackoff(), config.retryBackoffMax())));
                toRead.addAll(stream.partitions());
                metrics.userKnown(r.userId());
            }
        }

        // One read of everything this task resumes from: 32 partitions per user plus one per request.
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(toRead);
        for (AccessTaskConfig.Request r : requests) {
            registry.add(r.requestId(), r.userId(), recordedStatus(r.requestId(), offsets.get(accessPartitions.get(r.requestId()))));
        }
        for (UserSlot slot : users.values()) {
            for (String problem : slot.stream.load(offsets)) {
                log.warn("Ignoring a malformed offset of user {} ({}); that bucket is read again from scratch", slot.userId(), problem);
            }
            log.info("Resuming user {}: {} memory blobs already emitted", slot.userId(), slot.stream.blobsKnown());
        }
        Map<String, String> requestOfUser = new LinkedHashMap<>();
        for (AccessTaskConfig.Request r : requests) {
            if (r.userId() != null) {
                requestOfUser.putIfAbsent(r.userId(), r.requestId());
            }
        }
        gate = new CreateGate(config.accessTopic(), userId -> carrier(userId, requestOfUser), context.offsetStorageReader(),
                config.bufferMaxBytes());
        for (UserSlot slot : users.values()) {
            gate.resume(slot.stream);
        }
        PullPipeline.Settings pipelineSettings = new PullPipeline.Settings(config.pollInterval(), config.maxInFlightRequests(),
                config.bufferMaxBytes(), config.failOnAccessRevoked(), config.accessTopic());
        pipeline = new PullPipeline(pipelineSettings, clock, new PullStep(client, config.blobQuery(), clock, maxRecordBytes(props)), registry, metrics,
                users, accessPartitions, "memoram-source-" + connector + "-" + taskNumber + "-");
        log.info("Source task {} started with {} access requests and {} known users, up to {} calls in flight",
                taskNumber, requests.size(), users.size(), config.maxInFlightRequests());
    }

    /**
     * What a user's pending offset travels on: the request serving it now (else the first configured
     * for it) with the status the registry last saw, so the access topic never shows a status anew.
     */
    private CreateGate.Carrier carrier(String userId, Map<String, String> requestOfUser) {
        io.memoram.connect.access.UserAccess access = registry.access(userId);
        String requestId = access != null ? access.requestId() : requestOfUser.get(userId);
        AccessStatus status = requestId == null ? null : registry.status(requestId);
        return new CreateGate.Carrier(requestId == null ? userId : requestId, (status == null ? AccessStatus.UNKNOWN : status).wire());
    }

    /** The producer's limit for one record: the connector's override, else Kafka's default. */
    private static long maxRecordBytes(Map<String, String> props) {
        String override = props.get(PullStep.MAX_REQUEST_SIZE_OVERRIDE);
        try {
            return override == null ? PullStep.DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(override.trim());
        } catch (NumberFormatException e) {
            return PullStep.DEFAULT_MAX_REQUEST_SIZE;
        }
    }

    /** The status recorded before a restart; an offset for another request id does not count. */
    private static String recordedStatus(String requestId, Map<String, Object> offset) {
        if (offset != null && requestId.equals(offset.get(SourceOffsets.REQUEST_ID)) && offset.get(SourceOffsets.STATUS) instanceof String s) {
            return s;
        }
        return null;
    }

    /**
     * What the pipeline has ready, through the {@link CreateGate}: a new id's record goes out only
     * once offset storage names the id. While the gate holds its bound, this waits for a commit
     * instead of taking more from the pipeline (whose own bound then stops the fetching).
     */
    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        try {
            gate.confirm(clock.millis());
            List<SourceRecord> out = gate.take(clock.instant());
            if (out.isEmpty()) {
                if (gate.full()) {
                    gate.awaitCommit(maxIdleWait.toMillis());
                } else {
                    // While carriers wait, look at offset storage again soon after a commit.
                    List<SourceRecord> batch = pipeline.poll(gate.waiting() ? min(maxIdleWait, GATE_WAIT) : maxIdleWait);
                    if (batch != null) {
                        gate.add(batch);
                    }
                }
                if (stopping) {
                    return null;
                }
                gate.confirm(clock.millis());
                out = gate.take(clock.instant());
            }
            return out.isEmpty() ? null : out;
        } catch (RuntimeException e) {
            if (stopping) {
                return null;
            }
            throw e;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Kafka acknowledged a record this task returned: the gate counts it (see {@link CreateGate}). */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (gate != null) {
            gate.acked();
        }
    }

    /** Connect wrote offsets: new ids waiting for theirs may be known now. */
    @Override
    public void commit() {
        if (gate != null) {
            gate.committed();
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (pipeline != null) {
            pipeline.stop();
        }
        if (gate != null) {
            gate.wake();
        }
        if (registry != null) {
            registry.close();
        }
        // Only our own beans: a restarted task of the same name may have registered its own meanwhile.
        Jmx.unregister(metricsName, metrics);
        Jmx.unregister(clientMetricsName, clientMetrics);
        if (client != null) {
            client.close();
        }
    }

    // Visible for tests.
    SourceTaskMetrics metrics() {
        return metrics;
    }

    PullPipeline pipeline() {
        return pipeline;
    }

    CreateGate gate() {
        return gate;
    }

    org.apache.kafka.connect.source.SourceTaskContext context() {
        return context;
    }
}
