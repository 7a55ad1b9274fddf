package io.memoram.connect.access;

import io.memoram.connect.access.AccessTaskConfig.Request;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.util.Sha256;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The access requests one source task serves, decided by the task itself from the connector's
 * requests (configured ids, ids filed for memory keys) and its own reads of the account's listing
 * (docs/source.md, "Tasks and users").
 *
 * <p>Users never move: a user belongs to the task {@link #owner owner(user id, tasks)}, a stable
 * hash that every task computes alike, so no two tasks serve one user and an approval, a
 * revocation or any other change of the account's requests changes no task config and moves no
 * other user. Only {@code tasks.max} or the configured ids and keys change task configs. A
 * request whose user is not known yet (pending, or its listing not read yet) belongs to the task
 * of its request id, which reports its status; once the listing names its user, it belongs to
 * that user's task. Not thread-safe: used by one thread.
 */
public final class AccessShare {
    private final int task;
    private final int tasks;
    private final List<Request> given;
    private final Set<String> givenIds = new LinkedHashSet<>();
    private final AccessScope scope;
    /** Users the listing named for given requests (a request's user never changes). */
    private final Map<String, String> userOf = new HashMap<>();
    /** Discovered requests, id to user, in listing order. */
    private final Map<String, String> discovered = new LinkedHashMap<>();

    /**
     * @param task  this task's number, in {@code [0, tasks)}
     * @param given the requests of the task config (every task is given all of them); a user given with
     *              one is trusted until a listing names it
     */
    public AccessShare(int task, int tasks, List<Request> given, AccessScope scope) {
        if (tasks < 1 || task < 0 || task >= tasks) {
            throw new IllegalArgumentException("task " + task + " of " + tasks);
        }
        this.task = task;
        this.tasks = tasks;
        this.given = List.copyOf(given);
        this.scope = Objects.requireNonNull(scope, "scope");
        for (Request r : given) {
            givenIds.add(r.requestId());
        }
    }

    /** The task of a user (or of a request whose user is unknown): a hash of the id modulo the task count. */
    public static int owner(String id, int tasks) {
        int hash = ByteBuffer.wrap(Sha256.of(id)).getInt();
        return Math.floorMod(hash, tasks);
    }

    /**
     * What this task serves before it has read a listing: the given requests whose user the task
     * config names and this task owns. Requests without a user wait for the first listing, so that
     * only one task reports each one's status.
     */
    public Map<String, Request> initial() {
        Map<String, Request> out = new LinkedHashMap<>();
        for (Request r : given) {
            if (r.userId() != null && owner(r.userId(), tasks) == task) {
                out.put(r.requestId(), r);
            }
        }
        return out;
    }

    /**
     * What this task serves after reading {@code listing}, request id to request (with its user
     * when known). A request missing from an incomplete listing is kept: absence proves nothing there.
     */
    public Map<String, Request> after(AccessListing listing) {
        for (AccessRequest r : listing.items()) {
            if (r.id() != null && r.userId() != null && givenIds.contains(r.id())) {
                userOf.put(r.id(), r.userId());
            }
        }
        Map<String, String> fresh = scope.of(listing);
        if (listing.complete()) {
            discovered.clear();
        }
        discovered.putAll(fresh);

        Map<String, Request> out = new LinkedHashMap<>();
        for (Request r : given) {
            String user = userOf.getOrDefault(r.requestId(), r.userId());
            if (owner(user != null ? user : r.requestId(), tasks) == task) {
                out.put(r.requestId(), new Request(r.requestId(), user, r.keyFingerprint()));
            }
        }
        discovered.forEach((id, user) -> {
            if (!givenIds.contains(id) && owner(user, tasks) == task) {
                out.put(id, new Request(id, user, null));
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "AccessShare[task " + task + " of " + tasks + ", " + given.size() + " given, discovery " + scope + "]";
    }
}
