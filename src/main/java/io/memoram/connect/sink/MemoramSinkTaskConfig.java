package io.memoram.connect.sink;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramSinkConfig;
import java.util.List;
import java.util.Map;

/**
 * A sink task's config, parsed once at start: the connector's settings ({@link MemoramSinkConfig})
 * plus the keys the connector adds per task ({@link AccessTaskConfig}, written by
 * {@link AccessTaskConfig#write}). A task started without them (directly, as unit tests do) is
 * task 0 and serves the configured {@code memoram.access.request.ids}.
 */
final class MemoramSinkTaskConfig extends MemoramSinkConfig {
    private final String connectorName;
    private final AccessTaskConfig task;
    private final List<String> requestIds;

    MemoramSinkTaskConfig(Map<String, String> props) {
        super(props);
        connectorName = props.getOrDefault("name", "memoram-sink");
        task = AccessTaskConfig.ofTask(props);
        requestIds = props.containsKey(AccessTaskConfig.REQUEST_IDS_CONFIG)
                ? task.requests().stream().map(AccessTaskConfig.Request::requestId).toList() : accessRequestIds();
    }

    String connectorName() {
        return connectorName;
    }

    int taskNumber() {
        return task.taskNumber();
    }

    /** The request ids this task serves: the connector's task keys, or the configured ids of a task started directly. */
    List<String> requestIds() {
        return requestIds;
    }
}
