package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.config.MemoramSinkConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

    private static RecordMapper mapper(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("memoram.api.key", "mem_" + "0".repeat(48));
        props.put("memoram.access.request.ids", "r1");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return new RecordMapper(new MemoramSinkConfig(props));
    }

    private static SinkRecord record(Object key, Object value) {
        return new SinkRecord("chats", 2, null, key, null, value, 41);
    }

    private static Map<String, Object> chat(String user, Object content) {
        Map<String, Object> m = new HashMap<>();
        m.put("user_id", user);
        m.put("content", content);
        return m;
    }

    private static void rejected(RecordMapper mapper, SinkRecord record, String field, String reasonPart) {
        assertThatThrownBy(() -> mapper.map(record))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(reasonPart);
    }

    @Test
    void mapValueBecomesAnUpsertOfItsKey() {
        Map<String, Object> v = chat("u1", "hello");
        v.put("title", "Greeting");
        v.put("summary", "says hi");
        v.put("tags", List.of("chat", " greeting ", ""));
        v.put("importance", 0.5);
        v.put("confidence", 1);
        v.put("source", "chat-app");
        WriteOp op = mapper().map(record("conv-1", v));
        assertThat(op.kind()).isEqualTo(WriteOp.Kind.WRITE);
        assertThat(op.mode()).isEqualTo(MemoramSinkConfig.WriteMode.UPSERT);
        assertThat(op.userId()).isEqualTo("u1");
        assertThat(op.marker()).isEqualTo(BlobMarker.forKey("chats", "conv-1"));
        assertThat(op.laneKey()).isEqualTo(op.marker());
        BlobFields f = op.fields();
        assertThat(f.content()).isEqualTo("hello");
        assertThat(f.title()).isEqualTo("Greeting");
        assertThat(f.summary()).isEqualTo("says hi");
        assertThat(f.tags()).containsExactly("chat", "greeting");
        assertThat(f.importance()).isEqualTo(0.5);
        assertThat(f.confidence()).isEqualTo(1.0);
        assertThat(f.source()).isEqualTo("chat-app");
        assertThat(f.blobId()).isNull();
        assertThat(f.toString()).doesNotContain("hello");
    }

    @Test
    void structValueAndRenamedFields() {
        Schema schema = SchemaBuilder.struct()
                .field("owner", Schema.STRING_SCHEMA)
                .field("text", Schema.STRING_SCHEMA)
                .field("labels", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .build();
        Struct s = new Struct(schema).put("owner", "u2").put("text", "body").put("labels", List.of("a")).put("score", 0.25);
        WriteOp op = mapper("memoram.user.id.field", "owner", "memoram.field.content", "text",
                "memoram.field.tags", "labels", "memoram.field.importance", "score").map(record("k", s));
        assertThat(op.userId()).isEqualTo("u2");
        assertThat(op.fields().content()).isEqualTo("body");
        assertThat(op.fields().tags()).containsExactly("a");
        assertThat(op.fields().importance()).isEqualTo(0.25);
        assertThat(op.fields().title()).isNull();
    }

    @Test
    void plainStringIsTheContentForTheConfiguredUser() {
        WriteOp op = mapper("memoram.user.id", "u9").map(record("k", "just text"));
        assertThat(op.userId()).isEqualTo("u9");
        assertThat(op.fields().content()).isEqualTo("just text");
        rejected(mapper(), record("k", "just text"), "user_id", "memoram.user.id");
    }

    @Test
    void insertModeAndNullKeysUseTheOffsetMarkerButKeysStillOrderLanes() {
        WriteOp insert = mapper("memoram.write.mode", "insert").map(record("conv-1", chat("u1", "x")));
        assertThat(insert.kind()).isEqualTo(WriteOp.Kind.WRITE);
        assertThat(insert.mode()).isEqualTo(MemoramSinkConfig.WriteMode.INSERT);
        assertThat(insert.marker()).isEqualTo(BlobMarker.forOffset("chats", 2, 41));
        assertThat(insert.laneKey()).isEqualTo(BlobMarker.forKey("chats", "conv-1"));
        WriteOp nullKey = mapper().map(record(null, chat("u1", "x")));
        assertThat(nullKey.kind()).isEqualTo(WriteOp.Kind.WRITE);
        assertThat(nullKey.mode()).isEqualTo(MemoramSinkConfig.WriteMode.INSERT);
        assertThat(nullKey.marker()).isEqualTo(BlobMarker.forOffset("chats", 2, 41));
    }

    @Test
    void idFieldPatchesThatBlob() {
        Map<String, Object> v = chat("u1", "x");
        v.put("id", "blob-7");
        WriteOp op = mapper().map(record("k", v));
        assertThat(op.kind()).isEqualTo(WriteOp.Kind.PATCH_ID);
        assertThat(op.fields().blobId()).isEqualTo("blob-7");
    }

    @Test
    void tombstonesFollowBehaviorOnNullValues() {
        WriteOp del = mapper().map(record("conv-1", null));
        assertThat(del.kind()).isEqualTo(WriteOp.Kind.DELETE);
        assertThat(del.userId()).isNull();
        assertThat(del.marker()).isEqualTo(BlobMarker.forKey("chats", "conv-1"));
        assertThat(mapper("memoram.user.id", "u5").map(record("conv-1", null)).userId()).isEqualTo("u5");
        assertThat(mapper().map(record(Map.of("user_id", "u3", "c", 1), null)).userId()).isEqualTo("u3");
        assertThat(mapper("behavior.on.null.values", "ignore").map(record("conv-1", null))).isNull();
        rejected(mapper("behavior.on.null.values", "fail"), record("conv-1", null), "value", "behavior.on.null.values=fail");
        rejected(mapper(), record(null, null), "key", "null key");
        rejected(mapper("memoram.write.mode", "insert"), record("k", null), "value", "insert");
    }

    @Test
    void everyKindOfMalformedValueHasItsOwnReason() {
        RecordMapper m = mapper();
        rejected(m, record("k", 42), "value", "must be a Struct, a Map (schemaless JSON) or a String, not a Integer");
        rejected(m, record("k", List.of("x")), "value", "not an array");
        rejected(m, record("k", Map.of(1, "x")), "value", "string keys");
        rejected(m, record("k", Map.of("user_id", "u1")), "content", "'content' (the blob's content) is missing");
        rejected(m, record("k", chat("u1", null)), "content", "is null");
        rejected(m, record("k", chat("u1", "")), "content", "is empty");
        rejected(m, record("k", chat("u1", 12)), "content", "must be a string, not a Integer");
        rejected(m, record("k", chat("u1", "é".repeat(RecordMapper.MAX_CONTENT_BYTES / 2 + 1))), "content", "over the limit of 1048576 bytes");
        rejected(m, record("k", Map.of("content", "x")), "user_id", "is missing");
        rejected(m, record("k", chat(null, "x")), "user_id", "is null");
        Map<String, Object> numericUser = chat("u1", "x");
        numericUser.put("user_id", 7);
        rejected(m, record("k", numericUser), "user_id", "must be a string");
        for (String f : List.of("title", "summary", "source")) {
            Map<String, Object> v = chat("u1", "x");
            v.put(f, List.of("no"));
            rejected(m, record("k", v), f, "field '" + f + "' must be a string, not an array");
        }
        Map<String, Object> tags = chat("u1", "x");
        tags.put("tags", List.of("ok", 3));
        rejected(m, record("k", tags), "tags", "element 1 is a Integer");
        tags.put("tags", 5);
        rejected(m, record("k", tags), "tags", "comma-separated");
        Map<String, Object> imp = chat("u1", "x");
        imp.put("importance", 1.5);
        rejected(m, record("k", imp), "importance", "from 0.0 to 1.0, but is 1.5");
        imp.put("importance", Double.NaN);
        rejected(m, record("k", imp), "importance", "NaN");
        imp.put("importance", "high");
        rejected(m, record("k", imp), "importance", "must be a number");
        Map<String, Object> conf = chat("u1", "x");
        conf.put("confidence", -0.1);
        rejected(m, record("k", conf), "confidence", "from 0.0 to 1.0");
        Map<String, Object> id = chat("u1", "x");
        id.put("id", 99);
        rejected(m, record("k", id), "id", "must be a string");
    }

    @Test
    void commaSeparatedTagsAreSplit() {
        Map<String, Object> v = chat("u1", "x");
        v.put("tags", "a, b,,c ");
        assertThat(mapper().map(record("k", v)).fields().tags()).containsExactly("a", "b", "c");
    }

    @Test
    void contentAtTheLimitIsAccepted() {
        String max = "a".repeat(RecordMapper.MAX_CONTENT_BYTES);
        assertThat(mapper().map(record("k", chat("u1", max))).fields().content()).hasSize(RecordMapper.MAX_CONTENT_BYTES);
    }
}
