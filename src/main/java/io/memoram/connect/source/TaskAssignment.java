package io.memoram.connect.source;

import io.memoram.connect.access.AccessShare;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.AccessTaskConfig.Request;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source's task configs. Every task is given the same requests (configured ids and ids filed
 * for memory keys, never a user) and its number out of the task count; each task then takes its
 * own share of users ({@link AccessShare}: a stable hash of the user id), reading the account's
 * listing itself. So task configs change only when {@code tasks.max} or the configured ids and
 * keys change, and an approval or a revocation restarts no task and moves no user.
 *
 * <p>Task configs are the connector config minus {@code memoram.memory.keys}, plus the keys of
 * {@link AccessTaskConfig}. They carry request ids and memory-key fingerprints, never a key.
 */
final class TaskAssignment {
    private TaskAssignment() { }

    /**
     * How many tasks share the users: {@code tasks.max} with discovery (any user may arrive), else no
     * more than the configured ids and keys (one user each at most), so no task idles for good.
     */
    static int taskCount(int maxTasks, boolean discovery, int configured) {
        int max = Math.max(maxTasks, 1);
        return discovery ? max : Math.min(max, Math.max(configured, 1));
    }

    /** One config per task; every task is given every request, without users (those are each task's own finding). */
    static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, List<Request> requests, int taskCount) {
        List<Request> given = new ArrayList<>();
        for (Request r : requests) {
            given.add(new Request(r.requestId(), null, r.keyFingerprint()));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (int t = 0; t < taskCount; t++) {
            Map<String, String> props = new HashMap<>(connectorProps);
            props.remove(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            configs.add(AccessTaskConfig.write(props, t, taskCount, given));
        }
        return configs;
    }
}
