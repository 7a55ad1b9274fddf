package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Task configs for tests and benchmarks that drive a source task without a connector. */
public final class TaskConfigs {
    private TaskConfigs() { }

    /**
     * The config of the only task, given these requests with their users: the task trusts a given user
     * until its own listing names one, and owns every user (one task).
     */
    public static Map<String, String> singleTask(Map<String, String> connectorProps, List<AccessTaskConfig.Request> requests) {
        Map<String, String> props = new HashMap<>(connectorProps);
        props.remove(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
        return AccessTaskConfig.write(props, 0, 1, requests);
    }
}
