package io.memoram.connect.source;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessRefresher;
import io.memoram.connect.access.AccessRequestResolver;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.ConnectorAccess;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.RequestListener;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.config.ConnectorValidation;
import io.memoram.connect.config.MemoramSourceConfig;
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
 * <p>The connector's access requests (configured, filed for memory keys, discovered) come from
 * {@link ConnectorAccess}, refreshed every {@code memoram.access.check.interval.ms}; it asks for
 * task reconfiguration when the requests or their users change. Users are spread over tasks (one
 * user, one task). Task configs carry request ids, never keys.
 */
public class MemoramSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(MemoramSourceConnector.class);

    private Map<String, String> props;
    private MemoramClient client;
    private ConnectorAccess access;
    private AccessRefresher refresher;

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
        if (config.accessRequestIds().isEmpty() && config.memoryKeys().isEmpty() && !config.accessDiscovery().enabled()) {
            throw new ConnectException("Configure at least one of memoram.access.request.ids and memoram.memory.keys, "
                    + "or set memoram.access.discovery");
        }
        client = MemoramClient.create(config.clientConfig(RequestListener.NONE)).withRetry(RetryPolicy.SHORT);
        OffsetStorageReader offsets = context().offsetStorageReader();
        access = new ConnectorAccess(client, new AccessRequestResolver(client, config.accessRequestReason()),
                fingerprints -> rememberedRequests(offsets, fingerprints), config.accessRequestIds(), config.memoryKeys(),
                config.accessDiscovery(), config.accessRequestReason(), () -> context().requestTaskReconfiguration());
        try {
            refresher = AccessRefresher.start(access, config.accessCheckInterval(), "memoram-source-access-" + name,
                    e -> context().raiseError(e));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
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
        List<List<AccessTaskConfig.Request>> groups = TaskAssignment.groups(requests);
        List<Map<String, String>> configs = TaskAssignment.taskConfigs(props, groups, maxTasks);
        log.info("{} access requests in {} groups over {} tasks ({} memory keys still unresolved)",
                requests.size(), groups.size(), configs.size(), access.unresolvedKeys());
        return configs;
    }

    @Override
    public void stop() {
        if (refresher != null) {
            refresher.close();
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
