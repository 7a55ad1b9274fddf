package io.memoram.connect.sink;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The task's {@link UserBlobIndex} per user. */
final class BlobIndexes {
    private final ConcurrentMap<String, UserBlobIndex> byUser = new ConcurrentHashMap<>();

    UserBlobIndex forUser(String userId) {
        return byUser.computeIfAbsent(userId, UserBlobIndex::new);
    }

    /** Every index lists again on next use (the partition assignment changed). */
    void invalidateAll() {
        byUser.values().forEach(UserBlobIndex::invalidate);
    }
}
