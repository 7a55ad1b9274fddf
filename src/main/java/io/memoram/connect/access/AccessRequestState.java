package io.memoram.connect.access;

import io.memoram.connect.access.AccessRegistry.Event;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.util.BackoffCounter;
import io.memoram.connect.util.ExponentialBackoff;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access request as the {@link AccessRegistry} tracks it: its last status, when to check it
 * next, the backoff of its failed checks and denials, and while it serves its user, that user's
 * {@link UserAccess}. It holds the per-request transitions (what a status read, a failed call or
 * a denial does to this request) so the registry keeps only what spans requests: which request
 * serves which user, and handing checks out. Not thread-safe: guarded by the registry's lock.
 */
final class AccessRequestState {
    /** The registry's logger: operators (and tests) find access messages under one name. */
    private static final Logger log = LoggerFactory.getLogger(AccessRequestState.class);

    final String requestId;
    /** The user named when the request was added (null while unknown). */
    final String expectedUserId;
    String userId;
    String reportedStatus;
    AccessStatus status;
    /** Set while this request serves its user. */
    UserAccess access;
    long dueAt;
    boolean checking;
    /** Failed calls in a row; reset by every status read. */
    final BackoffCounter failures;
    int denials;
    long lastDenial = Long.MIN_VALUE / 2;

    AccessRequestState(String requestId, String expectedUserId, String reportedStatus, long dueAt, ExponentialBackoff backoff) {
        this.requestId = requestId;
        this.failures = new BackoffCounter(backoff);
        this.expectedUserId = expectedUserId;
        this.userId = expectedUserId;
        this.reportedStatus = reportedStatus;
        this.dueAt = dueAt;
    }

    /**
     * Applies a status read from the API, reporting {@link Event.StatusChanged} and
     * {@link Event.Refused} as they apply. When this returns with the request refused
     * ({@link #refused()}), the caller must withdraw it from its user.
     *
     * @param served whether a user is served already (by this request or another)
     * @return true when the credentials should be opened now
     */
    boolean observe(AccessRequest r, Predicate<String> served, AccessRegistry.Settings settings, long now,
                    List<Event> events) {
        failures.onSuccess();
        AccessStatus seen = r.status() == null ? AccessStatus.UNKNOWN : r.status();
        String seenUser = r.userId() != null ? r.userId() : expectedUserId;
        // Approved, but its user is another task's business until this task is told it owns the user:
        // the task that serves the user reports the approval, so it is recorded once.
        boolean ownerReports = seen == AccessStatus.APPROVED && settings.expectedUsersOnly() && expectedUserId == null;
        if (!seen.wire().equals(reportedStatus) && !ownerReports) {
            events.add(new Event.StatusChanged(requestId, seenUser, seen));
            reportedStatus = seen.wire();
            log.info("Access request {} (user {}) is {}", requestId, seenUser, seen.wire());
        }
        AccessStatus before = status;
        status = seen;
        userId = seenUser;
        long checkAgainAt = now + settings.checkInterval().toMillis();
        switch (seen) {
            case APPROVED -> {
                if (seenUser != null && served.test(seenUser)) {
                    // Serving already (this request or another of the same user): nothing to do until it is lost.
                    dueAt = Long.MAX_VALUE;
                    return false;
                }
                if (settings.expectedUsersOnly() && expectedUserId == null) {
                    log.debug("Access request {} is approved; the task that owns user {} serves it", requestId, seenUser);
                    dueAt = checkAgainAt;
                    return false;
                }
                return true;
            }
            case REJECTED, REVOKED -> {
                if (before != AccessStatus.REJECTED && before != AccessStatus.REVOKED) {
                    events.add(new Event.Refused(requestId, seenUser, seen));
                }
                dueAt = checkAgainAt;
                return false;
            }
            default -> {
                dueAt = checkAgainAt;
                return false;
            }
        }
    }

    /** Hands this request out for a check when it is due and not being checked; true when it did. */
    boolean takeIfDue(long now) {
        if (!checking && dueAt <= now) {
            checking = true;
            return true;
        }
        return false;
    }

    /**
     * Its credentials were opened. Credentials for another user than the one it was assigned for
     * are not served (the connector placed that user on another task); true when they may serve.
     */
    boolean opened(UserAccess opened, long checkAgainAt) {
        if (expectedUserId != null && !expectedUserId.equals(opened.userId())) {
            log.error("Access request {} was assigned for user {} but its credentials are for user {}: not serving it",
                    requestId, expectedUserId, opened.userId());
            dueAt = checkAgainAt;
            return false;
        }
        userId = opened.userId();
        dueAt = Long.MAX_VALUE;
        return true;
    }

    /** Whether the last status read is rejected or revoked. */
    boolean refused() {
        return status == AccessStatus.REJECTED || status == AccessStatus.REVOKED;
    }

    /** A call of a check failed: the next check waits for the backoff (or {@code retryAfter}); returns that wait. */
    Duration failed(Duration retryAfter, long now) {
        Duration wait = failures.onFailure(retryAfter);
        dueAt = now + wait.toMillis();
        return wait;
    }

    /** Whether this request is, or was added as, one of {@code user}'s. */
    boolean concerns(String user) {
        return user.equals(userId) || user.equals(expectedUserId);
    }

    /**
     * The API refused a call of this request's user with 403. The first denial checks at once;
     * denials that follow within {@code checkIntervalMs} back off, so a contradictory API (approved,
     * yet refused) never makes a loop without pause.
     */
    void denied(long now, long checkIntervalMs, ExponentialBackoff backoff) {
        denials = now - lastDenial < checkIntervalMs ? denials + 1 : 1;
        lastDenial = now;
        dueAt = now + (denials <= 1 ? 0 : backoff.waitBefore(denials - 1, null).toMillis());
    }

    /** The registry closed: drop the credentials (in memory only) and never check again. */
    void forget() {
        if (access != null) {
            access.close(); // wipes its keys; a call still using them fails with a retriable error
        }
        access = null;
        dueAt = Long.MAX_VALUE;
    }
}
