package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A memory blob as the API returns it. {@code content} is the sealed (encrypted) content; it is
 * {@code null} in write responses (MemoryBlobResponse), which this same type models.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemoryBlob(
        @JsonProperty("id") String id,
        @JsonProperty("user_id") @JsonAlias("userId") String userId,
        @JsonProperty("content") String content,
        @JsonProperty("created_at") @JsonAlias("createdAt") Instant createdAt,
        @JsonProperty("updated_at") @JsonAlias("updatedAt") Instant updatedAt,
        @JsonProperty("source") String source,
        @JsonProperty("title") String title,
        @JsonProperty("summary") String summary,
        @JsonProperty("importance") Double importance,
        @JsonProperty("confidence") Double confidence,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("tag_ids") @JsonAlias("tagIds") List<String> tagIds) {

    public MemoryBlob {
        // A number too large for a double (1e999) arrives as an infinity: no score at all, rather than
        // one that JSON writers downstream spell in ways JSON readers refuse.
        importance = finiteOrNull(importance);
        confidence = finiteOrNull(confidence);
        tags = tags == null ? List.of() : List.copyOf(tags);
        tagIds = tagIds == null ? List.of() : List.copyOf(tagIds);
    }

    private static Double finiteOrNull(Double d) {
        return d == null || Double.isFinite(d) ? d : null;
    }

    @Override
    public String toString() {
        // Content may be plaintext under the plaintext scheme: never printed.
        return "MemoryBlob[id=" + id + ", userId=" + userId + ", updatedAt=" + updatedAt + "]";
    }
}
