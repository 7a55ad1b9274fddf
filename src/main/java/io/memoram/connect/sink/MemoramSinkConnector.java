package io.memoram.connect.sink;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessRequestResolver;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.Secret;
import io.memoram.connect.config.ConnectorValidation;
import io.memoram.connect.config.MemoramCommonConfig;
import io.memoram.connect.config.MemoramSinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kafka records to Memoram as memory blobs (docs/sink.md). The connector resolves the
 * configured memory keys to access request ids once, so that task configs carry request ids only:
 * never memory keys, tokens or encryption keys. Every task gets every request id, because Kafka
 * partitions records by key, not by user.
 */
public class MemoramSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(MemoramSinkConnector.class);

    private Map<String, String> props;
    private List<String> requestIds;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        MemoramSinkConfig config = new MemoramSinkConfig(props);
        Set<String> ids = new LinkedHashSet<>(config.accessRequestIds());
        List<Secret> keys = config.memoryKeys();
        if (!keys.isEmpty()) {
            try (MemoramClient client = MemoramClient.create(config.clientConfig(null));
                 MemoramClient createClient = MemoramClient.create(client.config().toBuilder().maxRetries(0).build())) {
                AccessRequestResolver resolver = new AccessRequestResolver(client, createClient, config.accessRequestReason());
                for (Secret key : keys) {
                    String id = resolver.resolve(key);
                    log.info("Memory key {} maps to access request {}", AccessRequestResolver.keyFingerprint(key), id);
                    ids.add(id);
                }
            } catch (RuntimeException e) {
                // The client's messages never carry secrets.
                throw new ConnectException("Could not resolve memoram.memory.keys to access requests: " + e.getMessage(), e);
            }
        }
        requestIds = new ArrayList<>(ids);
        log.info("Memoram sink connector started with {} access request(s)", requestIds.size());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MemoramSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.remove(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            configs.add(AccessTaskConfig.write(task, i,
                    requestIds.stream().map(id -> new AccessTaskConfig.Request(id, null, null)).toList()));
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("Memoram sink connector stopped");
    }

    @Override
    public ConfigDef config() {
        return MemoramSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConnectorValidation.validate(connectorConfigs, config(), ConnectorValidation.DEFAULT_LIVE_CHECK_TIMEOUT);
    }
}
