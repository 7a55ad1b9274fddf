package io.memoram.connect.sink;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramSinkConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A sink task's config, parsed once at start, as Kafka's {@code MirrorSourceTaskConfig} is: the
 * connector's settings ({@link MemoramSinkConfig#CONFIG_DEF}) plus, in {@link #TASK_CONFIG_DEF},
 * the keys the connector adds per task ({@link AccessTaskConfig}, written by
 * {@link AccessTaskConfig#taskConfigs}) and the connector's name. A task started without the task
 * keys (directly, as unit tests do) is task 0 of 1 and serves the configured
 * {@code memoram.access.request.ids}.
 */
final class MemoramSinkTaskConfig extends MemoramSinkConfig {
    /** Connect's key for the connector's name, present in every connector and task config. */
    static final String NAME_CONFIG = "name";
    static final ConfigDef TASK_CONFIG_DEF = AccessTaskConfig.define(new ConfigDef(CONFIG_DEF))
            .define(NAME_CONFIG, Type.STRING, "memoram-sink", Importance.LOW, "The connector's name, set by Connect.");

    private final List<String> requestIds;

    MemoramSinkTaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props);
        requestIds = props.containsKey(AccessTaskConfig.REQUEST_IDS_CONFIG)
                ? AccessTaskConfig.decodeRequests(getString(AccessTaskConfig.REQUEST_IDS_CONFIG)).stream()
                        .map(AccessTaskConfig.Request::requestId).toList()
                : accessRequestIds();
    }

    String connectorName() {
        return getString(NAME_CONFIG);
    }

    int taskNumber() {
        return getInt(AccessTaskConfig.TASK_NUMBER_CONFIG);
    }

    /** The request ids this task serves: the connector's task keys, or the configured ids of a task started directly. */
    List<String> requestIds() {
        return requestIds;
    }
}
