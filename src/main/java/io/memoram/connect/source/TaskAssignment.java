package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.AccessTaskConfig.Request;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Spreads access requests over tasks. Requests whose user is known are grouped by user, so one
 * user is only ever served by one task (two tasks on one user would race on the same offsets);
 * a request whose user is not known yet (pending) is a group of its own. Groups go round-robin
 * over at most {@code maxTasks} tasks, in a stable order.
 *
 * <p>Task configs are the connector config minus {@code memoram.memory.keys}, plus the keys of
 * {@link AccessTaskConfig}. They carry request ids, user ids and memory-key fingerprints, never a key.
 */
final class TaskAssignment {
    /** The access request ids this task owns (their users and key fingerprints have keys of their own). */
    static final String TASK_REQUEST_IDS = AccessTaskConfig.REQUEST_IDS_CONFIG;
    /** The task's number, for metrics names: one key for both connectors. */
    static final String TASK_NUMBER = AccessTaskConfig.TASK_NUMBER_CONFIG;

    private TaskAssignment() { }

    /** Groups by user when known, else one group per request; groups and members sorted. */
    static List<List<Request>> groups(Iterable<Request> requests) {
        Map<String, List<Request>> byKey = new TreeMap<>();
        for (Request r : requests) {
            String key = r.userId() != null ? "user:" + r.userId() : "request:" + r.requestId();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<List<Request>> groups = new ArrayList<>();
        for (List<Request> g : byKey.values()) {
            g.sort(Comparator.comparing(Request::requestId));
            groups.add(List.copyOf(g));
        }
        return groups;
    }

    static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, List<List<Request>> groups, int maxTasks) {
        int tasks = Math.min(Math.max(maxTasks, 1), groups.size());
        List<List<Request>> perTask = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            perTask.add(new ArrayList<>());
        }
        for (int i = 0; i < groups.size(); i++) {
            perTask.get(i % tasks).addAll(groups.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            Map<String, String> props = new HashMap<>(connectorProps);
            props.remove(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            configs.add(AccessTaskConfig.write(props, t, perTask.get(t)));
        }
        return configs;
    }

    /**
     * The requests a task config assigns, in order.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of a malformed value
     */
    static List<Request> parse(Map<String, String> taskProps) {
        return AccessTaskConfig.parse(taskProps).requests();
    }
}
