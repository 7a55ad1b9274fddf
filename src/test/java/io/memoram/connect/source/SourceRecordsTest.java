package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.source.offsets.StreamManifests;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceRecordsTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final Instant UPDATED = Instant.parse("2026-01-03T03:04:05Z");

    private static JsonNode json(SourceRecord r, boolean schemas) throws Exception {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
        byte[] bytes = c.fromConnectData(r.topic(), r.valueSchema(), r.value());
        return bytes == null ? null : new ObjectMapper().readTree(bytes);
    }

    private static StreamManifests.Position position(String id) {
        StreamManifests.Batch batch = new StreamManifests("u1", SourceOffsets.MEMORIES).batch();
        batch.put(id, "AAAAAAAAAAA");
        return batch.close().get(0);
    }

    private static SourceRecord memory() {
        MemoryBlob b = new MemoryBlob("b1", "u1", "sealed", CREATED, UPDATED, "chat", "Title", null, 0.7, null,
                List.of("work", "ideas"), List.of("t1", "t2"));
        return SourceRecords.memory("p.memories", position("b1"), "u1", b, "hello", 2, false, SourceRecords.CREATE);
    }

    @Test
    void memoryRecordsAreNamedStructsThatJsonConverterWritesWithAndWithoutSchemas() throws Exception {
        SourceRecord r = memory();
        assertThat(r.keySchema().name()).isEqualTo("io.memoram.connect.MemoryKey");
        assertThat(r.valueSchema().name()).isEqualTo("io.memoram.connect.Memory");
        assertThat(r.valueSchema().field("updated_at").schema().name()).isEqualTo(org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME);
        ((Struct) r.value()).validate();
        assertThat(r.timestamp()).isEqualTo(UPDATED.toEpochMilli());

        JsonNode plain = json(r, false);
        assertThat(plain.get("content").asText()).isEqualTo("hello");
        assertThat(plain.get("created_at").asLong()).isEqualTo(CREATED.toEpochMilli());
        assertThat(plain.get("tags").get(1).asText()).isEqualTo("ideas");
        assertThat(plain.get("summary").isNull()).isTrue();
        assertThat(plain.get("key_version").asInt()).isEqualTo(2);

        JsonNode withSchema = json(r, true);
        assertThat(withSchema.get("schema").get("name").asText()).isEqualTo("io.memoram.connect.Memory");
        assertThat(withSchema.get("payload").get("importance").asDouble()).isEqualTo(0.7);
    }

    @Test
    void tombstonesKeepTheKeyAndHaveNoValueOrSchema() throws Exception {
        SourceRecord t = SourceRecords.memoryTombstone("p.memories", position("b1"), "u1", "b1", UPDATED);
        assertThat(t.value()).isNull();
        assertThat(t.valueSchema()).isNull();
        assertThat(t.key()).isEqualTo(SourceRecords.memoryKey("u1", "b1"));
        assertThat(t.headers().lastWithName("memoram.op").value()).isEqualTo("d");
        assertThat(json(t, true)).isNull();
    }

    @Test
    void tagAndAccessRecords() throws Exception {
        SourceRecord tag = SourceRecords.tag("p.tags", position("t1"), "u1",
                new Tag("t1", "work", null, "#aabbcc", true, CREATED, UPDATED), SourceRecords.UPDATE);
        assertThat(tag.valueSchema().name()).isEqualTo("io.memoram.connect.Tag");
        assertThat(json(tag, false).get("is_enabled").asBoolean()).isTrue();

        SourceRecord access = SourceRecords.access("p.access", SourceOffsets.keyPartition("ab".repeat(32)), "r1", "pending", null, UPDATED);
        assertThat(access.sourceOffset()).isEqualTo(Map.of("request_id", "r1", "status", "pending"));
        assertThat(json(access, false).get("status").asText()).isEqualTo("pending");
        assertThat(json(access, false).get("observed_at").asLong()).isEqualTo(UPDATED.toEpochMilli());
    }
}
