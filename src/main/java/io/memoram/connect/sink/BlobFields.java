package io.memoram.connect.sink;

import java.util.List;

/**
 * What one record says about its blob, before sealing. {@code content} is plaintext and is never
 * printed; null fields were absent from the record (a PATCH leaves them as they are).
 *
 * @param blobId  an explicit blob id (memoram.field.id), or null
 * @param source  the record's own source, or null (memoram.source.default is used)
 */
record BlobFields(String content, String title, String summary, List<String> tags,
                  Double importance, Double confidence, String source, String blobId) {

    /** Rough heap size of the strings (two bytes a char), for the buffer's byte bound. */
    long bytes() {
        long n = chars(content) + chars(title) + chars(summary) + chars(source) + chars(blobId);
        if (tags != null) {
            for (String t : tags) {
                n += chars(t) + 16;
            }
        }
        return 2 * n;
    }

    private static long chars(String s) {
        return s == null ? 0 : s.length();
    }

    @Override
    public String toString() {
        return "BlobFields[blobId=" + blobId + ", contentChars=" + (content == null ? 0 : content.length()) + "]";
    }
}
