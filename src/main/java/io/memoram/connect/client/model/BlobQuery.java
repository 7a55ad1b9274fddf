package io.memoram.connect.client.model;

import java.util.List;

/**
 * Optional parameters of {@code GET /memory-blobs}: page size ({@code limit}), tag names
 * ({@code tags}, sent comma-separated), {@code searchQuery} and minimum {@code importance}.
 * Null or empty means "not sent".
 */
public record BlobQuery(Integer limit, List<String> tags, String searchQuery, Double importanceMin) {
    public static final BlobQuery DEFAULT = new BlobQuery(null, List.of(), null, null);

    public BlobQuery {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static BlobQuery ofLimit(int limit) {
        return new BlobQuery(limit, List.of(), null, null);
    }
}
