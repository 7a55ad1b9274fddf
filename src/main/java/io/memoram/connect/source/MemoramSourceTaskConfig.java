package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramSourceConfig;
import java.util.Map;

/**
 * A source task's config, parsed once at start: the connector's settings ({@link MemoramSourceConfig})
 * plus the keys the connector adds per task ({@link AccessTaskConfig}, written by
 * {@link AccessTaskConfig#write}: the task's number, the task count, the requests), the connector's
 * name and the producer's record size limit.
 *
 * @throws org.apache.kafka.common.config.ConfigException naming the key of a malformed value, or the
 *         task keys missing (a config not written by this connector)
 */
final class MemoramSourceTaskConfig extends MemoramSourceConfig {
    private final String connectorName;
    private final AccessTaskConfig task;
    private final long maxRecordBytes;

    MemoramSourceTaskConfig(Map<String, String> props) {
        super(props);
        connectorName = props.getOrDefault("name", "memoram-source");
        task = AccessTaskConfig.parse(props);
        maxRecordBytes = maxRecordBytes(props);
    }

    String connectorName() {
        return connectorName;
    }

    /** The task keys: number, count and requests. */
    AccessTaskConfig task() {
        return task;
    }

    /** The producer's limit for one record: the connector's override, else Kafka's default. */
    long maxRecordBytes() {
        return maxRecordBytes;
    }

    private static long maxRecordBytes(Map<String, String> props) {
        String override = props.get(PullStep.MAX_REQUEST_SIZE_OVERRIDE);
        try {
            return override == null ? PullStep.DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(override.trim());
        } catch (NumberFormatException e) {
            return PullStep.DEFAULT_MAX_REQUEST_SIZE;
        }
    }
}
