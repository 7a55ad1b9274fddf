package io.memoram.connect.sink;

import io.memoram.connect.Version;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.ConnectorAccess;
import io.memoram.connect.access.RunningAccess;
import io.memoram.connect.config.ConnectorValidation;
import io.memoram.connect.config.MemoramSinkConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kafka records to Memoram as memory blobs (docs/sink.md). The connector resolves the
 * configured memory keys to access request ids, so that task configs carry request ids only:
 * never memory keys, tokens or encryption keys. Every task gets every request id, because Kafka
 * partitions records by key, not by user.
 */
public class MemoramSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(MemoramSinkConnector.class);

    private Map<String, String> props;
    private ConnectorAccess access;
    private RunningAccess running;

    /**
     * Accepts every alteration and reset of its offsets (Connect's REST API, KIP-875): the sink keeps
     * no offsets of its own anywhere (not in the API, not in a file); they are its consumer group's
     * only, which Connect has already changed by the time this is called. Returning true tells the
     * operator that nothing else needs resetting. A replay creates no duplicates (docs/sink.md).
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig,
                                Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        return true;
    }

    @Override
    public String version() {
        return Version.get();
    }

    /**
     * Starts with what it knows even while the API is down (configured ids; memory keys resolve
     * once it answers, and then the tasks are reconfigured). A refused API key or memory key fails
     * the connector. Resolution is the source's path ({@link ConnectorAccess}); discovery happens in
     * the tasks (a record for a user they do not know), so approvals never rebalance the sink.
     */
    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        MemoramSinkConfig config = new MemoramSinkConfig(props);
        String name = props.getOrDefault("name", "memoram-sink");
        running = RunningAccess.start(config, fingerprints -> Map.of(), "memoram-sink-access-" + name, this::context);
        access = running.access();
        log.info("Memoram sink connector started with {} access request(s) ({} memory keys still unresolved)",
                access.requests().size(), access.unresolvedKeys());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MemoramSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<AccessTaskConfig.Request> requests = access.requests();
        access.published(requests);
        // Every sink task is given every request: whichever task a record lands on can serve its user.
        return AccessTaskConfig.taskConfigs(props, requests, maxTasks);
    }

    @Override
    public void stop() {
        if (running != null) {
            running.close();
        }
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
