package io.memoram.connect.emulator;

import java.time.Instant;
import java.util.List;

/** A memory blob as stored: {@code content} exactly as on the wire (sealed, or whatever a client wrote). */
public record StoredBlob(String id, String userId, String content, String title, String summary, List<String> tags,
                         List<String> tagIds, Double importance, Double confidence, String source,
                         Instant createdAt, Instant updatedAt) {
    public StoredBlob {
        tags = List.copyOf(tags);
        tagIds = List.copyOf(tagIds);
    }

    @Override
    public String toString() {
        return "StoredBlob[id=" + id + ", userId=" + userId + ", updatedAt=" + updatedAt + "]";
    }
}
