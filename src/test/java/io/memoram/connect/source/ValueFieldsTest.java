package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.crypto.KeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * behavior.on.delete=rewrite and memoram.value.op.field at the level of one user's stream: what each
 * record carries, in which order and at which offset; and that without them the records are
 * exactly the records built before these settings existed (pinned by their JSON).
 */
class ValueFieldsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final UserStream.Opener OPENER = content -> new KeyRing.Opened(content.toUpperCase(java.util.Locale.ROOT), 2);
    private final SourceTaskMetrics metrics = new SourceTaskMetrics(Clock.systemUTC());

    private UserStream stream(ValueFields fields) {
        return new UserStream("u1", new UserStream.Settings("m", "t", true, true,
                MemoramSourceConfig.OnDecryptionError.FAIL, fields), metrics);
    }

    private static MemoryBlob blob(String id, int version) {
        return new MemoryBlob(id, "u1", "text " + id, NOW, NOW.plusSeconds(version), "src", "title " + id, "sum", 0.5, 0.9,
                List.of("x"), List.of("tx"));
    }

    private static List<SourceRecord> pass(UserStream s, List<MemoryBlob> blobs) {
        List<SourceRecord> out = new ArrayList<>(s.applyBlobs(blobs, null, OPENER));
        out.addAll(s.completeListing(NOW));
        return out;
    }

    private static String op(SourceRecord r) {
        return r.headers().lastWithName(SourceRecords.OP_HEADER).value().toString();
    }

    @Test
    void rewriteEmitsAFlaggedRecordThenTheTombstoneAndLiveRecordsCarryTheFlagFalse() {
        UserStream s = stream(ValueFields.of(true, null));
        List<SourceRecord> created = pass(s, List.of(blob("a", 1)));
        assertThat(created).hasSize(1);
        Struct live = (Struct) created.get(0).value();
        assertThat(live.getBoolean("__deleted")).isFalse();
        assertThat(live.getString("content")).isEqualTo("TEXT A");
        assertThat(live.getString("title")).isEqualTo("title a");
        assertThat(live.schema().field("__op")).isNull();

        assertThat(pass(s, List.of())).as("one missing listing only makes it a suspect").isEmpty();
        List<SourceRecord> gone = pass(s, List.of());
        assertThat(gone).hasSize(2);
        SourceRecord flagged = gone.get(0);
        SourceRecord tombstone = gone.get(1);
        assertThat(tombstone.value()).isNull();
        assertThat(flagged.key()).isEqualTo(tombstone.key());
        assertThat(flagged.topic()).isEqualTo("m");
        assertThat(op(flagged)).isEqualTo("d");
        assertThat(op(tombstone)).isEqualTo("d");
        Struct v = (Struct) flagged.value();
        assertThat(v.schema()).isEqualTo(live.schema());
        assertThat(v.getBoolean("__deleted")).isTrue();
        assertThat(v.getString("id")).isEqualTo("a");
        assertThat(v.getString("user_id")).isEqualTo("u1");
        for (String nullField : List.of("title", "summary", "content", "importance", "confidence", "source", "created_at",
                "updated_at", "key_version")) {
            assertThat(v.get(nullField)).as(nullField).isNull();
        }
        assertThat(v.getArray("tags")).isEmpty();
        assertThat(v.getArray("tag_ids")).isEmpty();
        // Its offset is the bucket's from before the deletion (still naming the id), so a commit that
        // has it but not the tombstone lets the tombstone come again after a crash.
        assertThat(flagged.sourcePartition()).isEqualTo(tombstone.sourcePartition());
        assertThat(flagged.sourceOffset()).isEqualTo(created.get(0).sourceOffset()).isNotEqualTo(tombstone.sourceOffset());
    }

    @Test
    void rewriteOfATagAndTheOperationField() {
        UserStream s = stream(ValueFields.of(true, "__op"));
        Tag work = new Tag("t1", "work", "desc", "#112233", true, NOW, NOW);
        List<SourceRecord> first = s.applyTags(List.of(work), NOW);
        assertThat(first).hasSize(1);
        assertThat(((Struct) first.get(0).value()).getString("__op")).isEqualTo("c");
        assertThat(((Struct) first.get(0).value()).getBoolean("__deleted")).isFalse();
        List<SourceRecord> changed = s.applyTags(List.of(new Tag("t1", "work", "desc", "#000000", true, NOW, NOW.plusSeconds(1))), NOW);
        assertThat(((Struct) changed.get(0).value()).getString("__op")).isEqualTo("u");
        List<SourceRecord> gone = s.applyTags(List.of(), NOW);
        assertThat(gone).hasSize(2);
        Struct v = (Struct) gone.get(0).value();
        assertThat(v.getString("__op")).isEqualTo("d");
        assertThat(v.getBoolean("__deleted")).isTrue();
        assertThat(v.getString("id")).isEqualTo("t1");
        assertThat(v.getString("name")).isNull();
        assertThat(gone.get(1).value()).isNull();
    }

    @Test
    void theOperationFieldAloneAddsNoFlagAndNoExtraRecord() {
        UserStream s = stream(ValueFields.of(false, "op"));
        Struct v = (Struct) pass(s, List.of(blob("a", 1))).get(0).value();
        assertThat(v.getString("op")).isEqualTo("c");
        assertThat(v.schema().field("__deleted")).isNull();
        assertThat(((Struct) pass(s, List.of(blob("a", 2))).get(0).value()).getString("op")).isEqualTo("u");
        pass(s, List.of());
        List<SourceRecord> gone = pass(s, List.of());
        assertThat(gone).hasSize(1);
        assertThat(gone.get(0).value()).isNull();
    }

    /** A re-stream's re-read carries r in the value as in the header, for sinks that drop headers. */
    @Test
    void aReReadByARestreamCarriesRInTheOperationField() {
        UserStream s = stream(ValueFields.of(true, "op"));
        pass(s, List.of(blob("a", 1)));
        s.startRestream("rs", 5, NOW);
        List<SourceRecord> again = pass(s, List.of(blob("a", 1)));
        SourceRecord reread = again.stream().filter(r -> r.valueSchema() != null && r.valueSchema().field("op") != null)
                .findFirst().orElseThrow();
        assertThat(op(reread)).isEqualTo("r");
        assertThat(((Struct) reread.value()).getString("op")).isEqualTo("r");
        assertThat(((Struct) reread.value()).getBoolean("__deleted")).isFalse();
    }

    @Test
    void theOperationFieldMustBeAFreeFieldName() {
        for (String bad : List.of("content", "__deleted", "a-b", "1op")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MemoramSourceConfig(Map.of("memoram.api.key", "k",
                            "memoram.access.request.ids", "r1", MemoramSourceConfig.VALUE_OP_FIELD_CONFIG, bad)))
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining(MemoramSourceConfig.VALUE_OP_FIELD_CONFIG);
        }
        assertThat(new MemoramSourceConfig(Map.of("memoram.api.key", "k", "memoram.access.request.ids", "r1",
                MemoramSourceConfig.VALUE_OP_FIELD_CONFIG, " __op ")).valueOpField()).isEqualTo("__op");
    }

    /** The JSON (with schemas) of a memory and a tag record as built before these settings: byte for byte when they are off. */
    @Test
    void withoutTheSettingsRecordsAreByteIdenticalToThePinnedOnes() {
        MemoramSourceConfig config = new MemoramSourceConfig(Map.of("memoram.api.key", "k", "memoram.access.request.ids", "r1"));
        ValueFields off = ValueFields.of(config);
        assertThat(off).isSameAs(ValueFields.NONE);
        UserStream s = stream(off);
        SourceRecord memory = pass(s, List.of(blob("a", 1))).get(0);
        SourceRecord tag = s.applyTags(List.of(new Tag("t1", "work", null, "#112233", true, NOW, NOW)), NOW).get(0);
        assertThat(memory.valueSchema()).isSameAs(SourceSchemas.MEMORY);
        assertThat(json(memory)).isEqualTo("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
                + "{\"type\":\"string\",\"optional\":false,\"field\":\"user_id\"},{\"type\":\"string\",\"optional\":true,\"field\":\"title\"},"
                + "{\"type\":\"string\",\"optional\":true,\"field\":\"summary\"},{\"type\":\"string\",\"optional\":true,\"field\":\"content\"},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},\"optional\":false,\"field\":\"tags\"},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},\"optional\":false,\"field\":\"tag_ids\"},"
                + "{\"type\":\"double\",\"optional\":true,\"field\":\"importance\"},{\"type\":\"double\",\"optional\":true,\"field\":\"confidence\"},"
                + "{\"type\":\"string\",\"optional\":true,\"field\":\"source\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1,\"field\":\"created_at\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1,\"field\":\"updated_at\"},"
                + "{\"type\":\"int32\",\"optional\":true,\"field\":\"key_version\"}],\"optional\":false,\"name\":\"io.memoram.connect.Memory\","
                + "\"version\":1,\"doc\":\"A memory blob with its content decrypted (or still sealed when the header memoram.content.raw=true).\"},"
                + "\"payload\":{\"id\":\"a\",\"user_id\":\"u1\",\"title\":\"title a\",\"summary\":\"sum\",\"content\":\"TEXT A\",\"tags\":[\"x\"],"
                + "\"tag_ids\":[\"tx\"],\"importance\":0.5,\"confidence\":0.9,\"source\":\"src\",\"created_at\":1772323200000,"
                + "\"updated_at\":1772323201000,\"key_version\":2}}");
        assertThat(tag.valueSchema()).isSameAs(SourceSchemas.TAG);
        assertThat(json(tag)).endsWith("\"payload\":{\"id\":\"t1\",\"user_id\":\"u1\",\"name\":\"work\",\"description\":null,"
                + "\"color\":\"#112233\",\"is_enabled\":true,\"created_at\":1772323200000,\"updated_at\":1772323200000}}");
        assertThat(((Struct) tag.value()).schema().fields()).extracting(Field::name)
                .containsExactly("id", "user_id", "name", "description", "color", "is_enabled", "created_at", "updated_at");
    }

    static String json(SourceRecord r) {
        try (JsonConverter c = new JsonConverter()) {
            c.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
            return new String(c.fromConnectData(r.topic(), r.valueSchema(), r.value()), StandardCharsets.UTF_8);
        }
    }
}
