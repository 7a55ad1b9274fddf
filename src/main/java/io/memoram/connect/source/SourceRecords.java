package io.memoram.connect.source;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/** Builds the records of the three topics from API objects (docs/source.md, "Records"). */
final class SourceRecords {
    static final String OP_HEADER = "memoram.op";
    static final String RAW_HEADER = "memoram.content.raw";
    static final String CREATE = "c";
    static final String UPDATE = "u";
    static final String DELETE = "d";

    private SourceRecords() { }

    /**
     * A memory blob record. {@code content} is the plaintext, or the sealed content when {@code raw}
     * (then {@code keyVersion} is null and the record carries {@code memoram.content.raw=true}).
     */
    static SourceRecord memory(String topic, StreamManifests.Position pos, String userId, MemoryBlob b, String content,
                               Integer keyVersion, boolean raw, String op) {
        Struct value = new Struct(SourceSchemas.MEMORY)
                .put("id", b.id())
                .put("user_id", userId)
                .put("title", b.title())
                .put("summary", b.summary())
                .put("content", content)
                .put("tags", new ArrayList<>(b.tags()))
                .put("tag_ids", new ArrayList<>(b.tagIds()))
                .put("importance", b.importance())
                .put("confidence", b.confidence())
                .put("source", b.source())
                .put("created_at", date(b.createdAt()))
                .put("updated_at", date(b.updatedAt()))
                .put("key_version", raw ? null : keyVersion);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(OP_HEADER, op);
        if (raw) {
            headers.addString(RAW_HEADER, "true");
        }
        return new SourceRecord(pos.partition(), pos.offset(), topic, null, SourceSchemas.MEMORY_KEY,
                memoryKey(userId, b.id()), SourceSchemas.MEMORY, value, millis(b.updatedAt()), headers);
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
        headers.addString(OP_HEADER, op);
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
        return new Struct(SourceSchemas.MEMORY_KEY).put("user_id", userId).put("id", id);
    }

    static Struct tagKey(String userId, String id) {
        return new Struct(SourceSchemas.TAG_KEY).put("user_id", userId).put("id", id);
    }

    private static SourceRecord tombstone(String topic, StreamManifests.Position pos, org.apache.kafka.connect.data.Schema keySchema,
                                          Struct key, Instant now) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(OP_HEADER, DELETE);
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
