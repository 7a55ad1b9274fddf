package io.memoram.connect.source;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/** Builds the records of the three topics from API objects (docs/source.md, "Records"). */
final class SourceRecords {
    static final String OP_HEADER = "memoram.op";
    static final String RAW_HEADER = "memoram.content.raw";
    static final String CREATE = "c";
    static final String UPDATE = "u";
    static final String DELETE = "d";
    /** A re-read: the item as it is now, emitted again by a re-stream signal (Debezium's "r"). */
    static final String READ = "r";

    private SourceRecords() { }

    /**
     * A memory blob record. {@code content} is the plaintext, or the sealed content when {@code raw}
     * (then {@code keyVersion} is null and the record carries {@code memoram.content.raw=true}).
     */
    static SourceRecord memory(String topic, StreamManifests.Position pos, String userId, MemoryBlob b, String content,
                               Integer keyVersion, boolean raw, String op) {
        // Fields by reference, not by name: Struct.put(String, ..) looks each name up before it validates.
        Struct value = new Struct(SourceSchemas.MEMORY)
                .put(Memory.ID, b.id())
                .put(Memory.USER_ID, userId)
                .put(Memory.TITLE, b.title())
                .put(Memory.SUMMARY, b.summary())
                .put(Memory.CONTENT, content)
                .put(Memory.TAGS, new ArrayList<>(b.tags()))
                .put(Memory.TAG_IDS, new ArrayList<>(b.tagIds()))
                .put(Memory.IMPORTANCE, b.importance())
                .put(Memory.CONFIDENCE, b.confidence())
                .put(Memory.SOURCE, b.source())
                .put(Memory.CREATED_AT, date(b.createdAt()))
                .put(Memory.UPDATED_AT, date(b.updatedAt()))
                .put(Memory.KEY_VERSION, raw ? null : keyVersion);
        ConnectHeaders headers = new ConnectHeaders();
        headers.add(opHeader(op));
        if (raw) {
            headers.add(RAW_TRUE);
        }
        return new SourceRecord(pos.partition(), pos.offset(), topic, null, SourceSchemas.MEMORY_KEY,
                memoryKey(userId, b.id()), SourceSchemas.MEMORY, value, millis(b.updatedAt()), headers);
    }

    /** The fields of {@link SourceSchemas#MEMORY}, looked up once. */
    private static final class Memory {
        static final Field ID = SourceSchemas.MEMORY.field("id");
        static final Field USER_ID = SourceSchemas.MEMORY.field("user_id");
        static final Field TITLE = SourceSchemas.MEMORY.field("title");
        static final Field SUMMARY = SourceSchemas.MEMORY.field("summary");
        static final Field CONTENT = SourceSchemas.MEMORY.field("content");
        static final Field TAGS = SourceSchemas.MEMORY.field("tags");
        static final Field TAG_IDS = SourceSchemas.MEMORY.field("tag_ids");
        static final Field IMPORTANCE = SourceSchemas.MEMORY.field("importance");
        static final Field CONFIDENCE = SourceSchemas.MEMORY.field("confidence");
        static final Field SOURCE = SourceSchemas.MEMORY.field("source");
        static final Field CREATED_AT = SourceSchemas.MEMORY.field("created_at");
        static final Field UPDATED_AT = SourceSchemas.MEMORY.field("updated_at");
        static final Field KEY_VERSION = SourceSchemas.MEMORY.field("key_version");
        static final Field KEY_USER_ID = SourceSchemas.MEMORY_KEY.field("user_id");
        static final Field KEY_ID = SourceSchemas.MEMORY_KEY.field("id");

        private Memory() { }
    }

    // Headers are immutable: one instance per value, shared by every record, instead of one per record.
    private static final Header OP_CREATE = header(OP_HEADER, CREATE);
    private static final Header OP_UPDATE = header(OP_HEADER, UPDATE);
    private static final Header OP_DELETE = header(OP_HEADER, DELETE);
    private static final Header RAW_TRUE = header(RAW_HEADER, "true");

    private static Header header(String key, String value) {
        return new ConnectHeaders().addString(key, value).lastWithName(key);
    }

    private static Header opHeader(String op) {
        return switch (op) {
            case CREATE -> OP_CREATE;
            case UPDATE -> OP_UPDATE;
            case DELETE -> OP_DELETE;
            default -> header(OP_HEADER, op);
        };
    }

    /** A tombstone for a blob that disappeared: same key, null value and value schema, header op=d. */
    static SourceRecord memoryTombstone(String topic, StreamManifests.Position pos, String userId, String id, Instant now) {
        return tombstone(topic, pos, SourceSchemas.MEMORY_KEY, memoryKey(userId, id), now);
    }

    static SourceRecord tag(String topic, StreamManifests.Position pos, String userId, Tag t, String op) {
        Struct value = new Struct(SourceSchemas.TAG)
                .put("id", t.id())
                .put("user_id", userId)
                .put("name", t.name())
                .put("description", t.description())
                .put("color", t.color())
                .put("is_enabled", t.isEnabled())
                .put("created_at", date(t.createdAt()))
                .put("updated_at", date(t.updatedAt()));
        ConnectHeaders headers = new ConnectHeaders();
        headers.add(opHeader(op));
        return new SourceRecord(pos.partition(), pos.offset(), topic, null, SourceSchemas.TAG_KEY,
                tagKey(userId, t.id()), SourceSchemas.TAG, value, millis(t.updatedAt()), headers);
    }

    static SourceRecord tagTombstone(String topic, StreamManifests.Position pos, String userId, String id, Instant now) {
        return tombstone(topic, pos, SourceSchemas.TAG_KEY, tagKey(userId, id), now);
    }

    /** A status of an access request; its offset is what the connector reads back after a restart. */
    static SourceRecord access(String topic, java.util.Map<String, ?> partition, String requestId, String status,
                               String userId, Instant observedAt) {
        Struct value = new Struct(SourceSchemas.ACCESS)
                .put("request_id", requestId)
                .put("status", status)
                .put("user_id", userId)
                .put("observed_at", Date.from(observedAt));
        return new SourceRecord(partition, SourceOffsets.accessOffset(requestId, status), topic, null,
                SourceSchemas.ACCESS_KEY, requestId, SourceSchemas.ACCESS, value, observedAt.toEpochMilli());
    }

    /**
     * The record that carries a user's pending offset ({@link CreateGate}): the status of the request
     * the user is served through, observed again. Offsets travel only on records, and this is the
     * one record a user always has to give, whatever its blobs and tags do.
     */
    static SourceRecord pendingCarrier(String topic, java.util.Map<String, ?> partition, java.util.Map<String, ?> offset,
                                       String requestId, String status, String userId, Instant observedAt) {
        Struct value = new Struct(SourceSchemas.ACCESS)
                .put("request_id", requestId)
                .put("status", status)
                .put("user_id", userId)
                .put("observed_at", Date.from(observedAt));
        return new SourceRecord(partition, offset, topic, null, SourceSchemas.ACCESS_KEY, requestId, SourceSchemas.ACCESS,
                value, observedAt.toEpochMilli());
    }

    static Struct memoryKey(String userId, String id) {
        return new Struct(SourceSchemas.MEMORY_KEY).put(Memory.KEY_USER_ID, userId).put(Memory.KEY_ID, id);
    }

    static Struct tagKey(String userId, String id) {
        return new Struct(SourceSchemas.TAG_KEY).put("user_id", userId).put("id", id);
    }

    private static SourceRecord tombstone(String topic, StreamManifests.Position pos, org.apache.kafka.connect.data.Schema keySchema,
                                          Struct key, Instant now) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.add(OP_DELETE);
        return new SourceRecord(pos.partition(), pos.offset(), topic, null, keySchema, key, null, null,
                now.toEpochMilli(), headers);
    }

    private static Date date(Instant i) {
        return i == null ? null : Date.from(i);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }
}
