package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Body of {@code POST /memory-blobs}. {@code content} must already be sealed by a content cipher.
 * {@code memoryKey} is a secret: {@link #toString()} hides it and the content.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewMemoryBlob(
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
        return "NewMemoryBlob[userId=" + userId + ", source=" + source + "]";
    }
}
