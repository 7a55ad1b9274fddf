package io.memoram.connect.emulator;

import java.util.List;
import java.util.Locale;

/**
 * The list filters of GET /memory-blobs: every named tag must be on the blob; searchQuery is a
 * case-insensitive substring of title or summary; importance is a minimum (blobs without one do not match).
 */
record BlobFilter(List<String> tags, String searchQuery, Double minImportance) {
    static final BlobFilter NONE = new BlobFilter(List.of(), null, null);

    boolean matches(StoredBlob b) {
        if (!b.tags().containsAll(tags)) {
            return false;
        }
        if (searchQuery != null && !searchQuery.isEmpty()) {
            String q = searchQuery.toLowerCase(Locale.ROOT);
            boolean inTitle = b.title() != null && b.title().toLowerCase(Locale.ROOT).contains(q);
            boolean inSummary = b.summary() != null && b.summary().toLowerCase(Locale.ROOT).contains(q);
            if (!inTitle && !inSummary) {
                return false;
            }
        }
        return minImportance == null || (b.importance() != null && b.importance() >= minImportance);
    }
}
