package io.memoram.connect.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every API request received (faulted ones included), in arrival order. Admin requests are not logged. */
final class RequestLog {
    /**
     * One received request: method and path relative to /api/v1 (query string excluded, no headers,
     * no body) and its {@code user_id} query parameter (null without one), so tests can tell which
     * user's data a connector asked for.
     */
    record Entry(String method, String path, String userId, Instant receivedAt) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void record(String method, String path, String userId) {
        entries.add(new Entry(method, path, userId, Instant.now()));
    }

    /** @param method null for any method; @param pathPrefix null for any path */
    synchronized int count(String method, String pathPrefix) {
        int n = 0;
        for (Entry e : entries) {
            if ((method == null || method.equalsIgnoreCase(e.method()))
                    && (pathPrefix == null || e.path().startsWith(pathPrefix))) {
                n++;
            }
        }
        return n;
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
