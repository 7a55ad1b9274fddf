package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Body of {@code PATCH /memory-blobs/{id}}: null fields are not sent; {@code tags} replaces the list.
 * {@code content}, when set, must already be sealed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryBlobPatch(
        @JsonProperty("user_id") String userId,
        @JsonProperty("memoryKey") String memoryKey,
        @JsonProperty("content") String content,
        @JsonProperty("title") String title,
        @JsonProperty("summary") String summary,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("importance") Double importance,
        @JsonProperty("confidence") Double confidence,
        @JsonProperty("source") String source) {

    @Override
    public String toString() {
        return "MemoryBlobPatch[userId=" + userId + ", source=" + source + "]";
    }
}
