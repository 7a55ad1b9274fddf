package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramSourceConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A source task's config, parsed once at start, as Kafka's {@code MirrorSourceTaskConfig} is: the
 * connector's settings ({@link MemoramSourceConfig#CONFIG_DEF}) plus, in {@link #TASK_CONFIG_DEF},
 * the keys the connector adds per task ({@link AccessTaskConfig}, written by
 * {@link AccessTaskConfig#taskConfigs}: the task's number, the task count, the requests) and the
 * connector's name. The producer's record size limit is read as the worker passes it.
 *
 * @throws org.apache.kafka.common.config.ConfigException naming the key of a malformed value, or the
 *         task keys missing (a config not written by this connector)
 */
final class MemoramSourceTaskConfig extends MemoramSourceConfig {
    /** Connect's key for the connector's name, present in every connector and task config. */
    static final String NAME_CONFIG = "name";
    static final ConfigDef TASK_CONFIG_DEF = AccessTaskConfig.define(new ConfigDef(CONFIG_DEF))
            .define(NAME_CONFIG, Type.STRING, "memoram-source", Importance.LOW, "The connector's name, set by Connect.");

    private final List<AccessTaskConfig.Request> requests;
    private final long maxRecordBytes;

    MemoramSourceTaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props); // the connector's settings first: their errors name their keys
        AccessTaskConfig.requireTaskKeys(props);
        requests = AccessTaskConfig.decodeRequests(getString(AccessTaskConfig.REQUEST_IDS_CONFIG));
        maxRecordBytes = maxRecordBytes(props);
    }

    String connectorName() {
        return getString(NAME_CONFIG);
    }

    int taskNumber() {
        return getInt(AccessTaskConfig.TASK_NUMBER_CONFIG);
    }

    int taskCount() {
        return getInt(AccessTaskConfig.TASK_COUNT_CONFIG);
    }

    /** The requests every task is given (ids and key fingerprints; users are each task's own finding). */
    List<AccessTaskConfig.Request> requests() {
        return requests;
    }

    /** The producer's limit for one record: the connector's override, else Kafka's default. */
    long maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Read leniently, as before: a value the producer would refuse fails the worker, not this task. */
    private static long maxRecordBytes(Map<String, String> props) {
        String override = props.get(PullStep.MAX_REQUEST_SIZE_OVERRIDE);
        try {
            return override == null ? PullStep.DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(override.trim());
        } catch (NumberFormatException e) {
            return PullStep.DEFAULT_MAX_REQUEST_SIZE;
        }
    }
}
