package io.memoram.connect.sink;

import io.memoram.connect.access.AccessListing;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.AccessScope;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.crypto.ContentCipher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 *
 * <p>A tombstone that names no user is looked for in every served user's blobs
 * ({@link #usersForDelete()}), but only once every request was checked (and, with discovery, the
 * account listed completely since start): a partial set would commit "nothing to delete" for a
 * blob that exists. The task calls {@link #warmUp()} at start so that this rarely has to wait.
 *
 * <p>Thread-safe; its lock guards memory only and is never held across an API call, so a check
 * hanging during an outage holds up the records of its own user, nobody else's.
 */
public final class UserDirectory {
    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

    /** What {@link #find(String)} knows of a user: served, refused, or not answerable yet. */
    public sealed interface Lookup {
        /** The user's access: write. */
        record Served(UserAccess access) implements Lookup { }

        /** A user the task may not write to; the reason is what the record is refused with (no secrets). */
        record Refused(String reason) implements Lookup { }
    }

    /** The users a tombstone naming no user is looked for in, once all of them are known. */
    public sealed interface Targets {
        record All(List<String> userIds) implements Targets { }
    }

    /**
     * Not answerable now: ask again later. {@code counted} false when the answer is being worked out
     * (a check or look-up under way or not made yet): a wait, not a failure of the API, so it uses up
     * none of the record's retries. {@code retryAfter} (may be null): when to ask again at the earliest.
     */
    public record Wait(String reason, Duration retryAfter, boolean counted) implements Lookup, Targets { }

    /**
     * How soon a record for an unknown user gets the check of a pending request whose user is not
     * known yet (at most once per this while records wait, and never later than the check interval).
     */
    private static final Duration EXPEDITED_CHECK = Duration.ofSeconds(1);

    private final MemoramClient client;
    private final AccessRegistry registry;
    private final Duration checkInterval;
    private final AccessScope scope;
    private final LongSupplier nanoTime;
    // All guarded by this, which is never held across an API call: a check that retries for minutes
    // during an outage must not stall the lanes of users already served, deletes, or close().
    private final Set<String> requestIds = new LinkedHashSet<>();
    private final Map<String, AccessStatus> statusByUser = new HashMap<>();
    /** Request id to the status and user its last completed check read. */
    private final Map<String, AccessStatus> statusByRequest = new HashMap<>();
    private final Map<String, String> userByRequest = new HashMap<>();
    /** Requests this directory's threads are checking right now: their outcome is not known yet. */
    private final Set<String> checking = new HashSet<>();
    /** Request id to why it cannot be used now. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    /** Request id to the API failure of its last check, while the API cannot tell. */
    private final Map<String, Wait> unavailable = new LinkedHashMap<>();
    /** Unknown users waiting for a look-up made after their record arrived: user to when it arrived. */
    private final Map<String, Long> waitingSince = new HashMap<>();
    /** Request id to when its last completed check started (records that arrived before it are answered by it). */
    private final Map<String, Long> checkStarted = new HashMap<>();
    /** Unknown users waiting for a check, made after their record arrived, of a pending request whose user is not known. */
    private final Map<String, Long> unknownSince = new HashMap<>();
    /** When the last completed look-up started (records that arrived before it are answered by it). */
    private long lastLookUp = Long.MIN_VALUE;
    private boolean lookingUp;
    /** Whether a complete listing of the account's requests was read since the task started (discovery). */
    private boolean listedAll;

    public UserDirectory(MemoramClient client, ContentCipher cipher, List<String> requestIds, Duration checkInterval,
                         LongSupplier nanoTime) {
        this(client, cipher, requestIds, new AccessRegistry.Settings(checkInterval, Duration.ofMillis(500),
                Duration.ofSeconds(60), false), AccessScope.OFF, nanoTime);
    }

    UserDirectory(MemoramClient client, ContentCipher cipher, List<String> requestIds, AccessRegistry.Settings settings,
                  AccessScope scope, LongSupplier nanoTime) {
        this.client = client;
        this.registry = new AccessRegistry(client, cipher, settings, Clock.systemUTC());
        this.checkInterval = settings.checkInterval();
        this.scope = scope;
        this.nanoTime = nanoTime;
        for (String id : requestIds) {
            add(id, null);
        }
    }

    /** The directory of a sink task: its request ids, the check interval, discovery and retry settings of its config. */
    static UserDirectory forTask(MemoramClient client, ContentCipher cipher, MemoramSinkTaskConfig config) {
        return new UserDirectory(client, cipher, config.requestIds(), new AccessRegistry.Settings(
                config.accessCheckInterval(), config.retryBackoff(), config.retryBackoffMax(), false),
                AccessScope.of(config), System::nanoTime);
    }

    private synchronized void add(String requestId, String userId) {
        if (requestIds.add(requestId)) {
            registry.add(requestId, userId, null);
        }
    }

    /**
     * Looks the task's users up before any record asks (task start): with discovery, one listing of
     * the account's requests; then a check of every request. Failures are only logged: the records
     * that need a user wait and retry, and their retries look again.
     */
    public void warmUp() {
        try {
            if (scope.enabled()) {
                lookUp(true);
            }
            checkDue();
        } catch (RuntimeException e) {
            log.warn("Could not look this task's users up at start ({}); records that need them wait and retry", e.getMessage());
        }
    }

    /**
     * The user's access, or why not: {@link Lookup.Refused} when no approved request of this
     * connector covers the user, a {@link Wait} when the API cannot tell now or (discovery) the
     * record waits for the next look-up. Failed API calls of a look-up are thrown as they came.
     */
    public Lookup find(String userId) {
        UserAccess access = registry.access(userId);
        if (access != null) {
            return new Lookup.Served(access);
        }
        checkDue();
        access = registry.access(userId);
        if (access == null && scope.enabled()) {
            Wait undecided = undecided(userId);
            if (undecided != null && !undecided.counted()) {
                return undecided; // a request that may be this user's is being checked: no look-up needed for that
            }
            Wait notDue = lookUpFor(userId);
            if (notDue != null) {
                return notDue;
            }
            access = registry.access(userId);
        }
        List<String> expedite;
        synchronized (this) {
            if (access != null) {
                waitingSince.remove(userId);
                unknownSince.remove(userId);
                return new Lookup.Served(access);
            }
            AccessStatus status = statusByUser.get(userId);
            if (status != null && status != AccessStatus.APPROVED) {
                return new Lookup.Refused("user '" + userId + "' is not authorised: the access request of "
                        + "this connector for that user is " + status.wire());
            }
            Wait undecided = undecided(userId);
            if (undecided != null) {
                // A request whose check has not ended (or failed) may be this user's: the record waits rather than being refused.
                return undecided;
            }
            List<String> pendingOfUnknownUser = pendingOfUnknownUserCheckedBefore(
                    unknownSince.computeIfAbsent(userId, u -> nanoTime.getAsLong()));
            if (pendingOfUnknownUser.isEmpty()) {
                unknownSince.remove(userId);
                return new Lookup.Refused("user '" + userId + "' is unknown: no approved access request of this "
                    + "connector (memoram.access.request.ids, memoram.memory.keys"
                    + (scope.enabled() ? ", memoram.access.discovery=" + scope : "") + ") is for that user"
                    + problemsText());
            }
            expedite = pendingOfUnknownUser;
        }
        // A pending request whose user is not known yet may be this user's, approved since its last check (a
        // request filed for a memory key, approved right after the task looked): the record waits for the next
        // check rather than being refused, and its arrival brings that check forward (outside this lock).
        Duration within = EXPEDITED_CHECK.compareTo(checkInterval) < 0 ? EXPEDITED_CHECK : checkInterval;
        for (String id : expedite) {
            registry.checkWithin(id, within);
        }
        return notYet("user '" + userId + "' is not known yet: waiting for the next check of the pending access "
                + "requests whose user is not known");
    }

    /**
     * Why a request that may be {@code userId}'s (null: any user's) cannot be judged yet, or null
     * when every such request was checked: never checked, being checked, or its last check failed.
     */
    private synchronized Wait undecided(String userId) {
        for (String id : requestIds) {
            if (problems.containsKey(id)) {
                continue;
            }
            String user = userByRequest.get(id);
            if (userId != null && user != null && !user.equals(userId) && !unavailable.containsKey(id)) {
                continue; // another user's request
            }
            Wait failed = unavailable.get(id);
            if (failed != null) {
                return failed;
            }
            if (checking.contains(id) || !statusByRequest.containsKey(id)) {
                return notYet("access request " + id + " is being checked");
            }
            if (userId == null && statusByRequest.get(id) == AccessStatus.APPROVED
                    && (user == null || registry.access(user) == null)) {
                return notYet("access request " + id + " is approved but its user is not served yet");
            }
        }
        return null;
    }

    /** The pending requests whose user is not known and whose last check started before {@code arrivedNanos}. */
    private synchronized List<String> pendingOfUnknownUserCheckedBefore(long arrivedNanos) {
        List<String> ids = new ArrayList<>(1);
        for (String id : requestIds) {
            if (userByRequest.get(id) == null && statusByRequest.get(id) == AccessStatus.PENDING && !problems.containsKey(id)
                    && (!checkStarted.containsKey(id) || checkStarted.get(id) - arrivedNanos < 0)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The answer is being worked out on another thread (a check or a look-up under way, or not made yet). */
    private static Wait notYet(String why) {
        return new Wait(why, null, false);
    }

    /** Checks the requests that are due on the calling thread, outside the lock; each is checked by one thread at a time. */
    private void checkDue() {
        List<String> due = registry.takeDue();
        if (due.isEmpty()) {
            return;
        }
        synchronized (this) {
            checking.addAll(due);
        }
        for (String id : due) {
            List<AccessRegistry.Event> events;
            long started = nanoTime.getAsLong();
            try {
                events = registry.check(id);
            } finally {
                synchronized (this) {
                    checking.remove(id);
                    checkStarted.put(id, started);
                }
            }
            apply(events);
        }
    }

    /**
     * Looks the account's requests up for a user no request covers, so that a user approved after
     * the task started is written after at most one look-up. Bounded: one look-up per check
     * interval for all unknown users together; a record that arrived after the last look-up waits
     * for the next one.
     */
    private Wait lookUpFor(String userId) {
        long now = nanoTime.getAsLong();
        synchronized (this) {
            long since = waitingSince.computeIfAbsent(userId, u -> now);
            if (lastLookUp != Long.MIN_VALUE && lastLookUp > since) {
                waitingSince.remove(userId); // a look-up made after the record arrived did not find the user
                return null;
            }
        }
        Wait notNow = lookUp(false);
        if (notNow != null) {
            return notNow;
        }
        synchronized (this) {
            waitingSince.remove(userId); // answered by this look-up
        }
        return null;
    }

    /**
     * One listing of the account's requests (at most one per check interval unless {@code force}),
     * then a check of the requests it added.
     *
     * @return null once looked up; a {@link Wait} when the look-up is not due yet or under way on another thread
     * @throws MemoramException when the look-up failed
     */
    private Wait lookUp(boolean force) {
        long started;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (lookingUp) {
                return notYet("waiting for the look-up of the account's access requests under way");
            }
            long next = force || lastLookUp == Long.MIN_VALUE ? now : lastLookUp + checkInterval.toNanos();
            if (now < next) {
                return new Wait("users not known yet: waiting for the next look-up of the account's access requests",
                        Duration.ofNanos(next - now), true);
            }
            lookingUp = true;
            started = now;
        }
        AccessListing listing;
        try {
            listing = AccessListing.read(client);
        } catch (RuntimeException e) {
            synchronized (this) {
                lookingUp = false;
            }
            throw e;
        }
        int added = 0;
        synchronized (this) {
            lookingUp = false;
            lastLookUp = started;
            listedAll |= listing.complete();
            for (Map.Entry<String, String> e : scope.of(listing).entrySet()) {
                if (requestIds.add(e.getKey())) {
                    userByRequest.put(e.getKey(), e.getValue());
                    registry.add(e.getKey(), e.getValue(), null);
                    added++;
                }
            }
        }
        if (added > 0) {
            log.info("Discovery ({}): {} new access requests in scope", scope, added);
        }
        checkDue();
        return null;
    }

    /**
     * Every user a tombstone without a user must be looked for, once each of them is known: a
     * delete may find "nothing to delete" only when every request the task may serve was checked
     * (and with discovery, the account's requests were listed completely since the task started).
     *
     * @return the users, or a {@link Wait} while that is not so: the tombstone waits and retries like a write
     */
    public Targets usersForDelete() {
        checkDue();
        boolean listed;
        synchronized (this) {
            listed = !scope.enabled() || listedAll;
        }
        if (!listed) {
            Wait notNow = lookUp(false);
            if (notNow != null) {
                return notNow;
            }
            synchronized (this) {
                if (!listedAll) {
                    return notYet("the account's access requests were not listed completely yet");
                }
            }
        }
        Wait undecided = undecided(null);
        if (undecided != null) {
            String why = "a tombstone names no user, and not every user of this task is known yet (" + undecided.reason() + ")";
            return new Wait(why, undecided.retryAfter(), undecided.counted());
        }
        return new Targets.All(registry.servedUsers());
    }

    /** Forget the user's credentials after a 403 that a credentials refresh confirmed; its requests are checked again. */
    public void revoked(String userId) {
        List<AccessRegistry.Event> events = registry.accessDenied(userId);
        synchronized (this) {
            if (!events.isEmpty()) {
                statusByUser.put(userId, AccessStatus.REVOKED);
                log.warn("Access to user {} is no longer granted; its records are refused until it is approved again", userId);
            }
        }
        apply(events);
    }

    private synchronized void apply(List<AccessRegistry.Event> events) {
        for (AccessRegistry.Event e : events) {
            if (e instanceof AccessRegistry.Event.StatusChanged c) {
                settled(c.requestId());
                statusByRequest.put(c.requestId(), c.status());
                if (c.userId() != null) {
                    userByRequest.put(c.requestId(), c.userId());
                    statusByUser.put(c.userId(), c.status());
                }
            } else if (e instanceof AccessRegistry.Event.Granted g) {
                settled(g.requestId());
                statusByRequest.put(g.requestId(), AccessStatus.APPROVED);
                userByRequest.put(g.requestId(), g.access().userId());
                statusByUser.remove(g.access().userId());
                log.info("Access request {} is approved: writing to user {}", g.requestId(), g.access().userId());
            } else if (e instanceof AccessRegistry.Event.Refused r) {
                settled(r.requestId());
            } else if (e instanceof AccessRegistry.Event.Unusable u) {
                unavailable.remove(u.requestId());
                if (!u.reason().equals(problems.put(u.requestId(), u.reason()))) {
                    log.warn("Access request {} cannot be used: {}; the other requests are not affected", u.requestId(), u.reason());
                }
            } else if (e instanceof AccessRegistry.Event.CallFailed f) {
                if (f.error() instanceof MemoramAuthenticationException auth) {
                    throw auth;
                }
                if (f.error() instanceof MemoramUnavailableException u) {
                    unavailable.put(f.requestId(), new Wait(u.getMessage(), u.retryAfter(), true));
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
