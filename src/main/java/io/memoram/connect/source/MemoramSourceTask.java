package io.memoram.connect.source;

import io.memoram.connect.Version;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.AccessRequest;
import io.memoram.connect.client.AccessStatus;
import io.memoram.connect.client.BlobQuery;
import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.MemoryBlobPage;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCryptoException;
import io.memoram.connect.crypto.NoKeyOpensException;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.util.Jmx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the users of the access requests assigned to it (docs/source.md).
 *
 * <p>Polling discipline: each {@link #poll()} does one unit of work, one API call, for one due
 * item, round-robin over the access requests to check and the users to pull, and returns what
 * that produced. When nothing is due it waits until the earliest due time, at most
 * {@link #MAX_IDLE_WAIT}, and returns null, so {@link #stop()} is never held up. Failures are
 * handled per user with that user's own backoff; the client makes single attempts (maxRetries 0)
 * because the framework would re-poll at once after a RetriableException, so the task must own
 * the waiting.
 */
public class MemoramSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(MemoramSourceTask.class);
    static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(1);

    private final Clock clock;
    private MemoramSourceConfig config;
    private MemoramClient client;
    private ContentCipher cipher;
    private BlobQuery query;
    private Duration pollInterval;
    private Duration accessCheckInterval;
    private SourceTaskMetrics metrics;
    private ObjectName metricsName;
    private ObjectName clientMetricsName;
    private final List<AccessWatch> watches = new ArrayList<>();
    private final Map<String, UserSlot> users = new LinkedHashMap<>();
    private final List<Object> schedule = new ArrayList<>();
    private int next;
    private volatile boolean stopping;
    private CountDownLatch stopSignal = new CountDownLatch(1);

    public MemoramSourceTask() {
        this(Clock.systemUTC());
    }

    MemoramSourceTask(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        stopSignal = new CountDownLatch(1);
        config = new MemoramSourceConfig(props);
        List<TaskAssignment.Request> requests = TaskAssignment.parse(props);
        String connector = props.getOrDefault("name", "memoram-source");
        int taskNumber = Integer.parseInt(props.getOrDefault(TaskAssignment.TASK_NUMBER, "0"));
        pollInterval = config.pollInterval();
        accessCheckInterval = config.accessCheckInterval();
        query = config.blobQuery();
        cipher = ContentCiphers.forName(config.contentEncryption());

        metrics = new SourceTaskMetrics(clock);
        metrics.gauges(
                () -> (int) users.values().stream().filter(UserSlot::active).count(),
                () -> (int) watches.stream().filter(w -> w.status == AccessStatus.PENDING).count(),
                () -> (int) watches.stream().filter(AccessWatch::isRevokedOrRejected).count());
        metricsName = Jmx.register(metrics, Jmx.name("source-task", connector, taskNumber));
        ClientMetrics clientMetrics = new ClientMetrics();
        clientMetricsName = Jmx.register(clientMetrics, Jmx.name("client-source", connector, taskNumber));
        client = MemoramClient.create(config.clientConfig(clientMetrics)).withRetry(io.memoram.connect.client.RetryPolicy.CALLER_BACKS_OFF);

        UserStream.Settings settings = new UserStream.Settings(config.memoriesTopic(), config.tagsTopic(),
                config.tagsEnabled(), config.tombstoneOnDelete(), config.behaviorOnDecryptionError());
        List<Map<String, String>> partitions = new ArrayList<>();
        for (TaskAssignment.Request r : requests) {
            AccessWatch w = new AccessWatch(r, backoff());
            watches.add(w);
            partitions.add(w.partition());
            if (r.userId() != null) {
                UserSlot slot = users.computeIfAbsent(r.userId(), u -> new UserSlot(new UserStream(u, settings, metrics), backoff()));
                slot.watches.add(w);
                metrics.userKnown(r.userId());
            }
        }
        users.values().forEach(s -> partitions.addAll(s.stream.partitions()));

        // One read of everything this task resumes from: 32 partitions per user plus one per request.
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        for (AccessWatch w : watches) {
            w.restore(offsets.get(w.partition()));
            w.checkNow(0);
        }
        for (UserSlot slot : users.values()) {
            for (String problem : slot.stream.load(offsets)) {
                log.warn("Ignoring a malformed offset of user {} ({}); that bucket is read again from scratch", slot.stream.userId(), problem);
            }
            log.info("Resuming user {}: {} memory blobs already emitted", slot.stream.userId(), slot.stream.blobsKnown());
        }
        schedule.addAll(watches);
        schedule.addAll(users.values());
        log.info("Source task {} started with {} access requests and {} known users", taskNumber, watches.size(), users.size());
    }

    private Backoff backoff() {
        return new Backoff(config.retryBackoff(), config.retryBackoffMax());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        long now = clock.millis();
        Object item = pickDue(now);
        if (item == null) {
            long wait = Math.min(MAX_IDLE_WAIT.toMillis(), Math.max(1, earliestDue() - now));
            stopSignal.await(wait, TimeUnit.MILLISECONDS);
            return null;
        }
        try {
            List<SourceRecord> records = item instanceof AccessWatch w ? check(w, now) : pull((UserSlot) item, now);
            return records.isEmpty() ? null : records;
        } catch (RuntimeException e) {
            if (stopping) {
                return null;
            }
            throw e;
        }
    }

    /** Round-robin: the first due item after the one served last. */
    private Object pickDue(long now) {
        int n = schedule.size();
        for (int i = 0; i < n; i++) {
            int idx = (next + i) % n;
            Object item = schedule.get(idx);
            if (dueAt(item) <= now) {
                next = (idx + 1) % n;
                return item;
            }
        }
        return null;
    }

    private long earliestDue() {
        long min = Long.MAX_VALUE;
        for (Object item : schedule) {
            min = Math.min(min, dueAt(item));
        }
        return min;
    }

    private static long dueAt(Object item) {
        return item instanceof AccessWatch w ? w.dueAt : ((UserSlot) item).dueAt;
    }

    // --- access requests ---

    private List<SourceRecord> check(AccessWatch w, long now) {
        List<SourceRecord> out = new ArrayList<>();
        AccessRequest r;
        try {
            r = client.getAccessRequest(w.requestId);
        } catch (MemoramException e) {
            failed(e);
            Duration wait = w.backoff.onFailure(e instanceof MemoramUnavailableException u ? u.retryAfter() : null);
            log.warn("Could not check access request {} ({} consecutive failures, next try in {} ms): {}",
                    w.requestId, w.backoff.consecutiveFailures(), wait.toMillis(), e.getMessage());
            w.checkAfter(now, wait);
            return out;
        }
        w.backoff.onSuccess();
        AccessStatus status = r.status() == null ? AccessStatus.UNKNOWN : r.status();
        String userId = r.userId() != null ? r.userId() : w.assignedUserId;
        if (!status.wire().equals(w.recordedStatus)) {
            out.add(SourceRecords.access(config.accessTopic(), w.partition(), w.requestId, status.wire(), userId, clock.instant()));
            metrics.access.incrementAndGet();
            w.recordedStatus = status.wire();
            log.info("Access request {} (user {}) is {}", w.requestId, userId, status.wire());
        }
        w.status = status;
        UserSlot slot = w.assignedUserId == null ? null : users.get(w.assignedUserId);
        switch (status) {
            case APPROVED -> approved(w, slot, now);
            case REJECTED, REVOKED -> {
                if (config.failOnAccessRevoked()) {
                    throw new ConnectException("Access request " + w.requestId + " (user " + userId + ") is " + status.wire()
                            + " and behavior.on.access.revoked=fail. Remove it from the connector, or set "
                            + "behavior.on.access.revoked=skip to keep serving the other users.");
                }
                if (slot != null && slot.active() && w.requestId.equals(slot.access.requestId())) {
                    log.warn("Access request {} of user {} is {}: that user is skipped until it is approved again", w.requestId, userId, status.wire());
                    slot.suspend();
                }
                w.checkAfter(now, accessCheckInterval);
            }
            default -> w.checkAfter(now, accessCheckInterval);
        }
        return out;
    }

    private void approved(AccessWatch w, UserSlot slot, long now) {
        if (slot == null) {
            // The connector assigns users only once it knows them, so one user is never served by two
            // tasks; it will reassign this request with its user.
            log.info("Access request {} is approved; waiting for the connector to assign its user to a task", w.requestId);
            w.checkAfter(now, accessCheckInterval);
            return;
        }
        if (slot.active()) {
            w.noCheckNeeded();
            return;
        }
        UserAccess access;
        try {
            access = UserAccess.open(client, w.requestId, cipher);
        } catch (MemoramAccessDeniedException e) {
            log.warn("Access request {} is approved but its credentials were refused: checking again in {} ms",
                    w.requestId, accessCheckInterval.toMillis());
            w.checkAfter(now, accessCheckInterval);
            return;
        } catch (MemoramException e) {
            failed(e);
            Duration wait = w.backoff.onFailure(e instanceof MemoramUnavailableException u ? u.retryAfter() : null);
            log.warn("Could not fetch the credentials of access request {} ({} consecutive failures, next try in {} ms): {}",
                    w.requestId, w.backoff.consecutiveFailures(), wait.toMillis(), e.getMessage());
            w.checkAfter(now, wait);
            return;
        } catch (ContentCryptoException e) {
            // An unusable encryption key from the server: this user waits, the others go on.
            log.error("Access request {}: the credentials hold an unusable encryption key ({}); checking again in {} ms",
                    w.requestId, e.getMessage(), accessCheckInterval.toMillis());
            w.checkAfter(now, accessCheckInterval);
            return;
        }
        if (!slot.stream.userId().equals(access.userId())) {
            log.error("Access request {} was assigned for user {} but its credentials are for user {}: not streaming it",
                    w.requestId, slot.stream.userId(), access.userId());
            w.checkAfter(now, accessCheckInterval);
            return;
        }
        log.info("Streaming user {} (access request {}, key version {})", access.userId(), w.requestId, access.newestKeyVersion());
        slot.activate(access, now);
        w.noCheckNeeded();
    }

    // --- the pull ---

    private List<SourceRecord> pull(UserSlot slot, long now) {
        UserStream stream = slot.stream;
        String userId = stream.userId();
        try {
            stream.keyVersion(slot.access.newestKeyVersion());
            List<SourceRecord> out;
            if (stream.needsTags()) {
                out = stream.applyTags(client.listTags(userId), clock.instant());
                slot.dueAt = now;
            } else {
                MemoryBlobPage page = client.listMemoryBlobs(userId, query, stream.cursor());
                out = new ArrayList<>(stream.applyBlobs(page.memoryBlobs(), page.hasMore() ? page.nextCursor() : null,
                        refreshingOpener(slot.access)));
                if (page.hasMore()) {
                    slot.dueAt = now;
                } else {
                    out.addAll(stream.completeListing(clock.instant()));
                    metrics.passCompleted(userId);
                    slot.dueAt = clock.millis() + pollInterval.toMillis();
                }
            }
            slot.backoff.onSuccess();
            return out;
        } catch (MemoramAccessDeniedException e) {
            log.warn("User {}: access refused ({}); checking the status of its access requests", userId, e.getMessage());
            slot.suspend();
            slot.watches.forEach(w -> w.checkNow(now));
            return List.of();
        } catch (MemoramAuthenticationException e) {
            throw new ConnectException("The Memoram API refused the API key (memoram.api.key): " + e.getMessage(), e);
        } catch (MemoramException e) {
            failed(e);
            if (!e.isRetriable()) {
                // 400/404 and the like: the cursor may be what is wrong; the next try starts the pass over.
                stream.restartPass();
            }
            Duration wait = slot.backoff.onFailure(e instanceof MemoramUnavailableException u ? u.retryAfter() : null);
            log.warn("User {}: {} failed ({} consecutive failures, next try in {} ms): {}", userId, e.call(),
                    slot.backoff.consecutiveFailures(), wait.toMillis(), e.getMessage());
            slot.dueAt = now + wait.toMillis();
            return List.of();
        }
    }

    /**
     * Opens with the user's key ring. UserAccess refreshes credentials on a failed open only when a
     * refresh is due (it rate-limits them), so a blob sealed with a key rotated in moments ago could
     * look undecryptable; before such a blob counts as a decryption failure this fetches the
     * credentials explicitly, at most once per page, so corrupt blobs cannot cause a fetch each.
     */
    private static UserStream.Opener refreshingOpener(UserAccess access) {
        boolean[] refreshed = {false};
        return content -> {
            try {
                return access.open(content);
            } catch (NoKeyOpensException e) {
                if (refreshed[0]) {
                    throw e;
                }
                refreshed[0] = true;
                if (!access.refresh()) {
                    throw e;
                }
                return access.open(content);
            }
        };
    }

    private void failed(MemoramException e) {
        metrics.failedCalls.incrementAndGet();
    }

    @Override
    public void stop() {
        stopping = true;
        stopSignal.countDown();
        Jmx.unregister(metricsName);
        Jmx.unregister(clientMetricsName);
        if (client != null) {
            client.close();
        }
    }

    // Visible for tests.
    SourceTaskMetrics metrics() {
        return metrics;
    }
}
