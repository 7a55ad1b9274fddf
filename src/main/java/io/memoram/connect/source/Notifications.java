package io.memoram.connect.source;

import io.memoram.connect.source.offsets.SignalState;
import java.time.Instant;
import java.util.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records that tell what happened to a user because of a signal, or on its own (docs/source.md,
 * "Notifications"): on the notification topic (default: the access topic), keyed by user id. Each
 * carries the user's {@link SignalState} offset: a notification is how that state reaches offset
 * storage, so a script that saw "restream_complete" for its signal id knows a restart will not
 * repeat it.
 */
final class Notifications {
    static final String INITIAL_LOAD_COMPLETE = "initial_load_complete";
    static final String RESTREAM_STARTED = "restream_started";
    static final String RESTREAM_COMPLETE = "restream_complete";
    static final String PAUSED = "paused";
    static final String RESUMED = "resumed";

    static final Schema KEY = Schema.STRING_SCHEMA;
    static final Schema VALUE = SchemaBuilder.struct().name(SourceSchemas.NAMESPACE + "Notification").version(1)
            .doc("Something the source did for a user: initial load complete, re-stream started or complete (with counts), "
                    + "paused, resumed; with the id of the signal that caused it. No content, no secrets.")
            .field("type", Schema.STRING_SCHEMA)
            .field("user_id", Schema.STRING_SCHEMA)
            .field("signal_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("blobs", Schema.OPTIONAL_INT64_SCHEMA)
            .field("tags", Schema.OPTIONAL_INT64_SCHEMA)
            .field("observed_at", Timestamp.SCHEMA)
            .build();

    private Notifications() { }

    /**
     * A notification carrying {@code state}; {@code blobs}/{@code tags} are counts (re-read, or
     * known after the initial load), null where they do not apply.
     */
    static SourceRecord of(String topic, String type, String userId, String signalId, Long blobs, Long tags,
                           SignalState state, Instant at) {
        Struct value = new Struct(VALUE)
                .put("type", type)
                .put("user_id", userId)
                .put("signal_id", signalId)
                .put("blobs", blobs)
                .put("tags", tags)
                .put("observed_at", Date.from(at));
        return new SourceRecord(SignalState.partition(userId), state.offset(), topic, null, KEY, userId, VALUE, value,
                at.toEpochMilli());
    }
}
