package io.memoram.connect.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every API request received (faulted ones included), in arrival order. Admin requests are not logged. */
final class RequestLog {
    /** One received request: method and path relative to /api/v1 (query string excluded, no headers, no body). */
    record Entry(String method, String path, Instant receivedAt) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void record(String method, String path) {
        entries.add(new Entry(method, path, Instant.now()));
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
