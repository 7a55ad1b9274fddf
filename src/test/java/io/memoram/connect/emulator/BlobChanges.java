package io.memoram.connect.emulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields a blob write sets. A field absent here is left unchanged by a PATCH; a field present with
 * null clears it. Values are already type-checked: strings, {@code List<String>} for tags, Double for scores.
 */
final class BlobChanges {
    static final String CONTENT = "content";
    static final String TITLE = "title";
    static final String SUMMARY = "summary";
    static final String TAGS = "tags";
    static final String IMPORTANCE = "importance";
    static final String CONFIDENCE = "confidence";
    static final String SOURCE = "source";

    private final Map<String, Object> values = new LinkedHashMap<>();

    BlobChanges set(String field, Object value) {
        values.put(field, value);
        return this;
    }

    boolean has(String field) {
        return values.containsKey(field);
    }

    String string(String field, String current) {
        return values.containsKey(field) ? (String) values.get(field) : current;
    }

    Double number(String field, Double current) {
        return values.containsKey(field) ? (Double) values.get(field) : current;
    }

    @SuppressWarnings("unchecked")
    List<String> tags(List<String> current) {
        if (!values.containsKey(TAGS)) {
            return current;
        }
        List<String> v = (List<String>) values.get(TAGS);
        return v == null ? Collections.emptyList() : v;
    }

    static BlobChanges seed(String content, String title, String summary, List<String> tags, Double importance,
                            Double confidence, String source) {
        return new BlobChanges().set(CONTENT, content).set(TITLE, title).set(SUMMARY, summary)
                .set(TAGS, tags == null ? List.of() : tags).set(IMPORTANCE, importance)
                .set(CONFIDENCE, confidence).set(SOURCE, source);
    }
}
