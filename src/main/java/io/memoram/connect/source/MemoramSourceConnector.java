package io.memoram.connect.source;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessRequestResolver;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.RequestListener;
import io.memoram.connect.config.ConnectorValidation;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.util.Threads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the memory blobs and tags of the users who granted access into Kafka (docs/source.md).
 *
 * <p>The connector resolves memory keys to access requests, learns which user each request
 * belongs to, and spreads users over tasks (one user, one task). A monitor thread re-reads the
 * requests every {@code memoram.access.check.interval.ms} and asks for task reconfiguration when
 * an approval links a request to its user. Task configs carry request ids, never keys.
 */
public class MemoramSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(MemoramSourceConnector.class);
    /** How long start() waits for the first look at the API before going on with what it knows. */
    static final Duration START_WAIT = Duration.ofSeconds(10);

    private Map<String, String> props;
    private MemoramClient client;
    private AccessMonitor monitor;
    private ScheduledExecutorService executor;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return MemoramSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConnectorValidation.validate(connectorConfigs, config(), ConnectorValidation.DEFAULT_LIVE_CHECK_TIMEOUT);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MemoramSourceTask.class;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        MemoramSourceConfig config = new MemoramSourceConfig(props);
        String name = props.getOrDefault("name", "memoram-source");
        if (config.accessRequestIds().isEmpty() && config.memoryKeys().isEmpty()) {
            throw new ConnectException("Configure at least one of memoram.access.request.ids and memoram.memory.keys");
        }
        client = MemoramClient.create(config.clientConfig(RequestListener.NONE)).withRetry(io.memoram.connect.client.RetryPolicy.SHORT);
        monitor = new AccessMonitor(client, new AccessRequestResolver(client, config.accessRequestReason()),
                context().offsetStorageReader(), config.accessRequestIds(), config.memoryKeys(),
                () -> context().requestTaskReconfiguration());
        executor = Executors.newSingleThreadScheduledExecutor(
                Threads.withConnectorContext("memoram-source-access-monitor-" + name + "-", "[" + name + "|access-monitor] "));

        Future<?> first = executor.submit(monitor::refresh);
        try {
            first.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AccessMonitor.PermanentFailure p) {
                stop();
                throw p;
            }
            log.warn("Could not reach the Memoram API at start ({}); starting with what is known and retrying every {} ms",
                    e.getCause().getMessage(), config.accessCheckInterval().toMillis());
        } catch (TimeoutException e) {
            log.warn("The Memoram API did not answer within {} ms at start; starting with what is known", START_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while starting", e);
        }
        long interval = config.accessCheckInterval().toMillis();
        executor.scheduleWithFixedDelay(this::refreshSafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void refreshSafely() {
        try {
            monitor.refresh();
        } catch (AccessMonitor.PermanentFailure e) {
            log.error("{}", e.getMessage());
            context().raiseError(e);
        } catch (RuntimeException e) {
            log.warn("Could not check this connector's access requests ({}); trying again at the next interval", e.getMessage());
        }
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<TaskAssignment.Request>> groups = TaskAssignment.groups(monitor.requests());
        monitor.published(groups);
        List<Map<String, String>> configs = TaskAssignment.taskConfigs(props, groups, maxTasks);
        log.info("{} access requests in {} groups over {} tasks ({} memory keys still unresolved)",
                groups.stream().mapToInt(List::size).sum(), groups.size(), configs.size(), monitor.unresolvedKeys());
        return configs;
    }

    @Override
    public void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            client.close();
        }
    }

    /**
     * Supported: each poll() returns a self-contained batch whose last record per bucket carries
     * the bucket's full manifest after the batch, so the framework's per-poll transactions commit
     * records and the matching offsets atomically; a restarted task resumes from the committed
     * manifests and emits nothing twice.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Accepts resets (null offsets) and well-formed offsets of this connector's partition shapes
     * (docs/source.md, "Offsets"). Resetting a user's partitions makes the next run emit all of that
     * user's blobs and tags again.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            try {
                SourceOffsets.validate(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new ConnectException("Invalid offset for source partition " + e.getKey() + ": " + ex.getMessage());
            }
        }
        return true;
    }
}
