package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task killed after a new blob's (tag's) record went out but before Connect's next offset flush,
 * the blob (tag) deleted while it is down: the restarted task must still tombstone it. The worker
 * around the task is {@link Fakes.Worker}: acknowledgements at once, offset flushes when the test
 * says, and a crash is a new task started from the offsets of the last flush.
 */
class SourceCrashRecoveryTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<MemoramSourceTask> tasks = new ArrayList<>();

    @AfterEach
    void stopTasks() {
        tasks.forEach(MemoramSourceTask::stop);
    }

    private Map<String, String> props(String apiKey, String requestId, String userId, boolean tags) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "crash-recovery");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.check.interval.ms", "3600000");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "20");
        p.put("poll.interval.ms", "50");
        p.put("memoram.page.size", "3");
        p.put("memoram.tags.enabled", Boolean.toString(tags));
        List<AccessTaskConfig.Request> requests = List.of(new AccessTaskConfig.Request(requestId, userId, null));
        return TaskConfigs.singleTask(p, requests);
    }

    /** A task that discovers every approved request of the account while it runs (none is given at start). */
    private Map<String, String> discoveringProps(String apiKey) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "crash-recovery-discovery");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.discovery", "all");
        p.put("memoram.access.check.interval.ms", "100");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "20");
        p.put("poll.interval.ms", "50");
        p.put("memoram.page.size", "3");
        p.put("memoram.tags.enabled", "false");
        return TaskConfigs.singleTask(p, List.of());
    }

    private MemoramSourceTask start(Map<String, String> taskProps, Fakes.Offsets offsets) {
        MemoramSourceTask t = new MemoramSourceTask();
        tasks.add(t);
        t.initialize(new Fakes.TaskContext(taskProps, offsets));
        t.start(taskProps);
        return t;
    }

    /** Polls (flushing after each poll) until {@code done} holds for what came; flushes unless told otherwise. */
    private static List<SourceRecord> pollUntil(MemoramSourceTask t, Fakes.Worker worker, Predicate<SourceRecord> done,
                                                boolean flushTheLast) {
        List<SourceRecord> seen = new ArrayList<>();
        await().atMost(DEADLINE).until(() -> {
            List<SourceRecord> batch = worker.poll(t);
            boolean found = batch != null && batch.stream().anyMatch(done);
            if (batch != null) {
                seen.addAll(batch);
            }
            if (!found || flushTheLast) {
                worker.flush(t);
            }
            return found;
        });
        return seen;
    }

    private static Predicate<SourceRecord> record(String suffix, String id, String op) {
        return r -> r.topic().endsWith(suffix) && r.key() instanceof Struct k && id.equals(k.getString("id"))
                && op.equals(op(r));
    }

    private static String op(SourceRecord r) {
        Header h = r.headers().lastWithName(SourceRecords.OP_HEADER);
        return h == null ? null : (String) h.value();
    }

    @Test
    void aBlobEmittedAfterTheLastFlushAndDeletedWhileDownIsTombstonedAfterTheRestart() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String old = emu.putBlob(u.userId(), "old", "t", List.of());
        Map<String, String> props = props(apiKey, emu.grantAccess(apiKey, u), u.userId(), false);
        Fakes.Offsets offsets = new Fakes.Offsets();
        Fakes.Worker worker = new Fakes.Worker(offsets);

        MemoramSourceTask first = start(props, offsets);
        pollUntil(first, worker, record(".memories", old, "c"), true);
        String fresh = emu.putBlob(u.userId(), "fresh", "t", List.of());
        // Its record goes out, and the worker dies before the offset flush that would follow.
        pollUntil(first, worker, record(".memories", fresh, "c"), false);
        first.stop();
        emu.deleteBlob(u.userId(), fresh);

        MemoramSourceTask restarted = start(props, offsets);
        List<SourceRecord> after = pollUntil(restarted, new Fakes.Worker(offsets), record(".memories", fresh, "d"), true);
        assertThat(after).filteredOn(record(".memories", old, "c")).as("unchanged and committed: not again").isEmpty();
    }

    @Test
    void aTagEmittedAfterTheLastFlushAndDeletedWhileDownIsTombstonedAfterTheRestart() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String old = emu.putBlob(u.userId(), "old", "t", List.of("old-tag"));
        Map<String, String> props = props(apiKey, emu.grantAccess(apiKey, u), u.userId(), true);
        Fakes.Offsets offsets = new Fakes.Offsets();
        Fakes.Worker worker = new Fakes.Worker(offsets);

        MemoramSourceTask first = start(props, offsets);
        pollUntil(first, worker, record(".memories", old, "c"), true);
        emu.putBlob(u.userId(), "fresh", "t", List.of("fresh-tag"));
        String tagId = emu.tags(u.userId()).stream().filter(t -> t.name().equals("fresh-tag")).findFirst().orElseThrow().id();
        pollUntil(first, worker, record(".tags", tagId, "c"), false);
        first.stop();
        assertThat(emu.deleteTag(u.userId(), "fresh-tag")).isTrue();

        MemoramSourceTask restarted = start(props, offsets);
        pollUntil(restarted, new Fakes.Worker(offsets), record(".tags", tagId, "d"), true);
    }

    /**
     * The same for a user the task finds while it runs (approved after the start; after each restart
     * found again by the task's own listing, not named by its config), through two crashes: the first
     * leaves a blob's id only in the user's pending offset; the second comes right after the flush of
     * the next carrier (for a blob created while down), before the first blob's tombstone went out.
     * That carrier must still name the first blob: a user joining a running task is resumed into the
     * gate like one of the start, else the second restart would know nothing left to tombstone.
     */
    @Test
    void aUserFoundWhileTheTaskRunsGetsItsTombstoneAfterTwoCrashes() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String old = emu.putBlob(u.userId(), "old", "t", List.of());
        Map<String, String> props = discoveringProps(apiKey);
        Fakes.Offsets offsets = new Fakes.Offsets();
        Fakes.Worker worker = new Fakes.Worker(offsets);

        MemoramSourceTask first = start(props, offsets);
        assertThat(first.metrics().getUsersActive()).as("nobody is given at start").isZero();
        emu.approve(emu.requestAccess(apiKey, u));
        pollUntil(first, worker, record(".memories", old, "c"), true);
        String fresh = emu.putBlob(u.userId(), "fresh", "t", List.of());
        pollUntil(first, worker, record(".memories", fresh, "c"), false);
        first.stop(); // killed before the flush after fresh's record
        emu.deleteBlob(u.userId(), fresh);
        String newer = emu.putBlob(u.userId(), "newer", "t", List.of());

        // The restarted task finds the user again; newer's carrier is flushed, then the task dies before fresh's tombstone.
        MemoramSourceTask second = start(props, offsets);
        Fakes.Worker secondWorker = new Fakes.Worker(offsets);
        Map<String, String> pending = SourceOffsets.pendingPartition(u.userId());
        List<SourceRecord> beforeCrash = pollUntil(second, secondWorker, r -> pending.equals(r.sourcePartition()), true);
        second.stop();
        assertThat(beforeCrash).filteredOn(record(".memories", fresh, "d")).as("the crash comes before the tombstone").isEmpty();
        assertThat(beforeCrash).filteredOn(record(".memories", newer, "c")).as("held until its carrier is flushed").isEmpty();

        MemoramSourceTask third = start(props, offsets);
        List<SourceRecord> after = pollUntil(third, new Fakes.Worker(offsets), record(".memories", fresh, "d"), true);
        assertThat(after).filteredOn(record(".memories", old, "c")).as("unchanged and committed: not again").isEmpty();
    }

    /**
     * A user whose request left the account while its ids were still named by its pending offset: the
     * user's next pending offset (emptying it once they settled) still travels on that request, with
     * the status the access topic last showed for it, not a made-up key or status.
     */
    @Test
    void aUserWhoseRequestLeftTheTaskKeepsItsRequestOnItsPendingOffset() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String old = emu.putBlob(u.userId(), "old", "t", List.of());
        Fakes.Offsets offsets = new Fakes.Offsets();
        Fakes.Worker worker = new Fakes.Worker(offsets);
        MemoramSourceTask t = start(discoveringProps(apiKey), offsets);
        String requestId = emu.grantAccess(apiKey, u);
        // Its record goes out once the first pending offset is flushed; that offset names it until the next one.
        List<SourceRecord> seen = new ArrayList<>(pollUntil(t, worker, record(".memories", old, "c"), true));

        emu.deleteAccessRequest(requestId);
        await().atMost(DEADLINE).until(() -> t.metrics().getUsersActive() == 0);
        Map<String, String> pending = SourceOffsets.pendingPartition(u.userId());
        seen.addAll(pollUntil(t, worker, r -> pending.equals(r.sourcePartition()), true));

        SourceRecord carrier = seen.get(seen.size() - 1);
        assertThat(carrier.sourcePartition()).isEqualTo(pending);
        assertThat(carrier.key()).as("the request that served the user").isEqualTo(requestId);
        assertThat(((Map<?, ?>) carrier.sourceOffset()).get("memories")).as("old settled").isEqualTo("");
        String lastShown = seen.stream()
                .filter(r -> requestId.equals(r.key()) && !pending.equals(r.sourcePartition()))
                .reduce((a, b) -> b).map(r -> ((Struct) r.value()).getString("status")).orElseThrow();
        assertThat(((Struct) carrier.value()).getString("status")).isEqualTo(lastShown).isNotEqualTo("unknown");
    }
}
