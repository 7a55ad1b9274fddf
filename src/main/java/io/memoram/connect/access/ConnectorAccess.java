package io.memoram.connect.access;

import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramBadRequestException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramNotFoundException;
import io.memoram.connect.client.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's view of its access requests, for both connectors: the one path from configuration
 * to the requests its tasks serve. Resolves memory keys to request ids (ids the connector
 * remembered first, then the API, which reuses or files a request), learns each request's user,
 * and calls {@code onChange} when the requests change, so the connector asks for task reconfiguration only then. Discovery of the account's
 * other requests is the tasks' business (the source's {@link AccessShare}, the sink's user
 * directory): approvals never reconfigure a connector. Driven by {@link AccessRefresher}; {@link #requests()} is read by the
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
    /**
     * What a connector's access is built from, named rather than positional.
     *
     * @param configuredIds  {@code memoram.access.request.ids}, in config order (duplicates collapse)
     * @param memoryKeys     {@code memoram.memory.keys}, resolved to request ids (duplicates collapse)
     * @param requestReason  the reason of the requests the API files for memory keys
     * @param remembered     memory-key fingerprints to the request ids stored by earlier runs (absent
     *                       ones omitted; the source's offsets, nothing for the sink)
     * @param onChange       called when the requests change: the connector asks for task reconfiguration
     */
    public record Settings(List<String> configuredIds, List<Secret> memoryKeys, String requestReason,
                           Function<List<String>, Map<String, String>> remembered, Runnable onChange) {
        public Settings {
            configuredIds = List.copyOf(new LinkedHashSet<>(configuredIds));
            memoryKeys = List.copyOf(memoryKeys);
            Objects.requireNonNull(remembered, "remembered");
            Objects.requireNonNull(onChange, "onChange");
        }
    }

    private final AccessRequestResolver resolver;
    /** Memory-key fingerprints to the request ids the connector stored earlier (the source's offsets); may be empty. */
    private final Function<List<String>, Map<String, String>> remembered;
    private final List<String> configuredIds;
    /** Memory key fingerprint to key, in config order (duplicates collapse). */
    private final Map<String, Secret> keys = new LinkedHashMap<>();
    private final Runnable onChange;

    private final Map<String, String> requestByKey = new HashMap<>();
    private final Map<String, String> userByRequest = new HashMap<>();
    private final Set<String> unknownIds = new HashSet<>();
    private List<AccessTaskConfig.Request> published;

    public ConnectorAccess(MemoramClient client, Settings settings) {
        this.client = client;
        this.resolver = new AccessRequestResolver(client, settings.requestReason());
        this.remembered = settings.remembered();
        this.configuredIds = settings.configuredIds();
        for (Secret k : settings.memoryKeys()) {
            keys.putIfAbsent(AccessRequestResolver.keyFingerprint(k), k);
        }
        this.onChange = settings.onChange();
    }

    /** What the connector knows now: every request id (configured, resolved) with its user and key fingerprint. */
    public synchronized List<AccessTaskConfig.Request> requests() {
        Map<String, AccessTaskConfig.Request> out = new LinkedHashMap<>();
        for (String id : configuredIds) {
            out.put(id, new AccessTaskConfig.Request(id, userByRequest.get(id), null));
        }
        requestByKey.forEach((fp, id) -> out.put(id, new AccessTaskConfig.Request(id, userByRequest.get(id), fp)));
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
     * One round: resolve keys, read the listing (users of the requests), call onChange on a change.
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
            log.info("The access requests of this connector changed: requesting task reconfiguration");
            onChange.run();
        }
    }

    private synchronized List<AccessTaskConfig.Request> comparable(List<AccessTaskConfig.Request> requests) {
        List<AccessTaskConfig.Request> copy = new ArrayList<>();
        // Task configs carry request ids only (every task finds its users itself): a user becoming
        // known is no reason to reconfigure.
        for (AccessTaskConfig.Request r : requests) {
            copy.add(new AccessTaskConfig.Request(r.requestId(), null, r.keyFingerprint()));
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
        if (ids.isEmpty()) {
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
        for (String id : ids) {
            if (!found.containsKey(id)) {
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

    /**
     * The requests of a listing that discovery serves: in scope, user linked; request id to user id.
     * Kept for the sink's per-task discovery; see {@link AccessScope#of}.
     */
}
