package io.memoram.connect.sink;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.AccessRequest;
import io.memoram.connect.client.AccessStatus;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.config.MemoramSinkConfig;
import io.memoram.connect.crypto.ContentCryptoException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramNotFoundException;
import io.memoram.connect.crypto.ContentCipher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users this task may write to: one {@link UserAccess} per approved access request. Requests
 * that are not approved (pending, rejected, revoked) are checked again when a record for a user
 * the task does not know arrives, at most once per {@code recheckInterval}, so a late approval (or a
 * re-approval) starts that user's records without a restart. Credentials stay in memory only.
 */
public final class UserDirectory {
    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

    /** A user the task may not write to; the message is the reason a record gets (no secrets). */
    public static final class UserNotAuthorizedException extends RuntimeException {
        public UserNotAuthorizedException(String message) {
            super(message);
        }
    }

    private final MemoramClient client;
    private final ContentCipher cipher;
    private final Duration recheckInterval;
    private final LongSupplier nanoTime;
    private final Map<String, UserAccess> byUser = new ConcurrentHashMap<>();
    private final Set<String> unopened;                              // request ids, guarded by this
    private final Map<String, AccessStatus> statusByUser = new HashMap<>(); // guarded by this
    /** Request id to why it cannot be used (400 on its id, no user_id, unusable key); guarded by this. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    /** Set when the last look could not reach the API for some request; guarded by this. */
    private MemoramUnavailableException unavailable;
    private long lastCheckNanos;
    private boolean checkedOnce;

    public UserDirectory(MemoramClient client, ContentCipher cipher, List<String> requestIds, Duration recheckInterval,
                         LongSupplier nanoTime) {
        this.client = client;
        this.cipher = cipher;
        this.recheckInterval = recheckInterval;
        this.nanoTime = nanoTime;
        this.unopened = new LinkedHashSet<>(requestIds);
    }

    /**
     * The user's access.
     *
     * @throws UserNotAuthorizedException when no approved request of this connector covers the user
     * @throws io.memoram.connect.client.MemoramUnavailableException when the API cannot tell now (retry later)
     */
    public UserAccess require(String userId) {
        UserAccess access = byUser.get(userId);
        if (access != null) {
            return access;
        }
        synchronized (this) {
            access = byUser.get(userId);
            if (access != null) {
                return access;
            }
            if (!checkedOnce || nanoTime.getAsLong() - lastCheckNanos >= recheckInterval.toNanos()) {
                openPending();
            }
            access = byUser.get(userId);
            if (access != null) {
                return access;
            }
            AccessStatus status = statusByUser.get(userId);
            if (status != null) {
                throw new UserNotAuthorizedException("user '" + userId + "' is not authorised: the access request of "
                        + "this connector for that user is " + status.wire());
            }
            if (unavailable != null) {
                // Some request could not be read: it may be this user's, so the record waits rather than being refused.
                throw unavailable;
            }
            throw new UserNotAuthorizedException("user '" + userId + "' is unknown: no approved access request of this "
                    + "connector (memoram.access.request.ids, memoram.memory.keys) is for that user" + problemsText());
        }
    }

    private String problemsText() {
        if (problems.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; requests that cannot be used:");
        problems.forEach((id, reason) -> sb.append(' ').append(id).append(" (").append(reason).append(')'));
        return sb.toString();
    }

    /**
     * The request ids a task serves: the connector's task keys, or (a task started directly, as in
     * tests) the configured {@code memoram.access.request.ids}.
     */
    public static List<String> requestIds(Map<String, String> taskProps, MemoramSinkConfig config) {
        return taskProps.containsKey(AccessTaskConfig.REQUEST_IDS_CONFIG)
                ? AccessTaskConfig.requestIds(taskProps) : config.accessRequestIds();
    }

    /** Every user with an approved request (opening pending ones first when due). */
    public List<String> knownUserIds() {
        synchronized (this) {
            if (!checkedOnce || nanoTime.getAsLong() - lastCheckNanos >= recheckInterval.toNanos()) {
                openPending();
            }
        }
        return new ArrayList<>(byUser.keySet());
    }

    /** Forget the user's credentials after a 403 that a credentials refresh confirmed. */
    public synchronized void revoked(String userId) {
        UserAccess access = byUser.remove(userId);
        if (access != null) {
            unopened.add(access.requestId());
            statusByUser.put(userId, AccessStatus.REVOKED);
            lastCheckNanos = nanoTime.getAsLong();
            log.warn("Access to user {} (request {}) is no longer granted; its records are refused until it is approved again",
                    userId, access.requestId());
        }
    }

    /**
     * Tries every request not opened yet. Each request's failure stays with that request: a 400 on
     * its id, credentials without a user_id or an unusable key are remembered as that request's
     * problem (named in the reason of records no approved request covers), an unreachable API
     * leaves it for the next look; the other requests are opened regardless. Only a refused API key
     * concerns every request and goes to the caller.
     */
    private void openPending() {
        unavailable = null;
        for (String requestId : new ArrayList<>(unopened)) {
            try {
                UserAccess access = UserAccess.open(client, requestId, cipher);
                byUser.put(access.userId(), access);
                statusByUser.remove(access.userId());
                unopened.remove(requestId);
                problems.remove(requestId);
                log.info("Access request {} is approved: writing to user {}", requestId, access.userId());
            } catch (MemoramAccessDeniedException denied) {
                problems.remove(requestId);
                noteStatus(requestId);
            } catch (MemoramNotFoundException gone) {
                problem(requestId, "does not exist for this API key");
            } catch (MemoramUnavailableException e) {
                unavailable = e;
                log.warn("Could not open access request {} now ({}); the other requests go on", requestId, e.getMessage());
            } catch (MemoramAuthenticationException e) {
                throw e;
            } catch (MemoramException | ContentCryptoException e) {
                problem(requestId, e.getMessage());
            }
        }
        checkedOnce = true;
        lastCheckNanos = nanoTime.getAsLong();
    }

    private void problem(String requestId, String reason) {
        if (!reason.equals(problems.put(requestId, reason))) {
            log.warn("Access request {} cannot be used: {}; the other requests are not affected", requestId, reason);
        }
    }

    private void noteStatus(String requestId) {
        try {
            AccessRequest request = client.getAccessRequest(requestId);
            if (request.userId() != null) {
                statusByUser.put(request.userId(), request.status());
            }
            log.debug("Access request {} is {}", requestId, request.status());
        } catch (MemoramUnavailableException e) {
            unavailable = e;
        } catch (MemoramAuthenticationException e) {
            throw e;
        } catch (MemoramException e) {
            problem(requestId, "its status cannot be read: " + e.getMessage());
        }
    }
}
