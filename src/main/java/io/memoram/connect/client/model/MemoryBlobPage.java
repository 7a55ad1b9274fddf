package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One page of {@code GET /memory-blobs}. {@link #hasMore()} follows docs/memoram-api.md, "Pagination" (null, empty or absent ends it). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemoryBlobPage(
        @JsonProperty("memoryBlobs") @JsonAlias({"memory_blobs", "items"}) List<MemoryBlob> memoryBlobs,
        @JsonProperty("next_cursor") @JsonAlias("nextCursor") String nextCursor) {

    public MemoryBlobPage {
        memoryBlobs = memoryBlobs == null ? List.of() : List.copyOf(memoryBlobs);
    }

    public boolean hasMore() {
        return nextCursor != null && !nextCursor.isEmpty();
    }
}
