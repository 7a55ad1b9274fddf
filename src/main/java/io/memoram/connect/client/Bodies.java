package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.memoram.connect.client.model.MemoryBlobPatch;
import io.memoram.connect.client.model.NewMemoryBlob;
import java.io.IOException;
import java.util.List;

/**
 * The write path's JSON, streamed: request bodies written field by field with a {@link JsonGenerator}
 * (no intermediate tree or map, no reflection), and write responses read only as far as their
 * {@code id}. The sink sends one of each per record, so this is where a plain client's cost is matched.
 */
final class Bodies {
    private Bodies() { }

    /**
     * {@code POST /memory-blobs}: null fields are left out, and so is an empty tag list (a new blob
     * has no tags anyway).
     */
    static byte[] create(JsonFactory json, NewMemoryBlob b) {
        return write(json, b.userId(), b.memoryKey(), b.content(), b.title(), b.summary(),
                b.tags() == null || b.tags().isEmpty() ? null : b.tags(), b.importance(), b.confidence(), b.source());
    }

    /** {@code PATCH /memory-blobs/{id}}: null fields are left out; an empty tag list is sent, as it clears the tags. */
    static byte[] patch(JsonFactory json, MemoryBlobPatch p) {
        return write(json, p.userId(), p.memoryKey(), p.content(), p.title(), p.summary(), p.tags(),
                p.importance(), p.confidence(), p.source());
    }

    private static byte[] write(JsonFactory json, String userId, String memoryKey, String content, String title,
                                String summary, List<String> tags, Double importance, Double confidence, String source) {
        int estimate = 128 + length(content) + length(title) + length(summary) + length(source);
        try (ByteArrayBuilder out = new ByteArrayBuilder(estimate);
             JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            string(g, "user_id", userId);
            string(g, "memoryKey", memoryKey);
            string(g, "content", content);
            string(g, "title", title);
            string(g, "summary", summary);
            if (tags != null) {
                g.writeArrayFieldStart("tags");
                for (String t : tags) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            if (importance != null) {
                g.writeNumberField("importance", importance);
            }
            if (confidence != null) {
                g.writeNumberField("confidence", confidence);
            }
            string(g, "source", source);
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            // Writing to memory does not fail; never include the body: it holds the memory key.
            throw new IllegalStateException("cannot encode a memory blob as JSON", e);
        }
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /**
     * The top-level {@code id} of a JSON object, skipping every other value unparsed (nested values
     * included); null when there is none.
     *
     * @throws IOException when the body is not a JSON object
     */
    static String readId(JsonFactory json, byte[] body) throws IOException {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            String id = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (id == null && "id".equals(name) && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
                    id = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            return id;
        }
    }
}
