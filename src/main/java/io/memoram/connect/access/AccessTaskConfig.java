package io.memoram.connect.access;

import java.util.ArrayList;
import java.util.LinkedHashSet;
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
 * The keys a connector adds to each task config, for both connectors, defined in a
 * {@link ConfigDef} (as Kafka's MirrorMaker task configs are) so that a task config is parsed and
 * validated in one place instead of splitting hand-joined strings.
 *
 * <p>Per request, optional facts are keyed by the request id, the way Connect keys a transform's
 * settings by its alias: {@code memoram.task.access.request.<id>.user.id} and
 * {@code memoram.task.access.request.<id>.memory.key.sha256}. Request ids, user ids and key
 * fingerprints are not secrets; a memory key is never a task config value.
 */
public final class AccessTaskConfig extends AbstractConfig {
    /** The task's number (JMX names); the same key for the source and the sink. */
    public static final String TASK_NUMBER_CONFIG = "memoram.task.number";
    /** The access requests this task serves. */
    public static final String REQUEST_IDS_CONFIG = "memoram.task.access.request.ids";
    static final String REQUEST_PREFIX = "memoram.task.access.request.";
    static final String USER_ID_SUFFIX = ".user.id";
    static final String KEY_FINGERPRINT_SUFFIX = ".memory.key.sha256";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    /** One request a task serves; {@code userId} and {@code keyFingerprint} may be null. */
    public record Request(String requestId, String userId, String keyFingerprint) {
        public Request {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    private final List<Request> requests;

    private AccessTaskConfig(ConfigDef def, Map<String, String> props) {
        super(def, props, false);
        List<Request> out = new ArrayList<>();
        for (String id : getList(REQUEST_IDS_CONFIG)) {
            out.add(new Request(id, getString(userKey(id)), getString(fingerprintKey(id))));
        }
        this.requests = List.copyOf(out);
    }

    /**
     * Parses a task config written by {@link #write}.
     *
     * @throws ConfigException naming the key when a value is malformed or the task keys are missing
     */
    public static AccessTaskConfig parse(Map<String, String> taskProps) {
        if (!taskProps.containsKey(REQUEST_IDS_CONFIG)) {
            throw new ConfigException("The task config lacks " + REQUEST_IDS_CONFIG
                    + ": it was not created by a Memoram connector of this version");
        }
        return new AccessTaskConfig(definition(ids(taskProps.get(REQUEST_IDS_CONFIG))), taskProps);
    }

    /** Adds the task keys for {@code requests} and the task number to {@code props} (the connector's config). */
    public static Map<String, String> write(Map<String, String> props, int taskNumber, List<Request> requests) {
        List<String> ids = new ArrayList<>();
        for (Request r : requests) {
            ids.add(r.requestId());
            if (r.userId() != null) {
                props.put(userKey(r.requestId()), r.userId());
            }
            if (r.keyFingerprint() != null) {
                props.put(fingerprintKey(r.requestId()), r.keyFingerprint());
            }
        }
        props.put(REQUEST_IDS_CONFIG, String.join(",", ids));
        props.put(TASK_NUMBER_CONFIG, Integer.toString(taskNumber));
        definition(ids).parse(props); // what we write must parse: fail here, in the connector, not in every task
        return props;
    }

    /** The request ids of a task config, or empty when it has none. */
    public static List<String> requestIds(Map<String, String> taskProps) {
        return parse(taskProps).requests.stream().map(Request::requestId).toList();
    }

    public List<Request> requests() {
        return requests;
    }

    public int taskNumber() {
        return getInt(TASK_NUMBER_CONFIG);
    }

    /** The definition for a task config serving {@code ids}: the fixed keys plus two optional keys per id. */
    static ConfigDef definition(List<String> ids) {
        ConfigDef def = new ConfigDef()
                .define(TASK_NUMBER_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "The task's number, set by the connector.")
                .define(REQUEST_IDS_CONFIG, Type.LIST, "", listOf(ID, "an access request id"), Importance.LOW,
                        "Access requests this task serves, set by the connector.");
        for (String id : ids) {
            def.define(userKey(id), Type.STRING, null, matching(Pattern.compile("\\S{1,256}"), "a user id"),
                    Importance.LOW, "The user of access request " + id + ", when the connector knew it.");
            def.define(fingerprintKey(id), Type.STRING, null, matching(FINGERPRINT, "64 lower-case hex characters"),
                    Importance.LOW, "SHA-256 fingerprint of the memory key access request " + id + " was filed for.");
        }
        return def;
    }

    private static List<String> ids(String value) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (value != null) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    ids.add(s.trim());
                }
            }
        }
        return new ArrayList<>(ids);
    }

    static String userKey(String requestId) {
        return REQUEST_PREFIX + requestId + USER_ID_SUFFIX;
    }

    static String fingerprintKey(String requestId) {
        return REQUEST_PREFIX + requestId + KEY_FINGERPRINT_SUFFIX;
    }

    private static ConfigDef.Validator matching(Pattern p, String what) {
        return (name, value) -> {
            if (value != null && !p.matcher((String) value).matches()) {
                throw new ConfigException(name, value, "must be " + what);
            }
        };
    }

    private static ConfigDef.Validator listOf(Pattern p, String what) {
        return (name, value) -> {
            for (Object o : (List<?>) value) {
                if (!p.matcher(o.toString()).matches()) {
                    throw new ConfigException(name, o, "every element must be " + what);
                }
            }
        };
    }
}
