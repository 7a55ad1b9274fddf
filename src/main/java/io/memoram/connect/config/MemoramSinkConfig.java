package io.memoram.connect.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of {@code MemoramSinkConnector} (reference: docs/configuration.md, generated from this ConfigDef; behaviour: docs/sink.md). */
public class MemoramSinkConfig extends MemoramCommonConfig {

    public static final String MAPPING_GROUP = "Record mapping";
    public static final String WRITE_GROUP = "Writes";

    public static final String USER_ID_CONFIG = "memoram.user.id";
    private static final String USER_ID_DOC = "Send every record to this user (a user id of an approved access request). When unset, the user is read from memoram.user.id.field.";

    public static final String USER_ID_FIELD_CONFIG = "memoram.user.id.field";
    private static final String USER_ID_FIELD_DOC = "Field of the record value naming the target user, when memoram.user.id is unset.";

    public static final String FIELD_CONTENT_CONFIG = "memoram.field.content";
    public static final String FIELD_TITLE_CONFIG = "memoram.field.title";
    public static final String FIELD_SUMMARY_CONFIG = "memoram.field.summary";
    public static final String FIELD_TAGS_CONFIG = "memoram.field.tags";
    public static final String FIELD_IMPORTANCE_CONFIG = "memoram.field.importance";
    public static final String FIELD_CONFIDENCE_CONFIG = "memoram.field.confidence";
    public static final String FIELD_SOURCE_CONFIG = "memoram.field.source";
    public static final String FIELD_ID_CONFIG = "memoram.field.id";

    public static final String SOURCE_DEFAULT_CONFIG = "memoram.source.default";
    private static final String SOURCE_DEFAULT_DOC = "'source' written when the record has none. The sink appends an idempotency marker to the source it writes (see docs/sink.md).";

    public static final String WRITE_MODE_CONFIG = "memoram.write.mode";
    public static final List<String> WRITE_MODE_VALUES = EnumSettings.spellings(WriteMode.class);
    private static final String WRITE_MODE_DOC = "'upsert': records with the same Kafka key update one blob; 'insert': every record becomes a new blob.";

    public static final String BEHAVIOR_ON_NULL_VALUES_CONFIG = "behavior.on.null.values";
    public static final List<String> BEHAVIOR_ON_NULL_VALUES_VALUES = EnumSettings.spellings(OnNullValues.class);
    private static final String BEHAVIOR_ON_NULL_VALUES_DOC = "A tombstone (null value): 'delete' the blob of that key (a missing blob counts as deleted), 'ignore' it, or 'fail'.";

    private static final String MAX_IN_FLIGHT_DOC = "Concurrent API calls per task. Records with the same key are always applied in order.";

    private static final String BEHAVIOR_ON_ACCESS_REVOKED_DOC = "Records for a user whose access is rejected, revoked or unknown: 'skip' sends them to the dead letter queue (errors.tolerance=all with errors.deadletterqueue.topic.name) while other users' records flow, or 'fail' the task.";

    /**
     * The framework's {@code errors.tolerance} (validated by Connect, not defined here), which the
     * task reads to decide whether a bad record goes to the errant record reporter.
     */
    public static final String ERRORS_TOLERANCE_CONFIG = "errors.tolerance";

    /** {@value #WRITE_MODE_CONFIG}: which blob a record writes. */
    public enum WriteMode {
        /** Records with the same Kafka key update one blob. */
        UPSERT,
        /** Every record becomes a new blob. */
        INSERT;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    /** {@value #BEHAVIOR_ON_NULL_VALUES_CONFIG}: what a tombstone does. */
    public enum OnNullValues {
        /** Delete the blob of that key (a missing blob counts as deleted). */
        DELETE,
        /** Nothing. */
        IGNORE,
        /** Reject the record. */
        FAIL;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    /** {@value #ERRORS_TOLERANCE_CONFIG}, as Connect spells it. */
    public enum ErrorsTolerance {
        /** A bad record fails the task. */
        NONE,
        /** A bad record goes to the errant record reporter (the dead letter queue). */
        ALL;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    public static final ConfigDef CONFIG_DEF = configDef();

    public static ConfigDef configDef() {
        ConfigDef def = addCommonConfig(new ConfigDef());
        int order = 0;
        def.define(USER_ID_CONFIG, Type.STRING, null, Importance.HIGH, USER_ID_DOC, MAPPING_GROUP, ++order, Width.MEDIUM, "User id");
        def.define(USER_ID_FIELD_CONFIG, Type.STRING, "user_id", Importance.HIGH, USER_ID_FIELD_DOC, MAPPING_GROUP, ++order,
                Width.MEDIUM, "User id field");
        order = field(def, FIELD_CONTENT_CONFIG, "content", "the blob's content (required; encrypted before it leaves the worker)", order);
        order = field(def, FIELD_TITLE_CONFIG, "title", "the blob's title", order);
        order = field(def, FIELD_SUMMARY_CONFIG, "summary", "the blob's summary", order);
        order = field(def, FIELD_TAGS_CONFIG, "tags", "the blob's tag names (an array of strings, or one comma-separated string)", order);
        order = field(def, FIELD_IMPORTANCE_CONFIG, "importance", "the blob's importance (0.0 to 1.0)", order);
        order = field(def, FIELD_CONFIDENCE_CONFIG, "confidence", "the blob's confidence (0.0 to 1.0)", order);
        order = field(def, FIELD_SOURCE_CONFIG, "source", "the blob's source", order);
        order = field(def, FIELD_ID_CONFIG, "id", "an existing blob id: the record updates that blob", order);

        order = 0;
        def.define(SOURCE_DEFAULT_CONFIG, Type.STRING, "kafka-connect", new ConfigDef.NonEmptyString(), Importance.LOW,
                SOURCE_DEFAULT_DOC, WRITE_GROUP, ++order, Width.MEDIUM, "Default source");
        def.define(WRITE_MODE_CONFIG, Type.STRING, "upsert", Validators.oneOf(WRITE_MODE_VALUES), Importance.HIGH,
                WRITE_MODE_DOC, WRITE_GROUP, ++order, Width.SHORT, "Write mode", Validators.recommend(WRITE_MODE_VALUES));
        def.define(BEHAVIOR_ON_NULL_VALUES_CONFIG, Type.STRING, "delete", Validators.oneOf(BEHAVIOR_ON_NULL_VALUES_VALUES),
                Importance.MEDIUM, BEHAVIOR_ON_NULL_VALUES_DOC, WRITE_GROUP, ++order, Width.SHORT, "Behavior on null values",
                Validators.recommend(BEHAVIOR_ON_NULL_VALUES_VALUES));
        defineMaxInFlight(def, 16, MAX_IN_FLIGHT_DOC, WRITE_GROUP, ++order);
        def.define(BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, Type.STRING, BEHAVIOR_ON_ACCESS_REVOKED_DEFAULT,
                Validators.oneOf(BEHAVIOR_ON_ACCESS_REVOKED_VALUES), Importance.MEDIUM, BEHAVIOR_ON_ACCESS_REVOKED_DOC,
                WRITE_GROUP, ++order, Width.SHORT, "Behavior on access revoked",
                Validators.recommend(BEHAVIOR_ON_ACCESS_REVOKED_VALUES));
        return def;
    }

    private static int field(ConfigDef def, String key, String defaultField, String what, int order) {
        def.define(key, Type.STRING, defaultField, new ConfigDef.NonEmptyString(), Importance.LOW,
                "Field of the record value holding " + what + ".", MAPPING_GROUP, order + 1, Width.MEDIUM,
                "Field: " + defaultField);
        return order + 1;
    }

    private final WriteMode writeMode;
    private final OnNullValues onNullValues;
    private final ErrorsTolerance errorsTolerance;

    public MemoramSinkConfig(Map<?, ?> originals) {
        this(CONFIG_DEF, originals);
    }

    /** For a task's config: {@code def} is {@link #CONFIG_DEF} plus the task's own keys, parsed in the same pass. */
    protected MemoramSinkConfig(ConfigDef def, Map<?, ?> originals) {
        super(def, originals);
        writeMode = EnumSettings.parse(WriteMode.class, WRITE_MODE_CONFIG, getString(WRITE_MODE_CONFIG));
        onNullValues = EnumSettings.parse(OnNullValues.class, BEHAVIOR_ON_NULL_VALUES_CONFIG,
                getString(BEHAVIOR_ON_NULL_VALUES_CONFIG));
        Object tolerance = originals().get(ERRORS_TOLERANCE_CONFIG);
        errorsTolerance = tolerance == null ? ErrorsTolerance.NONE
                : EnumSettings.parse(ErrorsTolerance.class, ERRORS_TOLERANCE_CONFIG, tolerance);
    }

    /** The fixed target user, or null when it is read from each record. */
    public String userId() {
        String v = getString(USER_ID_CONFIG);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String userIdField() {
        return getString(USER_ID_FIELD_CONFIG);
    }

    public WriteMode writeMode() {
        return writeMode;
    }


    public OnNullValues behaviorOnNullValues() {
        return onNullValues;
    }

    /** Connect's errors.tolerance as given to this connector; none when unset, as in Connect. */
    public ErrorsTolerance errorsTolerance() {
        return errorsTolerance;
    }

    public String sourceDefault() {
        return getString(SOURCE_DEFAULT_CONFIG);
    }
}
