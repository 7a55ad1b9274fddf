package io.memoram.connect.emulator;

import java.time.Instant;

/**
 * An access request as the emulator holds it. {@code status} is the wire value: "pending", "approved",
 * "rejected" or "revoked". {@code apiKey} is the developer key that filed it.
 */
public record EmulatedAccessRequest(String id, String status, String reason, String memoryKey, String userId,
                                    String apiKey, String aiConnectorId, Instant createdAt, Instant updatedAt) {
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";
    public static final String REVOKED = "revoked";

    EmulatedAccessRequest withStatus(String newStatus, Instant now) {
        return new EmulatedAccessRequest(id, newStatus, reason, memoryKey, userId, apiKey, aiConnectorId, createdAt, now);
    }

    /** The API shows user_id once the user has approved the request at least once (the account is linked). */
    boolean linked() {
        return !PENDING.equals(status) && !REJECTED.equals(status);
    }

    @Override
    public String toString() {
        return "EmulatedAccessRequest[id=" + id + ", status=" + status + ", userId=" + userId + "]";
    }
}
