package io.memoram.connect.source;

import io.memoram.connect.client.AccessStatus;
import java.time.Duration;
import java.util.Map;

/**
 * What a task knows about one access request it owns: the last status it observed and recorded
 * (in the access topic, whose offsets remember it), the user the connector assigned with it, and
 * when to look again.
 */
final class AccessWatch {
    final String requestId;
    /** SHA-256 of the memory key the connector filed this request for, or null for a configured id. */
    final String keyFingerprint;
    /** The user the connector knew when it assigned the request (null while that is unknown). */
    final String assignedUserId;
    final Backoff backoff;

    /** Last status written to the access topic (from offsets at start), or null. */
    String recordedStatus;
    AccessStatus status;
    long dueAt;

    AccessWatch(TaskAssignment.Request r, Backoff backoff) {
        this.requestId = r.requestId();
        this.keyFingerprint = r.keyFingerprint();
        this.assignedUserId = r.userId();
        this.backoff = backoff;
    }

    Map<String, String> partition() {
        return keyFingerprint != null ? SourceOffsets.keyPartition(keyFingerprint) : SourceOffsets.requestPartition(requestId);
    }

    /** Reads back the status recorded before a restart; an offset for another request id does not count. */
    void restore(Map<String, Object> offset) {
        if (offset != null && requestId.equals(offset.get(SourceOffsets.REQUEST_ID)) && offset.get(SourceOffsets.STATUS) instanceof String s) {
            recordedStatus = s;
        }
    }

    boolean isRevokedOrRejected() {
        return status == AccessStatus.REVOKED || status == AccessStatus.REJECTED;
    }

    void checkAfter(long now, Duration wait) {
        dueAt = now + wait.toMillis();
    }

    void checkNow(long now) {
        dueAt = now;
    }

    void noCheckNeeded() {
        dueAt = Long.MAX_VALUE;
    }
}
