package io.memoram.connect.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The keys a connector adds to each task config, for both connectors: {@link #taskConfigs} writes
 * both connectors' task configs; {@link #define} adds the keys to each task config class's
 * {@code ConfigDef} (the source's and the sink's {@code Memoram*TaskConfig}, as Kafka's
 * {@code MirrorSourceTaskConfig} does), which parses a task's config once; {@link #parse} reads the
 * task keys alone (tests, tools).
 *
 * <p>The requests travel as one JSON array ({@code [{"id": "...", "memory_key_sha256": "..."}]}),
 * because the API calls request ids opaque: an id may hold dots, colons, commas or any Unicode,
 * which neither a comma-separated list nor a config key built from the id could carry. Request ids,
 * user ids and key fingerprints are not secrets; a memory key is never a task config value.
 */
public final class AccessTaskConfig extends AbstractConfig {
    /** The task's number (JMX names, and its share of users in the source); the same key for the source and the sink. */
    public static final String TASK_NUMBER_CONFIG = "memoram.task.number";
    /** How many tasks share the users (the source's modulus, see {@link AccessShare}). */
    public static final String TASK_COUNT_CONFIG = "memoram.task.count";
    /** The access requests this task is given, as a JSON array (a key of its own: older task configs used a comma list). */
    public static final String REQUEST_IDS_CONFIG = "memoram.task.access.requests";

    static final String ID = "id";
    static final String USER_ID = "user_id";
    static final String KEY_FINGERPRINT = "memory_key_sha256";
    /** Far above any id the API hands out, low enough that a task config stays small. */
    static final int MAX_ID_LENGTH = 1024;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ConfigDef DEFINITION = define(new ConfigDef());

    /**
     * Adds the task keys to {@code def}: each task config class ({@code MemoramSourceTaskConfig},
     * {@code MemoramSinkTaskConfig}) defines them on top of its connector's {@code ConfigDef}, as
     * Kafka's {@code MirrorSourceTaskConfig} does, so a task's config is parsed once. The requests'
     * JSON is decoded by {@link #decodeRequests}, once, by whoever parsed the config.
     */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(TASK_NUMBER_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "The task's number, set by the connector.")
                .define(TASK_COUNT_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "How many tasks share the connector's users, set by the connector.")
                .define(REQUEST_IDS_CONFIG, Type.STRING, "[]", Importance.LOW,
                        "The access requests this task is given (JSON), set by the connector.");
    }

    /**
     * Fails unless the task keys are there: a task config written by another connector, or by an
     * older version of this one, is refused at task start rather than served with no requests.
     */
    public static void requireTaskKeys(Map<String, String> taskProps) {
        if (!taskProps.containsKey(REQUEST_IDS_CONFIG)) {
            throw new ConfigException("The task config lacks " + REQUEST_IDS_CONFIG
                    + ": it was not created by a Memoram connector of this version");
        }
    }

    /** The requests of a parsed task config ({@link #REQUEST_IDS_CONFIG}'s value). */
    public static List<Request> decodeRequests(String value) {
        return decode(REQUEST_IDS_CONFIG, value);
    }

    /** One request a task is given; {@code userId} and {@code keyFingerprint} may be null. */
    public record Request(String requestId, String userId, String keyFingerprint) {
        public Request {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    private final List<Request> requests;

    private AccessTaskConfig(Map<String, String> props) {
        super(DEFINITION, props, false);
        this.requests = decode(REQUEST_IDS_CONFIG, getString(REQUEST_IDS_CONFIG));
    }

    /**
     * Parses a task config written by {@link #write}.
     *
     * @throws ConfigException naming the key when a value is malformed or the task keys are missing
     */
    public static AccessTaskConfig parse(Map<String, String> taskProps) {
        requireTaskKeys(taskProps);
        return new AccessTaskConfig(taskProps);
    }

    /**
     * The task configs of a connector, for both connectors: each is the connector's config minus
     * {@code memoram.memory.keys}, plus this task's number out of {@code taskCount} and every request
     * without its user (each task finds users itself), so task configs change only when the
     * requests or the task count do.
     */
    public static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, List<Request> requests, int taskCount) {
        List<Request> given = new ArrayList<>();
        for (Request r : requests) {
            given.add(new Request(r.requestId(), null, r.keyFingerprint()));
        }
        List<Map<String, String>> configs = new ArrayList<>(taskCount);
        for (int t = 0; t < taskCount; t++) {
            Map<String, String> props = new HashMap<>(connectorProps);
            props.remove(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            configs.add(write(props, t, taskCount, given));
        }
        return configs;
    }

    /** Adds the task keys to {@code props}: this task's number, how many tasks share the users, and the requests. */
    public static Map<String, String> write(Map<String, String> props, int taskNumber, int taskCount, List<Request> requests) {
        ArrayNode array = JSON.createArrayNode();
        for (Request r : requests) {
            ObjectNode o = array.addObject().put(ID, r.requestId());
            if (r.userId() != null) {
                o.put(USER_ID, r.userId());
            }
            if (r.keyFingerprint() != null) {
                o.put(KEY_FINGERPRINT, r.keyFingerprint());
            }
        }
        props.put(REQUEST_IDS_CONFIG, array.toString());
        props.put(TASK_NUMBER_CONFIG, Integer.toString(taskNumber));
        props.put(TASK_COUNT_CONFIG, Integer.toString(taskCount));
        DEFINITION.parse(props); // what we write must parse: fail here, in the connector, not in every task
        decode(REQUEST_IDS_CONFIG, props.get(REQUEST_IDS_CONFIG));
        return props;
    }

    /** The request ids of a task config. */
    public static List<String> requestIds(Map<String, String> taskProps) {
        return parse(taskProps).requests.stream().map(Request::requestId).toList();
    }

    public List<Request> requests() {
        return requests;
    }

    public int taskNumber() {
        return getInt(TASK_NUMBER_CONFIG);
    }

    public int taskCount() {
        return getInt(TASK_COUNT_CONFIG);
    }

    /** Decodes and checks the JSON array; a repeated id keeps its first entry. */
    private static List<Request> decode(String name, String value) {
        JsonNode root;
        try {
            root = JSON.readTree(value == null ? "[]" : value);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, value, "must be a JSON array of access requests");
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException(name, value, "must be a JSON array of access requests");
        }
        Map<String, Request> out = new LinkedHashMap<>();
        for (JsonNode n : root) {
            String id = text(n, ID, name);
            if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
                throw new ConfigException(name, value, "every access request needs an \"" + ID + "\" of 1 to "
                        + MAX_ID_LENGTH + " characters");
            }
            String user = text(n, USER_ID, name);
            if (user != null && user.isBlank()) {
                throw new ConfigException(name, value, "\"" + USER_ID + "\" of access request " + id + " must not be blank");
            }
            String fp = text(n, KEY_FINGERPRINT, name);
            if (fp != null && !FINGERPRINT.matcher(fp).matches()) {
                throw new ConfigException(name, value, "\"" + KEY_FINGERPRINT + "\" of access request " + id
                        + " must be 64 lower-case hex characters");
            }
            out.putIfAbsent(id, new Request(id, user, fp));
        }
        return new ArrayList<>(out.values());
    }

    private static String text(JsonNode n, String field, String name) {
        JsonNode v = n.isObject() ? n.get(field) : null;
        if (v == null || v.isNull()) {
            if (!n.isObject()) {
                throw new ConfigException(name, n.toString(), "every element must be a JSON object");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ConfigException(name, n.toString(), "\"" + field + "\" must be a string");
        }
        return v.asText();
    }
}
