package io.memoram.connect.source;

import io.memoram.connect.access.AccessListing;
import io.memoram.connect.access.AccessRequestResolver;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's view of its access requests: resolves memory keys to request ids (offset
 * storage first, then the API, which reuses or files a request), learns each request's user, and
 * asks for task reconfiguration when the grouping of requests into users changes (an approval
 * links a pending request to its user, discovery finds a new user or loses one). Runs on the connector's monitor thread; {@link #requests()}
 * is read by the herder's thread.
 */
final class AccessMonitor {
    private static final Logger log = LoggerFactory.getLogger(AccessMonitor.class);

    /** A failure no retry can fix: the connector fails with it. */
    static final class PermanentFailure extends ConnectException {
        PermanentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final MemoramClient client;
    private final AccessRequestResolver resolver;
    private final OffsetStorageReader offsets;
    private final List<String> configuredIds;
    /** Memory key fingerprint to key, in config order (duplicates collapse). */
    private final Map<String, Secret> keys = new LinkedHashMap<>();
    private final Runnable onChange;

    private final AccessDiscovery discovery;
    private final String scopeReason;
    /** Requests found by discovery, id to user, in listing order; guarded by this. */
    private final Map<String, String> discovered = new LinkedHashMap<>();

    private final Map<String, String> requestByKey = new HashMap<>();
    private final Map<String, String> userByRequest = new HashMap<>();
    private final Set<String> unknownIds = new HashSet<>();
    private List<List<TaskAssignment.Request>> published;

    AccessMonitor(MemoramClient client, AccessRequestResolver resolver, OffsetStorageReader offsets,
                  List<String> configuredIds, List<Secret> memoryKeys, Runnable onChange) {
        this(client, resolver, offsets, configuredIds, memoryKeys, AccessDiscovery.OFF, null, onChange);
    }

    /**
     * @param discovery   which of the account's requests are served besides the configured ones
     * @param scopeReason the reason a request must have with {@link AccessDiscovery#REASON}
     */
    AccessMonitor(MemoramClient client, AccessRequestResolver resolver, OffsetStorageReader offsets,
                  List<String> configuredIds, List<Secret> memoryKeys, AccessDiscovery discovery, String scopeReason,
                  Runnable onChange) {
        this.client = client;
        this.discovery = discovery;
        this.scopeReason = scopeReason;
        this.resolver = resolver;
        this.offsets = offsets;
        this.configuredIds = List.copyOf(new LinkedHashSet<>(configuredIds));
        for (Secret k : memoryKeys) {
            keys.putIfAbsent(AccessRequestResolver.keyFingerprint(k), k);
        }
        this.onChange = onChange;
    }

    /** What the connector knows now: every request id (configured or resolved) with its user and key fingerprint. */
    synchronized List<TaskAssignment.Request> requests() {
        Map<String, TaskAssignment.Request> out = new LinkedHashMap<>();
        for (String id : configuredIds) {
            out.put(id, new TaskAssignment.Request(id, userByRequest.get(id), null));
        }
        requestByKey.forEach((fp, id) -> out.put(id, new TaskAssignment.Request(id, userByRequest.get(id), fp)));
        discovered.forEach((id, user) -> out.putIfAbsent(id, new TaskAssignment.Request(id, user, null)));
        return new ArrayList<>(out.values());
    }

    /** Records the grouping handed to tasks, so that only a change triggers reconfiguration. */
    synchronized void published(List<List<TaskAssignment.Request>> groups) {
        published = groups;
    }

    /** Memory keys still without a request id (e.g. the API was down). */
    synchronized int unresolvedKeys() {
        return (int) keys.keySet().stream().filter(fp -> !requestByKey.containsKey(fp)).count();
    }

    /**
     * One round: resolve keys, read statuses, reconfigure on change.
     *
     * @throws PermanentFailure for a refused API key or a refused memory key
     * @throws MemoramException when the API could not be reached (the next round retries)
     */
    void refresh() {
        resolveKeys();
        readStatuses();
        List<List<TaskAssignment.Request>> groups = TaskAssignment.groups(requests());
        boolean changed;
        synchronized (this) {
            changed = published != null && !groups.equals(published);
        }
        if (changed) {
            log.info("The users of this connector's access requests changed: requesting task reconfiguration");
            onChange.run();
        }
    }

    private void resolveKeys() {
        List<String> unresolved;
        synchronized (this) {
            unresolved = keys.keySet().stream().filter(fp -> !requestByKey.containsKey(fp)).toList();
        }
        if (unresolved.isEmpty()) {
            return;
        }
        // First line: the ids our tasks recorded in offset storage. Second line (the resolver): the API's
        // list of this developer's requests, matched by memory key. Only then a new request is filed.
        List<Map<String, String>> partitions = unresolved.stream().map(SourceOffsets::keyPartition).toList();
        Map<Map<String, String>, Map<String, Object>> stored = offsets.offsets(partitions);
        for (String fp : unresolved) {
            Map<String, Object> offset = stored.get(SourceOffsets.keyPartition(fp));
            String id = offset == null ? null : (String) offset.get(SourceOffsets.REQUEST_ID);
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
                log.info("Memory key {}... has access request {} (from offset storage)", fp.substring(0, 12), id);
            }
            synchronized (this) {
                requestByKey.put(fp, id);
            }
        }
    }

    private void readStatuses() {
        Set<String> ids = new LinkedHashSet<>();
        for (TaskAssignment.Request r : requests()) {
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
        Map<String, String> fresh = new LinkedHashMap<>();
        for (AccessRequest r : listing.items()) {
            if (r.id() != null && r.userId() != null && r.status() != AccessStatus.PENDING && inScope(r)) {
                fresh.put(r.id(), r.userId());
            }
        }
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

    private boolean inScope(AccessRequest r) {
        return discovery == AccessDiscovery.ALL || (discovery == AccessDiscovery.REASON && scopeReason.equals(r.reason()));
    }
}
