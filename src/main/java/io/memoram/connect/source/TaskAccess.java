package io.memoram.connect.source;

import io.memoram.connect.access.AccessListing;
import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.AccessShare;
import io.memoram.connect.access.AccessTaskConfig.Request;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.util.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source task's own look at the account's access requests: every
 * {@code memoram.access.check.interval.ms} it reads the listing, asks its {@link AccessShare} which
 * requests are this task's now, and hands the difference to the pipeline: a user new to the task
 * joins with its offsets read (on this thread, never under the pipeline's lock), a request no
 * longer this task's is removed (its user withdrawn). So an approval starts a stream and a
 * revocation or a request leaving the account ends one without any task restarting. One thread;
 * the pipeline's lock guards what it changes there. {@link #requestOf} and {@link #formerStatus}
 * are read by the task's thread (the {@link CreateGate}'s carriers name a user's request).
 */
final class TaskAccess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskAccess.class);

    /** A request the task starts serving: its access-topic partition and the status recorded there before. */
    record Added(Request request, Map<String, String> partition, String reportedStatus) { }

    /** What joins the task: the requests, and slots (offsets loaded) for users it did not have yet. */
    record Admission(List<Added> requests, List<UserSlot> slots) { }

    private final MemoramClient client;
    private final AccessShare share;
    private final OffsetStorageReader offsets;
    private final Function<String, UserSlot> newSlot;
    private final Consumer<UserSlot> loaded;
    /** What the task serves now, request id to request; only this class's thread changes it after start. */
    private final Map<String, Request> served = new LinkedHashMap<>();
    /** Users with a slot in the pipeline (slots are kept when a request goes: the user may come back). */
    private final Set<String> users = new HashSet<>();
    /**
     * User id -> a request the task serves for it, else the last one it served (kept when the request
     * goes, like the slot: records of the user may still be on their way, and their carrier names it).
     */
    private final Map<String, String> requestOfUser = new ConcurrentHashMap<>();
    /** The status last seen of a request the task stopped serving (the registry forgot it; the topic still shows it). */
    private final Map<String, AccessStatus> formerStatus = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;
    private volatile boolean reachable = true;

    /**
     * @param newSlot a slot for a user new to the task (offsets not loaded yet)
     * @param loaded  called with each new slot once its offsets are loaded, before the pipeline gets it
     *                (so the {@link CreateGate} knows a user's pending ids before any of its records)
     */
    TaskAccess(MemoramClient client, AccessShare share, OffsetStorageReader offsets, Function<String, UserSlot> newSlot,
               Consumer<UserSlot> loaded) {
        this.client = Objects.requireNonNull(client, "client");
        this.share = Objects.requireNonNull(share, "share");
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.newSlot = Objects.requireNonNull(newSlot, "newSlot");
        this.loaded = Objects.requireNonNull(loaded, "loaded");
    }

    /** What the task serves before any listing (the users its config names), read from offsets on the calling thread. */
    Admission initial() {
        Admission a = prepare(share.initial().values());
        a.requests().forEach(r -> serve(r.request()));
        a.slots().forEach(s -> users.add(s.userId()));
        return a;
    }

    /** Reads the listing now, then every {@code interval}, changing what {@code pipeline} serves. */
    void start(PullPipeline pipeline, Duration interval, String threadName) {
        executor = Executors.newSingleThreadScheduledExecutor(Threads.inheritingContext(threadName));
        executor.scheduleWithFixedDelay(() -> refresh(pipeline, interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh(PullPipeline pipeline, Duration interval) {
        try {
            apply(pipeline, share.after(AccessListing.read(client)));
            if (!reachable) {
                log.info("The account's access requests are readable again");
            }
            reachable = true;
        } catch (RuntimeException e) {
            if (reachable) {
                log.warn("Could not read the account's access requests ({}); trying again every {} ms, serving what is known",
                        e.getMessage(), interval.toMillis());
            }
            reachable = false;
        }
    }

    /** Moves the task from what it serves to {@code target}. */
    void apply(PullPipeline pipeline, Map<String, Request> target) {
        List<String> removed = new ArrayList<>();
        List<Request> added = new ArrayList<>();
        for (Map.Entry<String, Request> e : served.entrySet()) {
            Request now = target.get(e.getKey());
            if (now == null || !now.equals(e.getValue())) {
                removed.add(e.getKey()); // gone, or its user became known: added again below, with the user
            }
        }
        for (Request r : target.values()) {
            if (!r.equals(served.get(r.requestId()))) {
                added.add(r);
            }
        }
        if (removed.isEmpty() && added.isEmpty()) {
            return;
        }
        Admission admission = prepare(added);
        pipeline.changeAccess((registry, events) -> {
            List<AccessRegistry.Event> out = new ArrayList<>();
            for (String id : removed) {
                AccessStatus last = registry.status(id);
                if (last != null) {
                    formerStatus.put(id, last);
                }
                out.addAll(registry.remove(id));
            }
            admission.slots().forEach(events::admit);
            for (Added a : admission.requests()) {
                events.track(a.request().requestId(), a.partition());
                registry.add(a.request().requestId(), a.request().userId(), a.reportedStatus());
            }
            return out;
        });
        for (String id : removed) {
            Request was = served.remove(id);
            if (was.userId() != null && id.equals(requestOfUser.get(was.userId()))) {
                served.values().stream().filter(r -> was.userId().equals(r.userId())).findFirst()
                        .ifPresent(other -> requestOfUser.put(was.userId(), other.requestId()));
            }
            if (!target.containsKey(id)) {
                log.info("Access request {} (user {}) is no longer this task's to serve", id, was.userId());
            }
        }
        admission.slots().forEach(s -> users.add(s.userId()));
        for (Added a : admission.requests()) {
            serve(a.request());
            if (a.request().userId() != null) {
                log.info("Serving access request {} of user {}", a.request().requestId(), a.request().userId());
            }
        }
    }

    private void serve(Request r) {
        served.put(r.requestId(), r);
        if (r.userId() != null) {
            // A request the task still serves for the user wins over one it served before.
            String current = requestOfUser.get(r.userId());
            if (current == null || !served.containsKey(current)) {
                requestOfUser.put(r.userId(), r.requestId());
            }
        }
    }

    /** A request this task serves for {@code userId}, else the last one it served; null for a user never served. Any thread. */
    String requestOf(String userId) {
        return requestOfUser.get(userId);
    }

    /** The status last seen of a request this task no longer serves, or null. Any thread. */
    AccessStatus formerStatus(String requestId) {
        return formerStatus.get(requestId);
    }

    /** One read of offsets for new requests and new users: their access partitions and the users' 32 stream partitions. */
    private Admission prepare(Collection<Request> requests) {
        Map<String, Map<String, String>> partitions = new HashMap<>();
        List<Map<String, String>> toRead = new ArrayList<>();
        List<UserSlot> slots = new ArrayList<>();
        for (Request r : requests) {
            Map<String, String> partition = r.keyFingerprint() != null
                    ? SourceOffsets.keyPartition(r.keyFingerprint()) : SourceOffsets.requestPartition(r.requestId());
            partitions.put(r.requestId(), partition);
            toRead.add(partition);
            if (r.userId() != null && !users.contains(r.userId()) && slots.stream().noneMatch(s -> s.userId().equals(r.userId()))) {
                UserSlot slot = newSlot.apply(r.userId());
                slots.add(slot);
                toRead.addAll(slot.stream.partitions());
            }
        }
        Map<Map<String, String>, Map<String, Object>> stored = toRead.isEmpty() ? Map.of() : offsets.offsets(toRead);
        List<Added> added = new ArrayList<>();
        for (Request r : requests) {
            Map<String, String> partition = partitions.get(r.requestId());
            added.add(new Added(r, partition, recordedStatus(r.requestId(), stored.get(partition))));
        }
        for (UserSlot slot : slots) {
            for (String problem : slot.stream.load(stored)) {
                log.warn("Ignoring a malformed offset of user {} ({}); that bucket is read again from scratch", slot.userId(), problem);
            }
            log.info("Resuming user {}: {} memory blobs already emitted", slot.userId(), slot.stream.blobsKnown());
            loaded.accept(slot);
        }
        return new Admission(added, slots);
    }

    /** The status recorded before; an offset for another request id (a key's older request) does not count. */
    private static String recordedStatus(String requestId, Map<String, Object> offset) {
        if (offset != null && requestId.equals(offset.get(SourceOffsets.REQUEST_ID)) && offset.get(SourceOffsets.STATUS) instanceof String s) {
            return s;
        }
        return null;
    }

    /** Stops the reads; a listing in flight is interrupted (waited for briefly: stop() must not hang on HTTP). */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
