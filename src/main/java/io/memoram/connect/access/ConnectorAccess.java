package io.memoram.connect.access;

import io.memoram.connect.client.AccessRequest;
import io.memoram.connect.client.AccessStatus;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramBadRequestException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramNotFoundException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.config.AccessDiscovery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's view of its access requests, for both connectors: the one path from configuration
 * to the requests its tasks serve. Resolves memory keys to request ids (ids the connector
 * remembered first, then the API, which reuses or files a request), learns each request's user,
 * discovers the account's requests in scope ({@code memoram.access.discovery}), and calls
 * {@code onChange} when the requests or their users change, so the connector asks for task
 * reconfiguration only then. Driven by {@link AccessRefresher}; {@link #requests()} is read by the
 * herder's thread.
 */
public final class ConnectorAccess {
    private static final Logger log = LoggerFactory.getLogger(ConnectorAccess.class);

    /** A failure no retry can fix: the connector fails with it. */
    public static final class PermanentFailure extends ConnectException {
        PermanentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final MemoramClient client;
    private final AccessRequestResolver resolver;
    /** Memory-key fingerprints to the request ids the connector stored earlier (the source's offsets); may be empty. */
    private final Function<List<String>, Map<String, String>> remembered;
    private final List<String> configuredIds;
    /** Memory key fingerprint to key, in config order (duplicates collapse). */
    private final Map<String, Secret> keys = new LinkedHashMap<>();
    private final AccessDiscovery discovery;
    private final String scopeReason;
    private final Runnable onChange;

    private final Map<String, String> requestByKey = new HashMap<>();
    private final Map<String, String> userByRequest = new HashMap<>();
    /** Requests found by discovery, id to user, in listing order. */
    private final Map<String, String> discovered = new LinkedHashMap<>();
    private final Set<String> unknownIds = new HashSet<>();
    private List<AccessTaskConfig.Request> published;
    /** Whether task configs carry users (the source) or only request ids (the sink). */
    private boolean usersInTaskConfigs = true;

    /**
     * @param remembered  fingerprints to request ids stored by earlier runs (absent ones omitted)
     * @param discovery   which of the account's requests are served besides the configured ones
     * @param scopeReason the reason a request must have with {@link AccessDiscovery#REASON}
     */
    public ConnectorAccess(MemoramClient client, AccessRequestResolver resolver,
                           Function<List<String>, Map<String, String>> remembered, List<String> configuredIds,
                           List<Secret> memoryKeys, AccessDiscovery discovery, String scopeReason, Runnable onChange) {
        this.client = client;
        this.resolver = resolver;
        this.remembered = remembered;
        this.configuredIds = List.copyOf(new LinkedHashSet<>(configuredIds));
        for (Secret k : memoryKeys) {
            keys.putIfAbsent(AccessRequestResolver.keyFingerprint(k), k);
        }
        this.discovery = discovery;
        this.scopeReason = scopeReason;
        this.onChange = onChange;
    }

    /**
     * For a connector whose task configs carry request ids only (the sink, whose every task serves
     * every request): a user becoming known is then no reason to reconfigure.
     */
    public synchronized ConnectorAccess withoutUsersInTaskConfigs() {
        usersInTaskConfigs = false;
        return this;
    }

    /** What the connector knows now: every request id (configured, resolved, discovered) with its user and key fingerprint. */
    public synchronized List<AccessTaskConfig.Request> requests() {
        Map<String, AccessTaskConfig.Request> out = new LinkedHashMap<>();
        for (String id : configuredIds) {
            out.put(id, new AccessTaskConfig.Request(id, userByRequest.get(id), null));
        }
        requestByKey.forEach((fp, id) -> out.put(id, new AccessTaskConfig.Request(id, userByRequest.get(id), fp)));
        discovered.forEach((id, user) -> out.putIfAbsent(id, new AccessTaskConfig.Request(id, user, null)));
        return new ArrayList<>(out.values());
    }

    /** Records what was handed to tasks, so that only a change triggers reconfiguration. */
    public synchronized void published(List<AccessTaskConfig.Request> requests) {
        published = comparable(requests);
    }

    /** Memory keys still without a request id (e.g. the API was down). */
    public synchronized int unresolvedKeys() {
        return (int) keys.keySet().stream().filter(fp -> !requestByKey.containsKey(fp)).count();
    }

    /**
     * One round: resolve keys, read the listing (statuses, discovery), call onChange on a change.
     *
     * @throws PermanentFailure for a refused API key or a refused memory key
     * @throws MemoramException when the API could not be reached (the next round retries)
     */
    public void refresh() {
        resolveKeys();
        readStatuses();
        List<AccessTaskConfig.Request> now = comparable(requests());
        boolean changed;
        synchronized (this) {
            changed = published != null && !now.equals(published);
        }
        if (changed) {
            log.info("The access requests of this connector or their users changed: requesting task reconfiguration");
            onChange.run();
        }
    }

    private synchronized List<AccessTaskConfig.Request> comparable(List<AccessTaskConfig.Request> requests) {
        List<AccessTaskConfig.Request> copy = new ArrayList<>();
        for (AccessTaskConfig.Request r : requests) {
            copy.add(usersInTaskConfigs ? r : new AccessTaskConfig.Request(r.requestId(), null, r.keyFingerprint()));
        }
        copy.sort(Comparator.comparing(AccessTaskConfig.Request::requestId));
        return copy;
    }

    private void resolveKeys() {
        List<String> unresolved;
        synchronized (this) {
            unresolved = keys.keySet().stream().filter(fp -> !requestByKey.containsKey(fp)).toList();
        }
        if (unresolved.isEmpty()) {
            return;
        }
        // First line: the ids remembered from earlier runs. Second line (the resolver): the API's list of
        // this developer's requests, matched by memory key. Only then a new request is filed.
        Map<String, String> stored = remembered.apply(unresolved);
        for (String fp : unresolved) {
            String id = stored.get(fp);
            if (id == null) {
                try {
                    id = resolver.resolve(keys.get(fp));
                    log.info("Memory key {}... resolved to access request {} through the API", fp.substring(0, 12), id);
                } catch (MemoramAuthenticationException e) {
                    throw new PermanentFailure("The Memoram API refused the API key (memoram.api.key): " + e.getMessage(), e);
                } catch (MemoramBadRequestException | MemoramNotFoundException e) {
                    // 400 (malformed) or 404 (no user has that key): no retry can fix the configured key.
                    throw new PermanentFailure("The Memoram API refused the memory key with SHA-256 " + fp.substring(0, 12)
                            + "... in memoram.memory.keys (" + e.status() + "): " + e.getMessage(), e);
                }
            } else {
                log.info("Memory key {}... has access request {} (remembered)", fp.substring(0, 12), id);
            }
            synchronized (this) {
                requestByKey.put(fp, id);
            }
        }
    }

    private void readStatuses() {
        Set<String> ids = new LinkedHashSet<>();
        for (AccessTaskConfig.Request r : requests()) {
            ids.add(r.requestId());
        }
        if (ids.isEmpty() && !discovery.enabled()) {
            return;
        }
        Map<String, AccessRequest> found = new HashMap<>();
        AccessListing listing;
        try {
            listing = AccessListing.read(client);
        } catch (MemoramAuthenticationException e) {
            throw new PermanentFailure("The Memoram API refused the API key (memoram.api.key): " + e.getMessage(), e);
        }
        for (AccessRequest r : listing.items()) {
            if (ids.contains(r.id())) {
                found.put(r.id(), r);
            }
        }
        if (discovery.enabled()) {
            discover(listing);
        }
        for (String id : ids) {
            if (!found.containsKey(id) && !isDiscovered(id)) {
                try {
                    found.put(id, client.getAccessRequest(id));
                } catch (MemoramNotFoundException e) {
                    if (unknownIds.add(id)) {
                        log.warn("Access request {} does not exist for this API key; it is kept but serves no user", id);
                    }
                }
            }
        }
        synchronized (this) {
            for (AccessRequest r : found.values()) {
                if (r.userId() != null) {
                    userByRequest.put(r.id(), r.userId());
                }
            }
        }
    }

    private synchronized boolean isDiscovered(String id) {
        return discovered.containsKey(id);
    }

    /**
     * Takes the requests in scope whose user is linked (approved, or approved once and revoked since:
     * their task reports the revocation and resumes the user on re-approval without reconfiguring).
     * Pending requests have no user yet; they join when approved. A request missing from an
     * incomplete listing is kept: absence proves nothing there. Never logs a request whole (the
     * listing carries memory keys; {@link AccessRequest#toString()} hides them anyway).
     */
    private void discover(AccessListing listing) {
        Map<String, String> fresh = inScope(listing, discovery, scopeReason);
        int added = 0;
        int removed = 0;
        synchronized (this) {
            for (Map.Entry<String, String> e : fresh.entrySet()) {
                if (!e.getValue().equals(discovered.get(e.getKey()))) {
                    added++;
                    log.debug("Discovered access request {} of user {}", e.getKey(), e.getValue());
                }
            }
            if (listing.complete()) {
                for (String id : discovered.keySet()) {
                    if (!fresh.containsKey(id)) {
                        removed++;
                        log.info("Access request {} is no longer in the account's listing (or out of scope): not served any more", id);
                    }
                }
                discovered.clear();
            }
            discovered.putAll(fresh);
        }
        if (added > 0 || removed > 0) {
            log.info("Discovery ({}): {} access requests in scope, {} new, {} gone", discovery.wire(), fresh.size(), added, removed);
        }
    }

    /** The requests of a listing that discovery serves: in scope, user linked; request id to user id. */
    public static Map<String, String> inScope(AccessListing listing, AccessDiscovery discovery, String scopeReason) {
        Map<String, String> out = new LinkedHashMap<>();
        for (AccessRequest r : listing.items()) {
            boolean scoped = discovery == AccessDiscovery.ALL
                    || (discovery == AccessDiscovery.REASON && scopeReason != null && scopeReason.equals(r.reason()));
            if (scoped && r.id() != null && r.userId() != null && r.status() != AccessStatus.PENDING) {
                out.put(r.id(), r.userId());
            }
        }
        return out;
    }
}
