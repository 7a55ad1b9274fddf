package io.memoram.connect.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request-body parsing with strict type checks (a wrong JSON type is a 400 naming the field) and the
 * wire views of the emulator's objects. Instants are written as ISO-8601 strings with Z.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize response", e);
        }
    }

    static ObjectNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw HttpError.badRequest("a JSON object body is required");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (IOException e) {
            throw HttpError.badRequest("body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw HttpError.badRequest("body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    static String requiredString(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw HttpError.badRequest(field + " is required");
        }
        if (!n.isTextual()) {
            throw HttpError.badRequest(field + " must be a string");
        }
        return n.textValue();
    }

    /** null when absent or JSON null. */
    static String optionalString(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw HttpError.badRequest(field + " must be a string");
        }
        return n.textValue();
    }

    /** A score in 0..1: wrong type is 400, out of range is 422. */
    static Double optionalScore(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw HttpError.badRequest(field + " must be a number");
        }
        double v = n.doubleValue();
        if (!(v >= 0.0 && v <= 1.0)) {
            throw HttpError.unprocessable(field + " must be between 0 and 1");
        }
        return v;
    }

    static Long optionalLong(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber()) {
            throw HttpError.badRequest(field + " must be an integer");
        }
        return n.longValue();
    }

    static Boolean optionalBoolean(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw HttpError.badRequest(field + " must be a boolean");
        }
        return n.booleanValue();
    }

    /** null when absent or JSON null; otherwise an array of strings. */
    static List<String> optionalStringList(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw HttpError.badRequest(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw HttpError.badRequest(field + " must be an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /**
     * The optional blob fields present in a body; with {@code patch}, absent fields stay absent
     * (unchanged) and JSON null clears.
     */
    static BlobChanges blobFields(ObjectNode o, BlobChanges into) {
        for (String f : List.of(BlobChanges.CONTENT, BlobChanges.TITLE, BlobChanges.SUMMARY, BlobChanges.SOURCE)) {
            if (o.has(f)) {
                into.set(f, optionalString(o, f));
            }
        }
        if (o.has(BlobChanges.TAGS)) {
            List<String> tags = optionalStringList(o, BlobChanges.TAGS);
            into.set(BlobChanges.TAGS, tags == null ? List.of() : tags);
        }
        for (String f : List.of(BlobChanges.IMPORTANCE, BlobChanges.CONFIDENCE)) {
            if (o.has(f)) {
                into.set(f, optionalScore(o, f));
            }
        }
        return into;
    }

    // ------------------------------------------------------------------ wire views

    static Map<String, Object> blob(StoredBlob b, boolean withContent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("user_id", b.userId());
        if (withContent) {
            m.put("content", b.content());
        }
        m.put("created_at", b.createdAt().toString());
        m.put("updated_at", b.updatedAt().toString());
        m.put("source", b.source());
        m.put("title", b.title());
        m.put("summary", b.summary());
        m.put("importance", b.importance());
        m.put("confidence", b.confidence());
        m.put("tags", b.tags());
        m.put("tag_ids", b.tagIds());
        return m;
    }

    static Map<String, Object> tag(StoredTag t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("description", t.description());
        m.put("color", t.color());
        m.put("is_enabled", t.isEnabled());
        m.put("created_at", t.createdAt().toString());
        m.put("updated_at", t.updatedAt().toString());
        return m;
    }

    static Map<String, Object> accessRequest(EmulatedAccessRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("status", r.status());
        m.put("reason", r.reason());
        m.put("memoryKey", r.memoryKey());
        if (r.linked()) {
            m.put("user_id", r.userId());
        }
        m.put("aiConnectorId", r.aiConnectorId());
        m.put("createdAt", r.createdAt().toString());
        m.put("updatedAt", r.updatedAt().toString());
        return m;
    }

    static Map<String, Object> credentials(EmulatedUser u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", u.userId());
        m.put("memory_key", u.memoryKey());
        m.put("encryption_key", u.encryptionKeyHex());
        m.put("key_version", u.keyVersion());
        return m;
    }
}
