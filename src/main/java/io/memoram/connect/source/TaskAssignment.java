package io.memoram.connect.source;

import io.memoram.connect.config.MemoramCommonConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Spreads access requests over tasks. Requests whose user is known are grouped by user, so one
 * user is only ever served by one task (two tasks on one user would race on the same offsets);
 * a request whose user is not known yet (pending) is a group of its own. Groups go round-robin
 * over at most {@code maxTasks} tasks, in a stable order.
 *
 * <p>Task configs are the connector config minus {@code memoram.memory.keys}, plus the internal
 * keys below. They carry request ids and memory-key fingerprints, never a key.
 */
final class TaskAssignment {
    /** Comma-separated access request ids this task owns. */
    static final String TASK_REQUEST_IDS = "memoram.task.access.request.ids";
    /** {@code requestId:sha256} for the requests filed for a memory key. */
    static final String TASK_KEY_FINGERPRINTS = "memoram.task.access.key.fingerprints";
    /** {@code requestId:userId} for the requests whose user the connector knew when assigning. */
    static final String TASK_REQUEST_USERS = "memoram.task.access.request.users";
    /** The task's number, for metrics names. */
    static final String TASK_NUMBER = "memoram.task.number";

    /** What the connector knows about one request. {@code userId} and {@code keyFingerprint} may be null. */
    record Request(String requestId, String userId, String keyFingerprint) { }

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
            List<String> ids = new ArrayList<>();
            List<String> fps = new ArrayList<>();
            List<String> users = new ArrayList<>();
            for (Request r : perTask.get(t)) {
                ids.add(r.requestId());
                if (r.keyFingerprint() != null) {
                    fps.add(r.requestId() + ":" + r.keyFingerprint());
                }
                if (r.userId() != null) {
                    users.add(r.requestId() + ":" + r.userId());
                }
            }
            props.put(TASK_REQUEST_IDS, String.join(",", ids));
            props.put(TASK_KEY_FINGERPRINTS, String.join(",", fps));
            props.put(TASK_REQUEST_USERS, String.join(",", users));
            props.put(TASK_NUMBER, Integer.toString(t));
            configs.add(props);
        }
        return configs;
    }

    /** The requests a task config assigns, in order. */
    static List<Request> parse(Map<String, String> taskProps) {
        Map<String, String> fps = pairs(taskProps.get(TASK_KEY_FINGERPRINTS));
        Map<String, String> users = pairs(taskProps.get(TASK_REQUEST_USERS));
        List<Request> out = new ArrayList<>();
        String ids = taskProps.get(TASK_REQUEST_IDS);
        if (ids == null) {
            throw new IllegalArgumentException("task config lacks " + TASK_REQUEST_IDS + ": it was not created by MemoramSourceConnector");
        }
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                out.add(new Request(id.trim(), users.get(id.trim()), fps.get(id.trim())));
            }
        }
        return out;
    }

    private static Map<String, String> pairs(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s == null || s.isBlank()) {
            return m;
        }
        for (String pair : s.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                m.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
        return m;
    }
}
