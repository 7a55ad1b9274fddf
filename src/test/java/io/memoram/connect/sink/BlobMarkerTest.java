package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class BlobMarkerTest {

    @Test
    void markerIs22Base64UrlCharactersAndStable() {
        String m = BlobMarker.forKey("chats", "conv-1");
        assertThat(m).hasSize(BlobMarker.LENGTH).matches("[A-Za-z0-9_-]{22}");
        assertThat(BlobMarker.forKey("chats", "conv-1")).isEqualTo(m);
        // Pinned (computed independently, see docs/sink.md): markers live in blobs' source, so the
        // format must never change silently.
        assertThat(m).isEqualTo("F797S1mucmJstWuRRgpYCg");
        assertThat(BlobMarker.forOffset("chats", 2, 41)).isEqualTo("YQy2q5y0T-q2WtWFE6OzWK");
    }

    @Test
    void topicKeyAndKindAllMatter() {
        assertThat(BlobMarker.forKey("chats", "a")).isNotEqualTo(BlobMarker.forKey("chats", "b"));
        assertThat(BlobMarker.forKey("chats", "a")).isNotEqualTo(BlobMarker.forKey("other", "a"));
        assertThat(BlobMarker.forOffset("chats", 0, 1)).isNotEqualTo(BlobMarker.forOffset("chats", 1, 1));
        assertThat(BlobMarker.forOffset("chats", 0, 1)).isNotEqualTo(BlobMarker.forOffset("chats", 0, 2));
        // String key "1" and number key 1 are different keys.
        assertThat(BlobMarker.forKey("t", "1")).isNotEqualTo(BlobMarker.forKey("t", 1L));
    }

    @Test
    void structAndEqualMapKeysGiveTheSameMarkerRegardlessOfFieldOrder() {
        Schema schema = SchemaBuilder.struct().field("user_id", Schema.STRING_SCHEMA).field("conv", Schema.INT64_SCHEMA).build();
        Struct struct = new Struct(schema).put("user_id", "u1").put("conv", 7L);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("conv", 7);
        map.put("user_id", "u1");
        assertThat(BlobMarker.forKey("t", struct)).isEqualTo(BlobMarker.forKey("t", map));
        assertThat(BlobMarker.canonicalJson(map)).isEqualTo("{\"conv\":7,\"user_id\":\"u1\"}");
        assertThat(BlobMarker.canonicalJson(List.of(1.0, 2.5))).isEqualTo("[1,2.5]");
        assertThat(BlobMarker.canonicalJson(new byte[] {1, 2})).isEqualTo("\"AQI=\"");
    }

    @Test
    void markedSourceRoundTrips() {
        String m = BlobMarker.forKey("t", "k");
        String source = BlobMarker.markedSource("kafka-connect", m);
        assertThat(source).isEqualTo("kafka-connect #kc:" + m);
        assertThat(BlobMarker.markerOf(source)).isEqualTo(m);
        assertThat(BlobMarker.markerOf("chat-app")).isNull();
        assertThat(BlobMarker.markerOf(null)).isNull();
        assertThat(BlobMarker.markerOf("x #kc:" + "!".repeat(22))).isNull();
        assertThat(BlobMarker.markerOf("x #kc:" + m + "extra")).isNull();
    }

    @Test
    void stringKeysWrittenWithoutJacksonAreExactlyWhatJacksonWrites() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper jackson = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String key : List.of("conv-1", "", "a b/c~{}[]:,", "quote\"inside", "back\\slash", "tab\tnew\nline",
                "caf\u00e9", "\u0001", "emoji \uD83D\uDE00", "~\u007f")) {
            assertThat(BlobMarker.canonicalJson(key)).as(key).isEqualTo(jackson.writeValueAsString(key));
        }
        assertThat(BlobMarker.forKey("chats", "conv-1")).isEqualTo("F797S1mucmJstWuRRgpYCg"); // docs/sink.md
    }
}
