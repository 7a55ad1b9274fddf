package io.memoram.connect.client.model;

/**
 * What a write ({@code POST} or {@code PATCH /memory-blobs}) answers that a writer needs: the blob's id.
 * The rest of the MemoryBlobResponse (timestamps, tags, ...) is skipped unparsed, as the sink never reads it.
 */
public record WrittenBlob(String id) {
}
