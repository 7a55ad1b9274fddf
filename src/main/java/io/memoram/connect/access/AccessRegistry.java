package io.memoram.connect.access;

import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCryptoException;
import io.memoram.connect.util.ExponentialBackoff;
import io.memoram.connect.util.Saturating;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access requests one task serves, and which of them currently grants each user
 * (docs/access-flow.md). Per request ({@link AccessRequestState}): its last status, when to check
 * it next, the backoff of its failed checks and, while it serves its user, that user's
 * {@link UserAccess} (credentials in memory only). One request serves a user at a time; other
 * approved requests of the same user stay idle and are checked again as soon as the serving one
 * is lost, so the user resumes on them.
 *
 * <p>The registry makes the API calls of a check ({@code GET /access-requests/{id}}, then the
 * credentials when approved) and reports what changed as typed {@link Event}s; what they mean
 * for records is the caller's business (the source writes statuses to its access topic, the sink
 * refuses records of users it cannot serve). Calls are made outside the registry's lock, so
 * checks of different requests may run on different threads at once; one request is never
 * checked by two threads at a time ({@link #takeDue()} hands each due request out once).
 * Thread-safe.
 *
 * <p>Use: {@link #add} each request, then repeatedly {@link #takeDue()} and {@link #check} each id
 * (or {@link #checkDue()} to do both on the calling thread); {@link #accessDenied} when the API
 * refuses a user's calls with 403; {@link #access} for the credentials that serve a user.
 */
public final class AccessRegistry {
    private static final Logger log = LoggerFactory.getLogger(AccessRegistry.class);

    /** What a check or a denial changed. */
    public sealed interface Event {
        String requestId();

        /** The request's status differs from the one last reported (first sight included, see {@link #add}). */
        record StatusChanged(String requestId, String userId, AccessStatus status) implements Event { }

        /** The request is approved and its credentials are open: serve {@code access.userId()} with them. */
        record Granted(String requestId, UserAccess access) implements Event { }

        /** A check found the request rejected or revoked (reported once per change into that state). */
        record Refused(String requestId, String userId, AccessStatus status) implements Event { }

        /** The request no longer serves its user (refused, or its calls were denied): stop serving the user. */
        record Withdrawn(String requestId, String userId) implements Event { }

        /** A call of the check failed; the request is checked again after its backoff (or {@code Retry-After}). */
        record CallFailed(String requestId, MemoramException error) implements Event { }

        /**
         * The credentials were read but cannot be used (an unusable encryption key): this request waits
         * for its next check, the task's other requests go on. {@code reason} names it, never the key.
         */
        record Unusable(String requestId, String reason) implements Event { }
    }

    /**
     * How often and how patiently requests are checked.
     *
     * @param checkInterval       between checks of a request that is pending, refused or unassigned
     * @param retryBackoff        first wait after a failed call (doubles, with jitter, up to the max)
     * @param retryBackoffMax     longest wait after failed calls or repeated denials
     * @param expectedUsersOnly   true: open credentials only for requests {@link #add added} with their
     *                            user (the source: a request is added with its user only by the task that
     *                            owns the user, see {@link AccessShare}, so two tasks never serve one user;
     *                            an approval of a request added without its user is not reported either:
     *                            the owner of the user reports it); false: open any approved request (the sink)
     */
    public record Settings(Duration checkInterval, Duration retryBackoff, Duration retryBackoffMax, boolean expectedUsersOnly) {
        public Settings {
            Objects.requireNonNull(checkInterval, "checkInterval");
            Objects.requireNonNull(retryBackoff, "retryBackoff");
            Objects.requireNonNull(retryBackoffMax, "retryBackoffMax");
        }
    }

    private final MemoramClient client;
    private final ContentCipher cipher;
    private final Settings settings;
    private final Clock clock;
    private final ExponentialBackoff backoff;
    private final Map<String, AccessRequestState> entries = new LinkedHashMap<>();
    /** user id -> the request that serves it. */
    private final Map<String, AccessRequestState> serving = new LinkedHashMap<>();
    private boolean closed;

    public AccessRegistry(MemoramClient client, ContentCipher cipher, Settings settings, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = new ExponentialBackoff(settings.retryBackoff(), settings.retryBackoffMax(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Registers a request, due for a check at once.
     *
     * @param userId         the user the request is known to be for, or null while unknown
     * @param reportedStatus the status last reported before (e.g. read back from offsets), or null:
     *                       a check reports {@link Event.StatusChanged} only when it differs
     */
    public synchronized void add(String requestId, String userId, String reportedStatus) {
        Objects.requireNonNull(requestId, "requestId");
        entries.computeIfAbsent(requestId, id -> new AccessRequestState(id, userId, reportedStatus, clock.millis(), backoff));
    }

    /**
     * Forgets a request (the source task no longer serves it: it left the account's listing, or its
     * user belongs to another task). A user it served is withdrawn; a check of it in flight opens nothing.
     */
    public synchronized List<Event> remove(String requestId) {
        AccessRequestState e = entries.remove(requestId);
        List<Event> events = new ArrayList<>();
        if (e != null) {
            withdraw(e, events, clock.millis());
            e.forget();
        }
        return events;
    }

    /** The ids of the requests due for a check now; each is handed out once until its check ends. */
    public synchronized List<String> takeDue() {
        long now = clock.millis();
        List<String> due = new ArrayList<>();
        for (AccessRequestState e : entries.values()) {
            if (e.takeIfDue(now)) {
                due.add(e.requestId);
            }
        }
        return due;
    }

    /**
     * Brings a request's next check forward to at most {@code within} from now (a record waits on
     * it); never later than it was. Asked again and again while records wait, it still checks at
     * most once per {@code within}: each check sets the next one a check interval away.
     */
    public synchronized void checkWithin(String requestId, Duration within) {
        AccessRequestState e = entries.get(requestId);
        if (e != null && !e.checking) {
            e.dueAt = Math.min(e.dueAt, Saturating.add(clock.millis(), within.toMillis()));
        }
    }

    /** When the next check is due (epoch millis; {@link Long#MAX_VALUE} when none is). */
    public synchronized long nextDueMillis() {
        long min = Long.MAX_VALUE;
        for (AccessRequestState e : entries.values()) {
            if (!e.checking) {
                min = Math.min(min, e.dueAt);
            }
        }
        return min;
    }

    /** {@link #takeDue()} and {@link #check} of each, on the calling thread. */
    public List<Event> checkDue() {
        List<Event> events = new ArrayList<>();
        for (String id : takeDue()) {
            events.addAll(check(id));
        }
        return events;
    }

    /**
     * Checks one request handed out by {@link #takeDue()}: its status and, when approved and its
     * user is not served yet, its credentials. Never throws for what the API answers; a failed
     * call is an {@link Event.CallFailed} and a later retry.
     */
    public List<Event> check(String requestId) {
        AccessRequestState e;
        synchronized (this) {
            e = entries.get(requestId);
            if (e == null) {
                return List.of(); // removed after it was handed out: nothing to check any more
            }
            if (closed) {
                e.checking = false;
                return List.of();
            }
        }
        List<Event> events = new ArrayList<>();
        try {
            AccessRequest r;
            try {
                r = client.getAccessRequest(requestId);
            } catch (MemoramException ex) {
                failed(e, ex, "check access request", events);
                return events;
            }
            if (!observed(e, r, events)) {
                return events;
            }
            UserAccess access;
            try {
                access = UserAccess.open(client, requestId, cipher);
            } catch (MemoramAccessDeniedException ex) {
                log.warn("Access request {} is approved but its credentials were refused: checking again in {} ms",
                        requestId, settings.checkInterval().toMillis());
                later(e, settings.checkInterval());
                return events;
            } catch (MemoramException ex) {
                failed(e, ex, "fetch the credentials of access request", events);
                return events;
            } catch (ContentCryptoException ex) {
                // An unusable encryption key from the server: this user waits, the others go on.
                log.error("Access request {}: the credentials hold an unusable encryption key ({}); checking again in {} ms",
                        requestId, ex.getMessage(), settings.checkInterval().toMillis());
                later(e, settings.checkInterval());
                // Reported, so the sink names this request and why in its refusals.
                events.add(new Event.Unusable(requestId,
                        "the credentials hold an unusable encryption key (" + ex.getMessage() + ")"));
                return events;
            }
            opened(e, access, events);
            return events;
        } finally {
            synchronized (this) {
                e.checking = false;
            }
        }
    }

    /** Applies a status read from the API; true when the credentials should be opened now. */
    private synchronized boolean observed(AccessRequestState e, AccessRequest r, List<Event> events) {
        long now = clock.millis();
        boolean open = e.observe(r, serving::containsKey, settings, now, events);
        if (e.refused()) {
            withdraw(e, events, now);
        }
        return open;
    }

    private synchronized void opened(AccessRequestState e, UserAccess access, List<Event> events) {
        if (closed || entries.get(e.requestId) != e || !e.opened(access, clock.millis() + settings.checkInterval().toMillis())) {
            access.close(); // not kept: wiped now
            return;
        }
        if (serving.containsKey(access.userId())) {
            access.close();
            return; // another request of the user won meanwhile; this one stays idle
        }
        e.access = access;
        serving.put(access.userId(), e);
        events.add(new Event.Granted(e.requestId, access));
        log.info("Serving user {} (access request {}, key version {})", access.userId(), e.requestId, access.newestKeyVersion());
    }

    private synchronized void failed(AccessRequestState e, MemoramException ex, String what, List<Event> events) {
        Duration wait = e.failed(ex instanceof MemoramUnavailableException u ? u.retryAfter() : null, clock.millis());
        events.add(new Event.CallFailed(e.requestId, ex));
        log.warn("Could not {} {} ({} consecutive failures, next try in {} ms): {}",
                what, e.requestId, e.failures.consecutiveFailures(), wait.toMillis(), ex.getMessage());
    }

    private synchronized void later(AccessRequestState e, Duration wait) {
        e.dueAt = clock.millis() + wait.toMillis();
    }

    /**
     * The API refused a call for {@code userId} with 403: stop serving it and check its requests.
     * The first denial checks at once; denials that follow within {@code checkInterval} (a
     * request that reads approved while its calls are refused) back off up to
     * {@code retryBackoffMax}, so a contradictory API never makes a loop without pause.
     */
    public synchronized List<Event> accessDenied(String userId) {
        long now = clock.millis();
        List<Event> events = new ArrayList<>();
        AccessRequestState e = serving.get(userId);
        if (e != null) {
            withdraw(e, events, now);
        }
        for (AccessRequestState other : entries.values()) {
            if (other.concerns(userId)) {
                other.denied(now, settings.checkInterval().toMillis(), backoff);
            }
        }
        return events;
    }

    private void withdraw(AccessRequestState e, List<Event> events, long now) {
        if (e.access == null) {
            return;
        }
        String userId = e.access.userId();
        e.access.close(); // wipes its keys; a call still using them fails with a retriable error
        e.access = null;
        serving.remove(userId);
        events.add(new Event.Withdrawn(e.requestId, userId));
        log.warn("Access request {} no longer grants user {}: that user is not served until a request of it is approved again",
                e.requestId, userId);
        // Another approved request of the same user may take over: check those now.
        for (AccessRequestState other : entries.values()) {
            if (other != e && userId.equals(other.userId) && other.status == AccessStatus.APPROVED) {
                other.dueAt = Math.min(other.dueAt, now);
            }
        }
    }

    /** The credentials serving {@code userId}, or null while no request of this registry grants it. */
    public synchronized UserAccess access(String userId) {
        AccessRequestState e = serving.get(userId);
        return e == null ? null : e.access;
    }

    /** The status last seen of a request of this registry, or null for another request. */
    public synchronized AccessStatus status(String requestId) {
        AccessRequestState e = entries.get(requestId);
        return e == null ? null : e.status;
    }

    /** The user ids currently served. */
    public synchronized List<String> servedUsers() {
        return new ArrayList<>(serving.keySet());
    }

    /** How many requests were last seen with one of these statuses. */
    public synchronized int count(AccessStatus... statuses) {
        int n = 0;
        for (AccessRequestState e : entries.values()) {
            for (AccessStatus s : statuses) {
                if (e.status == s) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Wipes every credential (they are in memory only); later checks open nothing. */
    public synchronized void close() {
        closed = true;
        entries.values().forEach(AccessRequestState::forget);
        serving.clear();
    }

}
