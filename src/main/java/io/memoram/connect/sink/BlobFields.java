package io.memoram.connect.sink;

import java.util.List;

/**
 * What one record says about its blob, before sealing. {@code content} is plaintext and is never
 * printed; null fields were absent from the record (a PATCH leaves them as they are).
 *
 * @param blobId  an explicit blob id (memoram.field.id), or null
 * @param source  the record's own source, or null (memoram.source.default is used)
 */
public record BlobFields(String content, String title, String summary, List<String> tags,
                         Double importance, Double confidence, String source, String blobId) {

    @Override
    public String toString() {
        return "BlobFields[blobId=" + blobId + ", contentChars=" + (content == null ? 0 : content.length()) + "]";
    }
}
