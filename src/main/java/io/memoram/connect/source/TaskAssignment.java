package io.memoram.connect.source;

import io.memoram.connect.access.AccessShare;
import io.memoram.connect.access.AccessTaskConfig;

/**
 * The source's task configs. Every task is given the same requests (configured ids and ids filed
 * for memory keys, never a user) and its number out of the task count; each task then takes its
 * own share of users ({@link AccessShare}: a stable hash of the user id), reading the account's
 * listing itself. So task configs change only when {@code tasks.max} or the configured ids and
 * keys change, and an approval or a revocation restarts no task and moves no user.
 *
 * <p>The configs themselves are written by {@link AccessTaskConfig#taskConfigs}, as the sink's are:
 * the connector config minus {@code memoram.memory.keys}, plus the task keys. They carry request
 * ids and memory-key fingerprints, never a key.
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
}
