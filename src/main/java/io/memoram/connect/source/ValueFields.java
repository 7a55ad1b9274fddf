package io.memoram.connect.source;

import io.memoram.connect.config.MemoramSourceConfig;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The fields that behavior.on.delete=rewrite ({@value MemoramSourceConfig#DELETED_FIELD}) and
 * memoram.value.op.field add to memory and tag values, for sinks that drop headers or tombstones
 * (docs/source.md, "Deletes for analytics sinks"). Kept apart from {@link SourceRecords} so that the
 * default records are built exactly as before: {@link #NONE} hands every record back untouched.
 */
final class ValueFields {
    static final ValueFields NONE = new ValueFields(false, null);

    private final boolean deletedFlag;
    private final String opField;
    private final Schema memory;
    private final Schema tag;

    private ValueFields(boolean deletedFlag, String opField) {
        this.deletedFlag = deletedFlag;
        this.opField = opField;
        this.memory = deletedFlag || opField != null ? extend(SourceSchemas.MEMORY) : SourceSchemas.MEMORY;
        this.tag = deletedFlag || opField != null ? extend(SourceSchemas.TAG) : SourceSchemas.TAG;
    }

    /** @param opField the name of the operation field, or null for none */
    static ValueFields of(boolean deletedFlag, String opField) {
        return !deletedFlag && opField == null ? NONE : new ValueFields(deletedFlag, opField);
    }

    static ValueFields of(MemoramSourceConfig config) {
        return of(config.behaviorOnDelete() == MemoramSourceConfig.OnDelete.REWRITE, config.valueOpField());
    }

    /** Whether a deletion gets a record flagged as deleted before its tombstone. */
    boolean rewritesDeletes() {
        return deletedFlag;
    }

    Schema memorySchema() {
        return memory;
    }

    Schema tagSchema() {
        return tag;
    }

    /** Same name and version: the added fields have defaults (false, null), so a registry sees a compatible change. */
    private Schema extend(Schema base) {
        SchemaBuilder b = SchemaBuilder.struct().name(base.name()).version(base.version()).doc(base.doc());
        for (Field f : base.fields()) {
            b.field(f.name(), f.schema());
        }
        if (deletedFlag) {
            b.field(MemoramSourceConfig.DELETED_FIELD, SchemaBuilder.bool().defaultValue(false).build());
        }
        if (opField != null) {
            b.field(opField, Schema.OPTIONAL_STRING_SCHEMA);
        }
        return b.build();
    }

    /** A memory or tag record with the added fields (not deleted); any other record, and every record with {@link #NONE}, as it is. */
    SourceRecord live(SourceRecord r) {
        if (this == NONE || r.value() == null) {
            return r;
        }
        Schema target = r.valueSchema() == SourceSchemas.MEMORY ? memory : r.valueSchema() == SourceSchemas.TAG ? tag : null;
        if (target == null) {
            return r;
        }
        Struct from = (Struct) r.value();
        Struct value = new Struct(target);
        for (Field f : from.schema().fields()) {
            value.put(f.name(), from.get(f));
        }
        fill(value, false, r);
        return r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), target, value, r.timestamp(), r.headers());
    }

    /**
     * The record that goes right before {@code tombstone} with behavior.on.delete=rewrite: the same
     * key, topic, timestamp, header and source position, and a value with what the connector still
     * knows of a deleted blob or tag. Its offsets keep only fingerprints, so that is the key's
     * user_id and id; every other field is null (a memory's tags and tag_ids, which the schema
     * requires, are empty).
     */
    SourceRecord deleted(SourceRecord tombstone) {
        Struct key = (Struct) tombstone.key();
        boolean isMemory = SourceSchemas.MEMORY_KEY.name().equals(key.schema().name());
        Schema target = isMemory ? memory : tag;
        Struct value = new Struct(target).put("id", key.getString("id")).put("user_id", key.getString("user_id"));
        if (isMemory) {
            value.put("tags", List.of()).put("tag_ids", List.of());
        }
        fill(value, true, tombstone);
        return tombstone.newRecord(tombstone.topic(), tombstone.kafkaPartition(), tombstone.keySchema(), key, target, value,
                tombstone.timestamp(), tombstone.headers().duplicate());
    }

    private void fill(Struct value, boolean deleted, SourceRecord r) {
        if (deletedFlag) {
            value.put(MemoramSourceConfig.DELETED_FIELD, deleted);
        }
        if (opField != null) {
            Header op = r.headers().lastWithName(SourceRecords.OP_HEADER);
            value.put(opField, op == null ? null : String.valueOf(op.value()));
        }
    }
}
