package io.memoram.connect.sink;

import io.memoram.connect.access.AccessListing;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.ConnectorAccess;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.AccessStatus;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.config.AccessDiscovery;
import io.memoram.connect.config.MemoramSinkConfig;
import io.memoram.connect.crypto.ContentCipher;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users this task may write to, on the {@link AccessRegistry} both connectors share: one
 * approved access request serves each user, credentials in memory only. Requests that are not
 * approved are checked again every {@code memoram.access.check.interval.ms} (when a record for a
 * user the task does not serve arrives), so a late approval or a re-approval lets that user's
 * records through without a restart.
 *
 * <p>With {@code memoram.access.discovery}, a record for a user no request of the task covers
 * leads to a look-up of the account's requests ({@code GET /access-requests}), at most one per
 * check interval however many unknown users arrive: the record waits (a retry, not a refusal)
 * until a look-up made after it arrived, and is then written or refused
 * ({@code behavior.on.access.revoked}). One bad request (a 400 on its id, credentials without a
 * user_id, an unusable key) affects that request only; its reason is named in refusals.
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
    private final AccessRegistry registry;
    private final Duration checkInterval;
    private final AccessDiscovery discovery;
    private final String scopeReason;
    private final LongSupplier nanoTime;
    // All guarded by this.
    private final Set<String> requestIds = new HashSet<>();
    private final Map<String, AccessStatus> statusByUser = new HashMap<>();
    /** Request id to why it cannot be used now. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    /** Request id to the API failure of its last check, while the API cannot tell. */
    private final Map<String, MemoramUnavailableException> unavailable = new LinkedHashMap<>();
    /** Unknown users waiting for a look-up made after their record arrived: user to when it arrived. */
    private final Map<String, Long> waitingSince = new HashMap<>();
    private long lastLookUp = Long.MIN_VALUE;

    public UserDirectory(MemoramClient client, ContentCipher cipher, List<String> requestIds, Duration checkInterval,
                         LongSupplier nanoTime) {
        this(client, cipher, requestIds, new AccessRegistry.Settings(checkInterval, Duration.ofMillis(500),
                Duration.ofSeconds(60), false), AccessDiscovery.OFF, null, nanoTime);
    }

    UserDirectory(MemoramClient client, ContentCipher cipher, List<String> requestIds, AccessRegistry.Settings settings,
                  AccessDiscovery discovery, String scopeReason, LongSupplier nanoTime) {
        this.client = client;
        this.registry = new AccessRegistry(client, cipher, settings, Clock.systemUTC());
        this.checkInterval = settings.checkInterval();
        this.discovery = discovery;
        this.scopeReason = scopeReason;
        this.nanoTime = nanoTime;
        for (String id : requestIds) {
            add(id, null);
        }
    }

    /** The directory of a sink task: its request ids, the check interval, discovery and retry settings of its config. */
    public static UserDirectory forTask(MemoramClient client, ContentCipher cipher, Map<String, String> taskProps,
                                       MemoramSinkConfig config) {
        return new UserDirectory(client, cipher, requestIds(taskProps, config), new AccessRegistry.Settings(
                config.accessCheckInterval(), config.retryBackoff(), config.retryBackoffMax(), false),
                config.accessDiscovery(), config.accessRequestReason(), System::nanoTime);
    }

    /**
     * The request ids a task serves: the connector's task keys, or (a task started directly, as in
     * tests) the configured {@code memoram.access.request.ids}.
     */
    public static List<String> requestIds(Map<String, String> taskProps, MemoramSinkConfig config) {
        return taskProps.containsKey(AccessTaskConfig.REQUEST_IDS_CONFIG)
                ? AccessTaskConfig.requestIds(taskProps) : config.accessRequestIds();
    }

    private synchronized void add(String requestId, String userId) {
        if (requestIds.add(requestId)) {
            registry.add(requestId, userId, null);
        }
    }

    /**
     * The user's access.
     *
     * @throws UserNotAuthorizedException when no approved request of this connector covers the user
     * @throws MemoramUnavailableException when the API cannot tell now, or (discovery) the record
     *                                     waits for the next look-up: retry later
     */
    public UserAccess require(String userId) {
        UserAccess access = registry.access(userId);
        if (access != null) {
            return access;
        }
        synchronized (this) {
            apply(registry.checkDue());
            access = registry.access(userId);
            if (access == null && discovery.enabled()) {
                lookUpFor(userId);
                access = registry.access(userId);
            }
            if (access != null) {
                waitingSince.remove(userId);
                return access;
            }
            AccessStatus status = statusByUser.get(userId);
            if (status != null && status != AccessStatus.APPROVED) {
                throw new UserNotAuthorizedException("user '" + userId + "' is not authorised: the access request of "
                        + "this connector for that user is " + status.wire());
            }
            if (!unavailable.isEmpty()) {
                // A request the API could not answer may be this user's: the record waits rather than being refused.
                throw unavailable.values().iterator().next();
            }
            throw new UserNotAuthorizedException("user '" + userId + "' is unknown: no approved access request of this "
                    + "connector (memoram.access.request.ids, memoram.memory.keys"
                    + (discovery.enabled() ? ", memoram.access.discovery=" + discovery.wire() : "") + ") is for that user"
                    + problemsText());
        }
    }

    /**
     * Looks the account's requests up for a user no request covers, so that a user approved after
     * the task started is written after at most one look-up. Bounded: one look-up per check
     * interval for all unknown users together; a record that arrived after the last look-up waits
     * for the next one.
     */
    private void lookUpFor(String userId) {
        long now = nanoTime.getAsLong();
        long since = waitingSince.computeIfAbsent(userId, u -> now);
        if (lastLookUp != Long.MIN_VALUE && lastLookUp > since) {
            waitingSince.remove(userId); // a look-up made after the record arrived did not find the user
            return;
        }
        long next = lastLookUp == Long.MIN_VALUE ? now : lastLookUp + checkInterval.toNanos();
        if (now < next) {
            throw new MemoramUnavailableException("GET /access-requests", 0, "user '" + userId + "' is not known yet: "
                    + "waiting for the next look-up of the account's access requests", Duration.ofNanos(next - now), null);
        }
        AccessListing listing = AccessListing.read(client);
        lastLookUp = nanoTime.getAsLong();
        int before = requestIds.size();
        ConnectorAccess.inScope(listing, discovery, scopeReason).forEach((id, user) -> add(id, user));
        if (requestIds.size() > before) {
            log.info("Discovery ({}): {} new access requests in scope", discovery.wire(), requestIds.size() - before);
        }
        apply(registry.checkDue());
        waitingSince.remove(userId);
    }

    /** Every user with an approved request (checking due requests first). */
    public List<String> knownUserIds() {
        synchronized (this) {
            apply(registry.checkDue());
        }
        return registry.servedUsers();
    }

    /** Forget the user's credentials after a 403 that a credentials refresh confirmed; its requests are checked again. */
    public synchronized void revoked(String userId) {
        List<AccessRegistry.Event> events = registry.accessDenied(userId);
        if (!events.isEmpty()) {
            statusByUser.put(userId, AccessStatus.REVOKED);
            log.warn("Access to user {} is no longer granted; its records are refused until it is approved again", userId);
        }
        apply(events);
    }

    private void apply(List<AccessRegistry.Event> events) {
        for (AccessRegistry.Event e : events) {
            if (e instanceof AccessRegistry.Event.StatusChanged c) {
                settled(c.requestId());
                if (c.userId() != null) {
                    statusByUser.put(c.userId(), c.status());
                }
            } else if (e instanceof AccessRegistry.Event.Granted g) {
                settled(g.requestId());
                statusByUser.remove(g.access().userId());
                log.info("Access request {} is approved: writing to user {}", g.requestId(), g.access().userId());
            } else if (e instanceof AccessRegistry.Event.Refused r) {
                settled(r.requestId());
            } else if (e instanceof AccessRegistry.Event.CallFailed f) {
                if (f.error() instanceof MemoramAuthenticationException auth) {
                    throw auth;
                }
                if (f.error() instanceof MemoramUnavailableException u) {
                    unavailable.put(f.requestId(), u);
                } else {
                    unavailable.remove(f.requestId());
                    String reason = String.valueOf(f.error().getMessage());
                    if (!reason.equals(problems.put(f.requestId(), reason))) {
                        log.warn("Access request {} cannot be used: {}; the other requests are not affected", f.requestId(), reason);
                    }
                }
            }
        }
    }

    private void settled(String requestId) {
        problems.remove(requestId);
        unavailable.remove(requestId);
    }

    private String problemsText() {
        if (problems.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; requests that cannot be used:");
        problems.forEach((id, reason) -> sb.append(' ').append(id).append(" (").append(reason).append(')'));
        return sb.toString();
    }

    /** Drops every credential (task stop). */
    public void close() {
        registry.close();
    }
}
