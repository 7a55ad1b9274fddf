package io.memoram.connect.source;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.ConnectorAccess;
import io.memoram.connect.access.RunningAccess;
import io.memoram.connect.config.ConnectorValidation;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the memory blobs and tags of the users who granted access into Kafka (docs/source.md).
 *
 * <p>The connector's own access requests (configured ids, ids filed for memory keys) come from
 * {@link ConnectorAccess}, refreshed every {@code memoram.access.check.interval.ms}; it asks for
 * task reconfiguration only when they change (a memory key resolved). Every task is given them
 * all and takes its own share of users by a stable hash of the user id, reading the account's
 * listing itself (discovery included), so approvals and revocations restart no task and move no
 * user ({@link TaskAssignment}). Task configs carry request ids, never keys.
 */
public class MemoramSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(MemoramSourceConnector.class);

    private Map<String, String> props;
    private MemoramSourceConfig config;
    private ConnectorAccess access;
    private RunningAccess running;

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
        this.config = config;
        String name = props.getOrDefault("name", "memoram-source");
        if (config.accessRequestIds().isEmpty() && config.memoryKeys().isEmpty() && !config.accessDiscovery().enabled()) {
            throw new ConnectException("Configure at least one of memoram.access.request.ids and memoram.memory.keys, "
                    + "or set memoram.access.discovery");
        }
        OffsetStorageReader offsets = context().offsetStorageReader();
        running = RunningAccess.start(config, fingerprints -> rememberedRequests(offsets, fingerprints),
                "memoram-source-access-" + name, this::context);
        access = running.access();
    }

    /** The request ids the tasks recorded in offset storage for these memory-key fingerprints. */
    private static Map<String, String> rememberedRequests(OffsetStorageReader offsets, List<String> fingerprints) {
        List<Map<String, String>> partitions = fingerprints.stream().map(SourceOffsets::keyPartition).toList();
        Map<Map<String, String>, Map<String, Object>> stored = offsets.offsets(partitions);
        Map<String, String> out = new HashMap<>();
        for (String fp : fingerprints) {
            Map<String, Object> offset = stored.get(SourceOffsets.keyPartition(fp));
            if (offset != null && offset.get(SourceOffsets.REQUEST_ID) instanceof String id) {
                out.put(fp, id);
            }
        }
        return out;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<AccessTaskConfig.Request> requests = access.requests();
        access.published(requests);
        int tasks = TaskAssignment.taskCount(maxTasks, config.accessDiscovery().enabled(),
                config.accessRequestIds().size() + config.memoryKeys().size());
        List<Map<String, String>> configs = AccessTaskConfig.taskConfigs(props, requests, tasks);
        log.info("{} access requests given to {} tasks, each serving its share of users ({} memory keys still unresolved, discovery {})",
                requests.size(), configs.size(), access.unresolvedKeys(), config.accessDiscovery().wire());
        return configs;
    }

    @Override
    public void stop() {
        if (running != null) {
            running.close();
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
