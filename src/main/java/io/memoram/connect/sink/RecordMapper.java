package io.memoram.connect.sink;

import io.memoram.connect.config.MemoramSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a {@link SinkRecord} into a {@link WriteOp}, or says precisely why it cannot become a valid
 * blob ({@link InvalidRecordException}). Pure: no I/O, so every rule is unit-tested.
 */
public final class RecordMapper {

    /** Largest content accepted, in bytes of UTF-8 before encryption (1 MiB; documented in docs/sink.md). */
    public static final int MAX_CONTENT_BYTES = 1024 * 1024;

    private final String fixedUserId;
    private final String userIdField;
    private final String contentField;
    private final String titleField;
    private final String summaryField;
    private final String tagsField;
    private final String importanceField;
    private final String confidenceField;
    private final String sourceField;
    private final String idField;
    private final MemoramSinkConfig.WriteMode mode;
    private final MemoramSinkConfig.OnNullValues onNull;

    RecordMapper(MemoramSinkConfig config) {
        this.fixedUserId = config.userId();
        this.userIdField = config.userIdField();
        this.contentField = config.getString(MemoramSinkConfig.FIELD_CONTENT_CONFIG);
        this.titleField = config.getString(MemoramSinkConfig.FIELD_TITLE_CONFIG);
        this.summaryField = config.getString(MemoramSinkConfig.FIELD_SUMMARY_CONFIG);
        this.tagsField = config.getString(MemoramSinkConfig.FIELD_TAGS_CONFIG);
        this.importanceField = config.getString(MemoramSinkConfig.FIELD_IMPORTANCE_CONFIG);
        this.confidenceField = config.getString(MemoramSinkConfig.FIELD_CONFIDENCE_CONFIG);
        this.sourceField = config.getString(MemoramSinkConfig.FIELD_SOURCE_CONFIG);
        this.idField = config.getString(MemoramSinkConfig.FIELD_ID_CONFIG);
        this.mode = config.writeMode();
        this.onNull = config.behaviorOnNullValues();
    }

    /**
     * @return the write, or null when the record is to be ignored (a tombstone with
     *         behavior.on.null.values=ignore)
     * @throws InvalidRecordException when the record cannot become a valid blob
     */
    WriteOp map(SinkRecord record) {
        return map(record, Position.of(record));
    }

    /** {@link #map(SinkRecord)} with the record's position already read. */
    WriteOp map(SinkRecord record, Position at) {
        String keyMarker = record.key() == null ? null : BlobMarker.forKey(at.topic(), record.key());
        Object value = record.value();
        if (value == null) {
            return tombstone(record, at, keyMarker);
        }
        Fields f = fieldsOf(value);
        String userId = userId(f);
        BlobFields blob = new BlobFields(content(f), string(f, titleField), string(f, summaryField), tags(f),
                unitInterval(f, importanceField), unitInterval(f, confidenceField), string(f, sourceField), blobId(f));
        if (keyMarker != null && blob.blobId() == null) {
            switch (mode) {
                case UPSERT:
                    return new WriteOp(record, at, WriteOp.Kind.WRITE, mode, userId, keyMarker, keyMarker, blob);
                case INSERT:
                    break; // by offset, below
            }
        }
        // The offset marker (one more SHA-256) only where it is used. Same key -> same lane, so records of
        // one key are applied in order in both modes.
        String offsetMarker = BlobMarker.forOffset(at.topic(), at.partition().partition(), at.offset());
        String laneKey = keyMarker != null ? keyMarker : offsetMarker;
        if (blob.blobId() != null) {
            return new WriteOp(record, at, WriteOp.Kind.PATCH_ID, mode, userId, null, laneKey, blob);
        }
        return new WriteOp(record, at, WriteOp.Kind.WRITE, MemoramSinkConfig.WriteMode.INSERT, userId, offsetMarker, laneKey, blob);
    }

    private WriteOp tombstone(SinkRecord record, Position at, String keyMarker) {
        switch (onNull) {
            case IGNORE:
                return null;
            case FAIL:
                throw new InvalidRecordException("value",
                        "the record is a tombstone (null value) and behavior.on.null.values=fail");
            default:
                if (mode != MemoramSinkConfig.WriteMode.UPSERT) {
                    throw new InvalidRecordException("value", "a tombstone (null value) cannot delete anything in "
                            + "memoram.write.mode=insert, where keys do not identify blobs; set behavior.on.null.values=ignore");
                }
                if (keyMarker == null) {
                    throw new InvalidRecordException("key", "a tombstone (null value) with a null key identifies no blob");
                }
                return new WriteOp(record, at, WriteOp.Kind.DELETE, mode, tombstoneUser(record.key()), keyMarker, keyMarker, null);
        }
    }

    /** The user of a tombstone: memoram.user.id, else the user id field of a Struct or Map key, else null (all users). */
    private String tombstoneUser(Object key) {
        if (fixedUserId != null) {
            return fixedUserId;
        }
        Object v = null;
        if (key instanceof Struct s && s.schema().field(userIdField) != null) {
            v = s.get(userIdField);
        } else if (key instanceof Map<?, ?> m) {
            v = m.get(userIdField);
        }
        return v instanceof String str && !str.isBlank() ? str.trim() : null;
    }

    private Fields fieldsOf(Object value) {
        return Fields.of(value, contentField);
    }

    private String userId(Fields f) {
        if (fixedUserId != null) {
            return fixedUserId;
        }
        if (f.isPlainString()) {
            throw new InvalidRecordException(userIdField, "the record value is a plain string, so the target user must "
                    + "be set with memoram.user.id");
        }
        if (!f.has(userIdField)) {
            throw new InvalidRecordException(userIdField, "field '" + userIdField + "' (the target user) is missing; "
                    + "set it in the record or set memoram.user.id");
        }
        Object v = f.get(userIdField);
        if (v == null) {
            throw new InvalidRecordException(userIdField, "field '" + userIdField + "' (the target user) is null");
        }
        if (!(v instanceof String s)) {
            throw new InvalidRecordException(userIdField, "field '" + userIdField + "' (the target user) must be a string, not "
                    + Fields.typeName(v));
        }
        if (s.isBlank()) {
            throw new InvalidRecordException(userIdField, "field '" + userIdField + "' (the target user) is blank");
        }
        return s.trim();
    }

    private String content(Fields f) {
        if (!f.has(contentField)) {
            throw new InvalidRecordException(contentField, "field '" + contentField + "' (the blob's content) is missing");
        }
        Object v = f.get(contentField);
        if (v == null) {
            throw new InvalidRecordException(contentField, "field '" + contentField + "' (the blob's content) is null");
        }
        if (!(v instanceof String s)) {
            throw new InvalidRecordException(contentField, "field '" + contentField + "' (the blob's content) must be a string, not "
                    + Fields.typeName(v));
        }
        if (s.isEmpty()) {
            throw new InvalidRecordException(contentField, "field '" + contentField + "' (the blob's content) is empty");
        }
        // Cheap bound first: a UTF-8 encoding has at most 3 bytes per UTF-16 unit.
        if ((long) s.length() * 3 > MAX_CONTENT_BYTES) {
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_CONTENT_BYTES) {
                throw new InvalidRecordException(contentField, "field '" + contentField + "' (the blob's content) is "
                        + bytes + " bytes of UTF-8, over the limit of " + MAX_CONTENT_BYTES + " bytes");
            }
        }
        return s;
    }

    private static String string(Fields f, String field) {
        Object v = f.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidRecordException(field, "field '" + field + "' must be a string, not " + Fields.typeName(v));
        }
        return s;
    }

    private String blobId(Fields f) {
        Object v = f.get(idField);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidRecordException(idField, "field '" + idField + "' (an existing blob id) must be a string, not "
                    + Fields.typeName(v));
        }
        if (s.isBlank()) {
            throw new InvalidRecordException(idField, "field '" + idField + "' (an existing blob id) is blank");
        }
        return s.trim();
    }

    private List<String> tags(Fields f) {
        Object v = f.get(tagsField);
        if (v == null) {
            return null;
        }
        List<String> tags = new ArrayList<>();
        if (v instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    tags.add(part.trim());
                }
            }
            return tags;
        }
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object t = list.get(i);
                if (!(t instanceof String s)) {
                    throw new InvalidRecordException(tagsField, "field '" + tagsField + "' must be an array of strings, "
                            + "but element " + i + " is " + Fields.typeName(t));
                }
                if (!s.isBlank()) {
                    tags.add(s.trim());
                }
            }
            return tags;
        }
        throw new InvalidRecordException(tagsField, "field '" + tagsField + "' must be an array of strings or a "
                + "comma-separated string, not " + Fields.typeName(v));
    }

    private static Double unitInterval(Fields f, String field) {
        Object v = f.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw new InvalidRecordException(field, "field '" + field + "' must be a number from 0.0 to 1.0, not " + Fields.typeName(v));
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || d < 0.0 || d > 1.0) {
            throw new InvalidRecordException(field, "field '" + field + "' must be from 0.0 to 1.0, but is " + d);
        }
        return d;
    }
}
