package io.memoram.connect.source;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.AccessScope;
import io.memoram.connect.access.AccessShare;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.client.ClientMetricsMXBean;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.util.BackoffCounter;
import io.memoram.connect.util.Jmx;
import io.memoram.connect.util.PluginMetricsBridge;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams its share of the connector's users (docs/source.md, "Tasks and users"). Wiring: the
 * client, the {@link AccessRegistry} of its requests, {@link TaskAccess} (its own reads of the
 * account's requests: which users are this task's, by a stable hash), one {@link UserStream} per
 * user resumed from offsets, and the {@link PullPipeline} that pulls them concurrently; {@link #poll()} hands over
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
    /** Called with the name of each step of start() (tests fail start there); does nothing otherwise. */
    private final Consumer<String> startStep;
    private MemoramClient client;
    private TaskAccess access;
    private AccessRegistry registry;
    private PullPipeline pipeline;
    private CreateGate gate;
    private SourceTaskMetrics metrics;
    private ObjectName metricsName;
    private ObjectName clientMetricsName;
    private ClientMetrics clientMetrics;
    /** The same metrics for the worker's metrics reporters (Connect 4.1+); removed in stop(). */
    private AutoCloseable pluginMetrics = PluginMetricsBridge.NONE;
    private AutoCloseable clientPluginMetrics = PluginMetricsBridge.NONE;
    private TaskSignals signals;
    private ObjectName signalsName;
    private io.memoram.connect.source.signal.SignalChannel signalChannel;
    private volatile boolean stopping;

    public MemoramSourceTask() {
        this(Clock.systemUTC());
    }

    MemoramSourceTask(Clock clock) {
        this(clock, MAX_IDLE_WAIT);
    }

    /** With a longer idle wait, tests can tell a poll that stop() woke from one that timed out. */
    MemoramSourceTask(Clock clock, Duration maxIdleWait) {
        this(clock, maxIdleWait, step -> { });
    }

    MemoramSourceTask(Clock clock, Duration maxIdleWait, Consumer<String> startStep) {
        this.clock = clock;
        this.maxIdleWait = maxIdleWait;
        this.startStep = startStep;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        try {
            startOrThrow(props);
        } catch (RuntimeException | Error e) {
            // Connect calls stop() only after start() returned: release what was started (client threads, MBeans) now.
            stop();
            throw e;
        }
    }

    private void startOrThrow(Map<String, String> props) {
        MemoramSourceTaskConfig config = new MemoramSourceTaskConfig(props);
        String connector = config.connectorName();
        int taskNumber = config.taskNumber();
        AccessShare share = new AccessShare(taskNumber, config.taskCount(), config.requests(),
                AccessScope.of(config));

        startStep.accept("metrics");
        metrics = new SourceTaskMetrics(clock);
        metricsName = Jmx.register(metrics, Jmx.name("source-task", connector, taskNumber));
        pluginMetrics = PluginMetricsBridge.publish(context, "source-task", SourceTaskMetricsMXBean.class, metrics);
        startStep.accept("client-metrics");
        clientMetrics = new ClientMetrics();
        clientMetricsName = Jmx.register(clientMetrics, Jmx.name("client-source", connector, taskNumber));
        clientPluginMetrics = PluginMetricsBridge.publish(context, "client-source", ClientMetricsMXBean.class, clientMetrics);
        startStep.accept("client");
        client = MemoramClient.create(config.clientConfig(clientMetrics)).withRetry(io.memoram.connect.client.RetryPolicy.CALLER_BACKS_OFF);
        startStep.accept("registry");
        registry = new AccessRegistry(client, config.contentCipher(), new AccessRegistry.Settings(
                config.accessCheckInterval(), config.retryBackoff(), config.retryBackoffMax(), true), clock);
        metrics.gauges(() -> registry.servedUsers().size(), () -> registry.count(AccessStatus.PENDING),
                () -> registry.count(AccessStatus.REVOKED, AccessStatus.REJECTED));
        metrics.activeUsers(registry::servedUsers, config.pollInterval());

        UserStream.Settings settings = new UserStream.Settings(config.memoriesTopic(), config.tagsTopic(),
                config.tagsEnabled(), config.tombstoneOnDelete(), config.behaviorOnDecryptionError(), ValueFields.of(config));
        // Before any user is loaded: each one's pending ids (restored into its manifests) must reach the gate
        // before its records do, whether it joins now or while the task runs.
        gate = new CreateGate(config.accessTopic(), this::carrier, context.offsetStorageReader(), config.bufferMaxBytes());
        access = new TaskAccess(client, share, context.offsetStorageReader(), userId -> {
            metrics.userKnown(userId);
            UserStream stream = new UserStream(userId, settings, metrics);
            stream.notifyTo(config.notificationTopic(), config.notifyInitialLoads());
            return new UserSlot(stream, new BackoffCounter(config.retryBackoff(), config.retryBackoffMax()));
        }, slot -> {
            slot.paused = slot.stream.signals().paused; // a pause signal holds across restarts
            gate.admit(slot.stream);
        });
        startStep.accept("offsets");
        // One read of everything this task resumes from: 34 partitions per user its config names (32 buckets, pending ids, signals), one per request.
        TaskAccess.Admission initial = access.initial();
        Map<String, Map<String, String>> accessPartitions = new LinkedHashMap<>();
        Map<String, UserSlot> users = new LinkedHashMap<>();
        initial.slots().forEach(slot -> users.put(slot.userId(), slot));
        for (TaskAccess.Added a : initial.requests()) {
            accessPartitions.put(a.request().requestId(), a.partition());
            registry.add(a.request().requestId(), a.request().userId(), a.reportedStatus());
        }
        startStep.accept("pipeline");
        PipelineSettings pipelineSettings = new PipelineSettings(config.pollInterval(), config.maxInFlightRequests(),
                config.bufferMaxBytes(), config.failOnAccessRevoked(), config.accessTopic());
        String threads = "memoram-source-" + connector + "-" + taskNumber + "-";
        pipeline = new PullPipeline(pipelineSettings, clock, new PullStep(client, config.blobQuery(), clock, config.maxRecordBytes()), registry, metrics,
                users, accessPartitions, threads);
        startStep.accept("signals");
        signals = new TaskSignals(pipeline, clock);
        signalsName = Jmx.register(signals, Jmx.name("source-signals", connector, taskNumber));
        if (config.signalTopic() != null) {
            signalChannel = new io.memoram.connect.source.signal.SignalChannel(config.signalTopic(), config.signalConsumerConfig(),
                    connector, TaskSignals.readFrom(initial.slots()), signals, "memoram-source-signals-" + connector + "-" + taskNumber);
            signalChannel.start();
        }
        startStep.accept("access");
        access.start(pipeline, config.accessCheckInterval(), "memoram-source-access-" + connector + "-" + taskNumber + "-");
        log.info("Source task {} of {} started with {} access requests given and {} users known, discovery {}, up to {} calls in flight",
                taskNumber, config.taskCount(), config.requests().size(), users.size(), config.accessDiscovery().wire(),
                config.maxInFlightRequests());
    }

    /**
     * What a user's pending offset travels on: the request serving it now (else one the task serves
     * for it, else the last it served: users join and leave while the task runs, see {@link TaskAccess})
     * with the status last seen of it, so the access topic never shows a status anew.
     */
    private CreateGate.Carrier carrier(String userId) {
        io.memoram.connect.access.UserAccess serving = registry.access(userId);
        String requestId = serving != null ? serving.requestId() : access.requestOf(userId);
        AccessStatus status = requestId == null ? null : registry.status(requestId);
        if (status == null && requestId != null) {
            status = access.formerStatus(requestId);
        }
        return new CreateGate.Carrier(requestId == null ? userId : requestId, (status == null ? AccessStatus.UNKNOWN : status).wire());
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
        if (gate != null) {
            gate.wake(); // a poll waiting for a commit returns now, not after access.close() waited for a listing
        }
        if (signalChannel != null) {
            signalChannel.close();
        }
        Jmx.unregister(signalsName, signals);
        if (access != null) {
            access.close(); // before the pipeline: it would otherwise hand the stopping pipeline new users
        }
        if (pipeline != null) {
            pipeline.stop();
        }
        if (registry != null) {
            registry.close();
        }
        // Only our own beans: a restarted task of the same name may have registered its own meanwhile.
        Jmx.unregister(metricsName, metrics);
        Jmx.unregister(clientMetricsName, clientMetrics);
        PluginMetricsBridge.close(pluginMetrics);
        PluginMetricsBridge.close(clientPluginMetrics);
        pluginMetrics = PluginMetricsBridge.NONE;
        clientPluginMetrics = PluginMetricsBridge.NONE;
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
