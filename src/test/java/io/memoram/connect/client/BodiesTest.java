package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import io.memoram.connect.client.model.MemoryBlobPatch;
import io.memoram.connect.client.model.NewMemoryBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The write path's streamed JSON: exactly the fields that carry something, and only the id read back. */
class BodiesTest {
    private final JsonFactory json = Json.mapper().getFactory();

    private JsonNode tree(byte[] body) throws IOException {
        return Json.mapper().readTree(body);
    }

    @Test
    void aCreateCarriesOnlyItsNonEmptyFields() throws IOException {
        byte[] body = Bodies.create(json, new NewMemoryBlob("u1", "mk", "sealed", "t", null, List.of(), null, 0.5, "src"));
        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"user_id\":\"u1\",\"memoryKey\":\"mk\",\"content\":\"sealed\",\"title\":\"t\","
                        + "\"confidence\":0.5,\"source\":\"src\"}");
        JsonNode withTags = tree(Bodies.create(json, new NewMemoryBlob("u1", "mk", "c\"\n\u0001", null, "s",
                List.of("a", "b c"), 0.25, null, null)));
        assertThat(withTags.get("tags").toString()).isEqualTo("[\"a\",\"b c\"]");
        assertThat(withTags.get("content").asText()).isEqualTo("c\"\n\u0001");
        assertThat(withTags.get("importance").asDouble()).isEqualTo(0.25);
        assertThat(withTags.has("title")).isFalse();
    }

    @Test
    void aPatchSendsAnEmptyTagListBecauseItClearsTheTags() throws IOException {
        JsonNode body = tree(Bodies.patch(json, new MemoryBlobPatch("u1", "mk", null, null, null, List.of(), null, null, null)));
        assertThat(body.toString()).isEqualTo("{\"user_id\":\"u1\",\"memoryKey\":\"mk\",\"tags\":[]}");
        JsonNode untouched = tree(Bodies.patch(json, new MemoryBlobPatch("u1", "mk", null, "t", null, null, null, null, null)));
        assertThat(untouched.has("tags")).isFalse();
    }

    @Test
    void onlyTheTopLevelIdIsRead() throws IOException {
        byte[] response = ("{\"user\":{\"id\":\"nested\"},\"tags\":[{\"id\":\"t\"}],\"created_at\":1e30000000,"
                + "\"updated_at\":\"not a time\",\"id\":\"blob-1\",\"importance\":" + "9".repeat(900) + "}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Bodies.readId(json, response)).isEqualTo("blob-1");
        assertThat(Bodies.readId(json, "{\"title\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> Bodies.readId(json, "[\"id\"]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Bodies.readId(json, "{\"id\":\"x\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Bodies.readId(json, "<html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        // Skipped values are still bounded by the parser's limits: a number of 100,000 digits is refused.
        assertThatThrownBy(() -> Bodies.readId(json, ("{\"id\":\"x\",\"n\":" + "9".repeat(100_000) + "}")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class).hasMessageContaining("Number value length");
    }
}
