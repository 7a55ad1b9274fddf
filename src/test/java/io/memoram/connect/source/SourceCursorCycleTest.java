package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.util.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server whose cursors never end a user's listing (a cycle A, B, A..., or fresh cursors over the
 * same blobs forever): the task against the emulator over real HTTP ends that pass with a WARN,
 * detects no deletions from it, and leaves the user alone until poll.interval.ms has passed.
 */
class SourceCursorCycleTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private static final UnaryOperator<String> CYCLE = c -> c == null ? "A" : c.equals("A") ? "B" : "A";
    private static final Duration POLL_INTERVAL = Duration.ofHours(1);
    private final List<MemoramSourceTask> tasks = new ArrayList<>();

    @AfterEach
    void tearDown() {
        tasks.forEach(MemoramSourceTask::stop);
        emu.faults().clear();
    }

    private MemoramSourceTask task(String apiKey, EmulatedUser user, Clock clock) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "cursor-cycle-test");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.tags.enabled", "false");
        p.put("memoram.access.check.interval.ms", "3600000");
        p.put("poll.interval.ms", Long.toString(POLL_INTERVAL.toMillis()));
        List<AccessTaskConfig.Request> requests = List.of(new AccessTaskConfig.Request(emu.grantAccess(apiKey, user), user.userId(), null));
        Map<String, String> taskProps = TaskConfigs.singleTask(p, requests);
        MemoramSourceTask t = new MemoramSourceTask(clock);
        tasks.add(t);
        t.initialize(new Fakes.TaskContext(taskProps));
        t.start(taskProps);
        return t;
    }

    /** Polls until the task completed {@code passes} passes; returns the memory records that came. */
    private static List<SourceRecord> pollUntilPasses(MemoramSourceTask t, long passes) {
        List<SourceRecord> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch != null) {
                batch.stream().filter(r -> r.topic().endsWith(".memories")).forEach(out::add);
            }
            // The gate lets a new id's record go only after a commit: poll until neither it nor the buffer holds any.
            return t.metrics().getPassesCompleted() >= passes && t.metrics().getFetchBufferBytes() == 0 && t.gate().held() == 0;
        });
        return out;
    }

    private static final String ENDED = "never ended the listing";

    /** Polls until {@code n} passes were ended by the guard (its WARN); returns the memory records that came. */
    private static List<SourceRecord> pollUntilEnded(MemoramSourceTask t, LogCapture logs, long n) {
        List<SourceRecord> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch != null) {
                batch.stream().filter(r -> r.topic().endsWith(".memories")).forEach(out::add);
            }
            return logs.warnings().stream().filter(w -> w.contains(ENDED)).count() >= n && t.metrics().getFetchBufferBytes() == 0
                    && t.gate().held() == 0;
        });
        return out;
    }

    private static EmulatedUser userWithBlobs(int n) {
        EmulatedUser user = emu.createUser();
        for (int i = 0; i < n; i++) {
            emu.putBlob(user.userId(), "blob " + i, "t", List.of());
        }
        return user;
    }

    /** Polls for {@code d} (the worker's loop), returning the memory records that came. */
    private static List<SourceRecord> pollFor(MemoramSourceTask t, Duration d) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch != null) {
                // Memories only: the access topic carries the pending offsets (docs/source.md).
                batch.stream().filter(r -> r.topic().endsWith(".memories")).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void aCycleOfCursorsEndsThePassWithAWarningAndTheUserWaitsThePollInterval() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser user = userWithBlobs(3);
        emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE, Fault.cursors(CYCLE));
        int before = emu.requestCount("GET", "/memory-blobs");
        try (LogCapture logs = new LogCapture(PullStep.class)) {
            MemoramSourceTask t = task(apiKey, user, Clock.systemUTC());
            List<SourceRecord> records = pollUntilEnded(t, logs, 1);
            assertThat(records).hasSize(3);
            int calls = emu.requestCount("GET", "/memory-blobs");
            assertThat(calls - before).as("first page, A, B: then B points back to A").isEqualTo(3);

            // Not "again at once": the user waits poll.interval.ms (an hour) before its next pass.
            records.addAll(pollFor(t, Duration.ofSeconds(2)));
            assertThat(records).hasSize(3);
            assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(calls);
            assertThat(t.pipeline().inFlight()).isZero();
            assertThat(logs.warnings()).filteredOn(w -> w.contains(ENDED)).singleElement().asString()
                    .contains(user.userId(), "2 cursors", "cycle", "no deletions detected");
            // Not a complete listing: the metrics operators alert on do not count it as one.
            assertThat(t.metrics().getPassesCompleted()).isZero();
            assertThat(t.metrics().getSecondsSinceLastPass()).containsEntry(user.userId(), -1L);
        }
    }

    @Test
    void endlessFreshCursorsOverTheSameBlobsEndThePassToo() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = userWithBlobs(2);
        emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE, Fault.cursors(c -> (c == null ? "c" : c) + "x"));
        int before = emu.requestCount("GET", "/memory-blobs");
        try (LogCapture logs = new LogCapture(PullStep.class)) {
            MemoramSourceTask t = task(apiKey, user, Clock.systemUTC());
            assertThat(pollUntilEnded(t, logs, 1)).hasSize(2);
            // The first page brings both ids; then 1,000 pages in a row that bring none end the walk.
            assertThat(emu.requestCount("GET", "/memory-blobs") - before).isEqualTo(1_001);
            assertThat(logs.warnings()).filteredOn(w -> w.contains(ENDED)).singleElement().asString()
                    .contains(user.userId(), "1001 cursors", "no blob new");
            assertThat(t.metrics().getPassesCompleted()).isZero();
        }
    }

    @Test
    void aPassEndedByACycleDetectsNoDeletionsAndAFixedServerDoes() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = userWithBlobs(3);
        ManualClock clock = new ManualClock();
        MemoramSourceTask t = task(apiKey, user, clock);
        List<SourceRecord> first = pollUntilPasses(t, 1);
        assertThat(first).hasSize(3);
        String gone = ((org.apache.kafka.connect.data.Struct) first.get(0).key()).getString("id");
        assertThat(emu.deleteBlob(user.userId(), gone)).isTrue();

        // Two passes over a cycle: each lists what the first page has, but neither is a complete listing.
        emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE, Fault.cursors(CYCLE));
        List<SourceRecord> during = new ArrayList<>();
        try (LogCapture logs = new LogCapture(PullStep.class)) {
            for (int ended = 1; ended <= 2; ended++) {
                clock.advance(POLL_INTERVAL);
                during.addAll(pollUntilEnded(t, logs, ended));
            }
        }
        assertThat(during).as("no tombstone from listings that never completed").isEmpty();
        assertThat(t.metrics().getPassesCompleted()).isEqualTo(1);

        // The server mended: two complete listings that miss the blob delete it.
        emu.faults().clear();
        List<SourceRecord> after = new ArrayList<>();
        for (int pass = 2; pass <= 3; pass++) {
            clock.advance(POLL_INTERVAL);
            after.addAll(pollUntilPasses(t, pass));
        }
        assertThat(after).singleElement().satisfies(r -> {
            assertThat(r.value()).isNull();
            assertThat(((org.apache.kafka.connect.data.Struct) r.key()).getString("id")).isEqualTo(gone);
        });
    }
}
