package io.memoram.connect.config;

import io.memoram.connect.client.model.BlobQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of {@code MemoramSourceConnector} (reference: docs/configuration.md, generated from this ConfigDef; behaviour: docs/source.md). */
public class MemoramSourceConfig extends MemoramCommonConfig {

    public static final String TOPICS_GROUP = "Topics";
    public static final String POLLING_GROUP = "Polling and filters";
    public static final String BEHAVIOR_GROUP = "Error and delete handling";
    public static final String SIGNALS_GROUP = "Signals and notifications";

    public static final String SIGNAL_TOPIC_CONFIG = "memoram.signal.topic";
    private static final String SIGNAL_TOPIC_DOC = "Topic of signals to this connector (restream, pause, resume; see docs/source.md, \"Signals\"), read by every task with a consumer of its own. One partition; a record whose key is set must have the connector's name as key. Empty (default): no signal topic (the JMX operation still works).";
    public static final String SIGNAL_BOOTSTRAP_SERVERS_CONFIG = "memoram.signal.bootstrap.servers";
    private static final String SIGNAL_BOOTSTRAP_SERVERS_DOC = "Bootstrap servers of the Kafka cluster holding " + SIGNAL_TOPIC_CONFIG + "; required with it. Further consumer settings (security, SASL; secrets through config providers) go under the prefix " + "memoram.signal.consumer." + ".";
    /** Consumer settings of the signal channel, e.g. memoram.signal.consumer.security.protocol. */
    public static final String SIGNAL_CONSUMER_PREFIX = "memoram.signal.consumer.";
    public static final String NOTIFICATION_TOPIC_CONFIG = "memoram.notification.topic";
    private static final String NOTIFICATION_TOPIC_DOC = "Topic of the connector's notifications (initial load complete, restream started and complete with counts, paused, resumed; each with the id of its signal). Default: the access topic. Initial loads are notified only when this or " + SIGNAL_TOPIC_CONFIG + " is set.";

    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    public static final String TOPIC_PREFIX_DEFAULT = "memoram";
    private static final String TOPIC_PREFIX_DOC = "Records go to <prefix>.memories, <prefix>.tags and <prefix>.access unless those topics are named explicitly.";

    public static final String MEMORIES_TOPIC_CONFIG = "memoram.memories.topic";
    private static final String MEMORIES_TOPIC_DOC = "Topic for memory blobs. Default: <topic.prefix>.memories.";

    public static final String TAGS_TOPIC_CONFIG = "memoram.tags.topic";
    private static final String TAGS_TOPIC_DOC = "Topic for tags. Default: <topic.prefix>.tags.";

    public static final String ACCESS_TOPIC_CONFIG = "memoram.access.topic";
    private static final String ACCESS_TOPIC_DOC = "Topic for access-request status changes (pending, approved, rejected, revoked) of the users this connector serves; no secrets. Its records also let the connector keep the ids of the requests it filed in Connect's offset storage. Default: <topic.prefix>.access.";

    public static final String TAGS_ENABLED_CONFIG = "memoram.tags.enabled";
    private static final String TAGS_ENABLED_DOC = "Stream tags as well as memory blobs.";

    public static final String POLL_INTERVAL_MS_CONFIG = "poll.interval.ms";
    public static final long POLL_INTERVAL_MS_DEFAULT = 30_000L;
    private static final String POLL_INTERVAL_MS_DOC = "Pause between passes over a user once the connector has caught up with that user, in milliseconds. At most seven days.";

    public static final String PAGE_SIZE_CONFIG = "memoram.page.size";
    public static final int PAGE_SIZE_DEFAULT = 100;
    private static final String PAGE_SIZE_DOC = "'limit' asked for on each list call; the server may return fewer.";

    public static final int MAX_IN_FLIGHT_DEFAULT = 8;
    private static final String MAX_IN_FLIGHT_DOC = "Concurrent API calls per task, across its users: one user's pages are read in order, different users in parallel. The default 8 hides a remote API's round trip (8 pages of 100 blobs per round trip is more than one task decrypts and produces) while keeping each task's load on the API modest; raise it for many small users behind a slow link, lower it to spare the API.";

    public static final String BUFFER_MAX_BYTES_CONFIG = "memoram.fetch.buffer.max.bytes";
    public static final long BUFFER_MAX_BYTES_DEFAULT = 32L * 1024 * 1024;
    public static final long BUFFER_MAX_BYTES_MAX = 4L << 30;
    private static final String BUFFER_MAX_BYTES_DOC = "Bytes of fetched records a task may hold before poll() hands them to Kafka (counting the records' text, a per-record overhead and the manifest strings their offsets hold). Without exactly-once, the records of new blobs and tags that wait for an offset flush (so that a crash cannot lose their tombstones, docs/source.md) are bounded by the same amount again. Above it no new page is fetched until the producer catches up, so a slow broker never makes a task's memory grow; the calls already in flight may add up to memoram.max.in.flight.requests pages to it. At most 4 GiB.";

    public static final String FILTER_TAGS_CONFIG = "memoram.filter.tags";
    private static final String FILTER_TAGS_DOC = "Only blobs with these tag names (passed as 'tags'). A blob that stops matching a filter is treated as gone (see behavior.on.delete).";

    public static final String FILTER_IMPORTANCE_MIN_CONFIG = "memoram.filter.importance.min";
    private static final String FILTER_IMPORTANCE_MIN_DOC = "Only blobs with at least this importance, 0.0 to 1.0 (passed as 'importance').";

    public static final String FILTER_SEARCH_CONFIG = "memoram.filter.search";
    private static final String FILTER_SEARCH_DOC = "Only blobs matching this search query (passed as 'searchQuery').";

    public static final String BEHAVIOR_ON_DELETE_CONFIG = "behavior.on.delete";
    public static final List<String> BEHAVIOR_ON_DELETE_VALUES = EnumSettings.spellings(OnDelete.class);
    private static final String BEHAVIOR_ON_DELETE_DOC = "What a blob or tag that disappears produces: 'tombstone' (a null value on its key, header memoram.op=d), "
            + "'rewrite' (first a record with the fields the connector still knows, the key's user_id and id, the rest null or empty, and "
            + "__deleted=true, then the tombstone; every other record of the memories and tags topics carries __deleted=false, so "
            + "sinks that drop headers or tombstones see deletions) or 'ignore' (nothing).";

    /** The flag every memory and tag value carries with behavior.on.delete=rewrite (Debezium's name, which data teams know). */
    public static final String DELETED_FIELD = "__deleted";

    public static final String VALUE_OP_FIELD_CONFIG = "memoram.value.op.field";
    private static final String VALUE_OP_FIELD_DOC = "When set, memory and tag values carry the operation in a field of this name "
            + "(an optional string: 'c' new, 'u' changed, 'd' deleted, 'r' re-read by a re-stream signal; as the header memoram.op), for sinks that drop headers. "
            + "Empty (the default): no such field, the values are exactly those without this setting. A name of letters, digits and "
            + "underscores that no value field has, e.g. __op.";

    public static final String BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG = "behavior.on.decryption.error";
    public static final List<String> BEHAVIOR_ON_DECRYPTION_ERROR_VALUES = EnumSettings.spellings(OnDecryptionError.class);
    private static final String BEHAVIOR_ON_DECRYPTION_ERROR_DOC = "A blob no known key opens: 'fail' the task, 'skip' it (counted in metrics, its id logged) or emit it 'raw' (content left sealed, header memoram.content.raw=true).";

    private static final String BEHAVIOR_ON_ACCESS_REVOKED_DOC = "A user whose access is rejected or revoked: 'skip' (stop that user, keep the others; re-checked every memoram.access.check.interval.ms) or 'fail' the task.";

    /** {@value #BEHAVIOR_ON_DELETE_CONFIG}: what a blob or tag that disappears produces. */
    public enum OnDelete {
        /** A null value on its key, header memoram.op=d. */
        TOMBSTONE,
        /** Nothing. */
        IGNORE,
        /** A record flagged __deleted=true with what is known, then the tombstone; live records carry __deleted=false. */
        REWRITE;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    /** {@value #BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG}: what a blob that no known key opens does. */
    public enum OnDecryptionError {
        /** Fail the task. */
        FAIL,
        /** Skip the blob (counted in metrics, its id logged). */
        SKIP,
        /** Emit it with its content still sealed (header memoram.content.raw=true). */
        RAW;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    /** Field names of the memory and tag values, which the operation field must not take. */
    static final java.util.Set<String> RESERVED_FIELD_NAMES = java.util.Set.of("id", "user_id", "title", "summary", "content",
            "tags", "tag_ids", "importance", "confidence", "source", "created_at", "updated_at", "key_version", "name",
            "description", "color", "is_enabled", DELETED_FIELD);

    public static final ConfigDef CONFIG_DEF = configDef();

    public static ConfigDef configDef() {
        ConfigDef def = addCommonConfig(new ConfigDef());
        int order = 0;
        def.define(TOPIC_PREFIX_CONFIG, Type.STRING, TOPIC_PREFIX_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                TOPIC_PREFIX_DOC, TOPICS_GROUP, ++order, Width.MEDIUM, "Topic prefix");
        def.define(MEMORIES_TOPIC_CONFIG, Type.STRING, null, Importance.MEDIUM,
                MEMORIES_TOPIC_DOC, TOPICS_GROUP, ++order, Width.MEDIUM, "Memories topic");
        def.define(TAGS_TOPIC_CONFIG, Type.STRING, null, Importance.MEDIUM,
                TAGS_TOPIC_DOC, TOPICS_GROUP, ++order, Width.MEDIUM, "Tags topic");
        def.define(ACCESS_TOPIC_CONFIG, Type.STRING, null, Importance.LOW,
                ACCESS_TOPIC_DOC, TOPICS_GROUP, ++order, Width.MEDIUM, "Access topic");
        def.define(TAGS_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                TAGS_ENABLED_DOC, TOPICS_GROUP, ++order, Width.SHORT, "Stream tags");

        order = 0;
        def.define(POLL_INTERVAL_MS_CONFIG, Type.LONG, POLL_INTERVAL_MS_DEFAULT, ConfigDef.Range.between(0, SEVEN_DAYS_MS), Importance.MEDIUM,
                POLL_INTERVAL_MS_DOC, POLLING_GROUP, ++order, Width.SHORT, "Poll interval (ms)");
        def.define(PAGE_SIZE_CONFIG, Type.INT, PAGE_SIZE_DEFAULT, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                PAGE_SIZE_DOC, POLLING_GROUP, ++order, Width.SHORT, "Page size");
        def.define(FILTER_TAGS_CONFIG, Type.LIST, "", Importance.LOW,
                FILTER_TAGS_DOC, POLLING_GROUP, ++order, Width.LONG, "Filter: tags");
        def.define(FILTER_IMPORTANCE_MIN_CONFIG, Type.DOUBLE, null, ConfigDef.LambdaValidator.with((name, value) -> {
                    if (value != null && ((Double) value < 0.0 || (Double) value > 1.0)) {
                        throw new org.apache.kafka.common.config.ConfigException(name, value, "must be between 0.0 and 1.0");
                    }
                }, () -> "0.0 to 1.0"), Importance.LOW,
                FILTER_IMPORTANCE_MIN_DOC, POLLING_GROUP, ++order, Width.SHORT, "Filter: minimum importance");
        def.define(FILTER_SEARCH_CONFIG, Type.STRING, null, Importance.LOW,
                FILTER_SEARCH_DOC, POLLING_GROUP, ++order, Width.LONG, "Filter: search query");
        defineMaxInFlight(def, MAX_IN_FLIGHT_DEFAULT, MAX_IN_FLIGHT_DOC, POLLING_GROUP, ++order);
        def.define(BUFFER_MAX_BYTES_CONFIG, Type.LONG, BUFFER_MAX_BYTES_DEFAULT, ConfigDef.Range.between(64 * 1024, BUFFER_MAX_BYTES_MAX), Importance.LOW,
                BUFFER_MAX_BYTES_DOC, POLLING_GROUP, ++order, Width.SHORT, "Fetch buffer (bytes)");

        order = 0;
        def.define(BEHAVIOR_ON_DELETE_CONFIG, Type.STRING, "tombstone", Validators.oneOf(BEHAVIOR_ON_DELETE_VALUES),
                Importance.MEDIUM, BEHAVIOR_ON_DELETE_DOC, BEHAVIOR_GROUP, ++order, Width.SHORT, "Behavior on delete",
                Validators.recommend(BEHAVIOR_ON_DELETE_VALUES));
        def.define(VALUE_OP_FIELD_CONFIG, Type.STRING, "", Validators.valueFieldName(RESERVED_FIELD_NAMES),
                Importance.LOW, VALUE_OP_FIELD_DOC, BEHAVIOR_GROUP, ++order, Width.SHORT, "Operation field in values");
        def.define(BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG, Type.STRING, "fail", Validators.oneOf(BEHAVIOR_ON_DECRYPTION_ERROR_VALUES),
                Importance.MEDIUM, BEHAVIOR_ON_DECRYPTION_ERROR_DOC, BEHAVIOR_GROUP, ++order, Width.SHORT,
                "Behavior on decryption error", Validators.recommend(BEHAVIOR_ON_DECRYPTION_ERROR_VALUES));
        def.define(BEHAVIOR_ON_ACCESS_REVOKED_CONFIG, Type.STRING, BEHAVIOR_ON_ACCESS_REVOKED_DEFAULT,
                Validators.oneOf(BEHAVIOR_ON_ACCESS_REVOKED_VALUES), Importance.MEDIUM, BEHAVIOR_ON_ACCESS_REVOKED_DOC,
                BEHAVIOR_GROUP, ++order, Width.SHORT, "Behavior on access revoked",
                Validators.recommend(BEHAVIOR_ON_ACCESS_REVOKED_VALUES));

        order = 0;
        def.define(SIGNAL_TOPIC_CONFIG, Type.STRING, null, Importance.LOW,
                SIGNAL_TOPIC_DOC, SIGNALS_GROUP, ++order, Width.MEDIUM, "Signal topic");
        def.define(SIGNAL_BOOTSTRAP_SERVERS_CONFIG, Type.STRING, null, Importance.LOW,
                SIGNAL_BOOTSTRAP_SERVERS_DOC, SIGNALS_GROUP, ++order, Width.LONG, "Signal bootstrap servers");
        def.define(NOTIFICATION_TOPIC_CONFIG, Type.STRING, null, Importance.LOW,
                NOTIFICATION_TOPIC_DOC, SIGNALS_GROUP, ++order, Width.MEDIUM, "Notification topic");
        return def;
    }

    private final OnDelete onDelete;
    private final OnDecryptionError onDecryptionError;

    public MemoramSourceConfig(Map<?, ?> originals) {
        this(CONFIG_DEF, originals);
    }

    /** For a task's config: {@code def} is {@link #CONFIG_DEF} plus the task's own keys, parsed in the same pass. */
    protected MemoramSourceConfig(ConfigDef def, Map<?, ?> originals) {
        super(def, originals);
        onDelete = EnumSettings.parse(OnDelete.class, BEHAVIOR_ON_DELETE_CONFIG, getString(BEHAVIOR_ON_DELETE_CONFIG));
        onDecryptionError = EnumSettings.parse(OnDecryptionError.class, BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG,
                getString(BEHAVIOR_ON_DECRYPTION_ERROR_CONFIG));
        if (signalTopic() != null && blankToNull(getString(SIGNAL_BOOTSTRAP_SERVERS_CONFIG)) == null) {
            throw new org.apache.kafka.common.config.ConfigException(SIGNAL_BOOTSTRAP_SERVERS_CONFIG, null,
                    "is required when " + SIGNAL_TOPIC_CONFIG + " is set");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The signal topic, or null when signals come through JMX only. */
    public String signalTopic() {
        return blankToNull(getString(SIGNAL_TOPIC_CONFIG));
    }

    /** The signal channel's consumer settings: the prefixed ones, then the bootstrap servers. Never log them. */
    public Map<String, Object> signalConsumerConfig() {
        Map<String, Object> c = new java.util.HashMap<>(originalsWithPrefix(SIGNAL_CONSUMER_PREFIX));
        c.put("bootstrap.servers", blankToNull(getString(SIGNAL_BOOTSTRAP_SERVERS_CONFIG)));
        return c;
    }

    /** Where notifications go: the notification topic, else the access topic. */
    public String notificationTopic() {
        String explicit = blankToNull(getString(NOTIFICATION_TOPIC_CONFIG));
        return explicit != null ? explicit : accessTopic();
    }

    /** Whether an operator asked for signals or notifications (then initial loads are notified too). */
    public boolean notifyInitialLoads() {
        return signalTopic() != null || blankToNull(getString(NOTIFICATION_TOPIC_CONFIG)) != null;
    }

    private String topic(String explicitKey, String suffix) {
        String explicit = getString(explicitKey);
        return explicit != null && !explicit.isBlank() ? explicit.trim() : getString(TOPIC_PREFIX_CONFIG) + "." + suffix;
    }

    public String memoriesTopic() {
        return topic(MEMORIES_TOPIC_CONFIG, "memories");
    }

    public String tagsTopic() {
        return topic(TAGS_TOPIC_CONFIG, "tags");
    }

    public String accessTopic() {
        return topic(ACCESS_TOPIC_CONFIG, "access");
    }

    public boolean tagsEnabled() {
        return getBoolean(TAGS_ENABLED_CONFIG);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_INTERVAL_MS_CONFIG));
    }

    public long bufferMaxBytes() {
        return getLong(BUFFER_MAX_BYTES_CONFIG);
    }

    public BlobQuery blobQuery() {
        List<String> tags = getList(FILTER_TAGS_CONFIG).stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        String search = getString(FILTER_SEARCH_CONFIG);
        return new BlobQuery(getInt(PAGE_SIZE_CONFIG), tags, search == null || search.isBlank() ? null : search,
                getDouble(FILTER_IMPORTANCE_MIN_CONFIG));
    }

    public OnDelete behaviorOnDelete() {
        return onDelete;
    }

    /** Whether a deletion gets a tombstone (behavior.on.delete=tombstone or rewrite). */
    public boolean tombstoneOnDelete() {
        return onDelete != OnDelete.IGNORE;
    }

    /** The name of the operation field of memory and tag values, or null when they carry none. */
    public String valueOpField() {
        String f = getString(VALUE_OP_FIELD_CONFIG);
        return f == null || f.isBlank() ? null : f.trim();
    }

    public OnDecryptionError behaviorOnDecryptionError() {
        return onDecryptionError;
    }
}
