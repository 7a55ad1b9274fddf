package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import io.memoram.connect.util.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task's concurrent pull against the emulator over real HTTP, driven by poll() as the worker would. */
class PullPipelineTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final List<MemoramSourceTask> tasks = new ArrayList<>();

    @AfterEach
    void tearDown() {
        tasks.forEach(MemoramSourceTask::stop);
        emu.latency(Duration.ZERO);
        emu.pageCap(1_000);
        emu.faults().clear();
    }

    private static Map<String, String> props(String apiKey, int inFlight) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "pipeline-test");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.tags.enabled", "false");
        p.put("memoram.max.in.flight.requests", Integer.toString(inFlight));
        p.put("memoram.http.request.timeout.ms", "60000");
        p.put("memoram.access.check.interval.ms", "3600000");
        p.put("poll.interval.ms", "3600000");
        return p;
    }

    private MemoramSourceTask task(Map<String, String> props, Map<String, String> requestUsers, Clock clock) {
        List<AccessTaskConfig.Request> requests = new ArrayList<>();
        requestUsers.forEach((r, u) -> requests.add(new AccessTaskConfig.Request(r, u, null)));
        Map<String, String> taskProps = TaskConfigs.singleTask(props, requests);
        MemoramSourceTask t = new MemoramSourceTask(clock);
        tasks.add(t);
        t.initialize(new Fakes.TaskContext(taskProps));
        t.start(taskProps);
        return t;
    }

    /** Users with {@code blobs} blobs each, granted to {@code apiKey}: request id -> user id. */
    private static Map<String, String> users(String apiKey, int users, int blobs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            EmulatedUser user = emu.createUser();
            for (int i = 0; i < blobs; i++) {
                emu.putBlob(user.userId(), "blob " + i, "t", List.of());
            }
            out.put(emu.grantAccess(apiKey, user), user.userId());
        }
        return out;
    }

    private static List<SourceRecord> memories(List<SourceRecord> records) {
        return records.stream().filter(r -> r.topic().endsWith(".memories")).toList();
    }

    private static List<SourceRecord> pollUntil(MemoramSourceTask t, int memoryRecords) {
        List<SourceRecord> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch != null) {
                out.addAll(batch);
            }
            return memories(out).size() >= memoryRecords;
        });
        return out;
    }

    @Test
    void callsOverlapUpToTheLimitAcrossUsersAndEachUsersPagesStayInCursorOrder() {
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = users(apiKey, 6, 20);
        emu.pageCap(4);
        emu.latency(Duration.ofMillis(30));
        MemoramSourceTask t = task(props(apiKey, 3), requestUsers, Clock.systemUTC());

        List<SourceRecord> records = memories(pollUntil(t, 120));
        assertThat(records).hasSize(120);
        assertThat(t.pipeline().inFlightHighWater()).as("calls in flight at the peak").isEqualTo(3);
        for (String userId : requestUsers.values()) {
            List<String> ids = records.stream().map(r -> (Struct) r.key()).filter(k -> k.getString("user_id").equals(userId))
                    .map(k -> k.getString("id")).toList();
            // The emulator lists in id order, 4 per page: cursor order means ascending ids.
            assertThat(ids).hasSize(20).isSorted();
        }
        assertThat(t.metrics().getPassesCompleted()).isEqualTo(6);
    }

    @Test
    void pollHandsOverWhatIsReadyWithoutWaitingForCallsInFlight() throws Exception {
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = users(apiKey, 2, 1);
        emu.latency(Duration.ofSeconds(20));
        MemoramSourceTask t = task(props(apiKey, 4), requestUsers, Clock.systemUTC());
        // Both checks are in flight, answered only after 20 s; poll returns (empty) meanwhile.
        assertThat(Fakes.pollCommitted(t)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.pipeline().inFlight() == 2);
        assertThat(Fakes.pollCommitted(t)).isNull();
        assertThat(t.pipeline().inFlight()).as("still waiting for the API").isEqualTo(2);
    }

    @Test
    void stopReturnsWithCallsInFlightAndEndsEveryThreadItStarted() throws Exception {
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = users(apiKey, 3, 1);
        emu.latency(Duration.ofSeconds(30));
        MemoramSourceTask t = task(props(apiKey, 8), requestUsers, Clock.systemUTC());
        assertThat(Fakes.pollCommitted(t)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.pipeline().inFlight() == 3);
        assertThat(liveThreads()).hasSize(3);

        CompletableFuture<List<SourceRecord>> polling = CompletableFuture.supplyAsync(() -> {
            try {
                return Fakes.pollCommitted(t);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // Well before the 30 s the calls would take: stop does not wait for them.
        CompletableFuture.runAsync(t::stop).get(10, TimeUnit.SECONDS);
        assertThat(polling.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(t.pipeline().awaitTermination(Duration.ofSeconds(10))).isTrue();
        // A pool reports termination from its last worker's exit path, a moment before that thread ends.
        await().atMost(Duration.ofSeconds(10)).until(() -> liveThreads().isEmpty());
    }

    private static List<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().startsWith("memoram-source-pipeline-test-") && th.isAlive()).toList();
    }

    @Test
    void whatWaitsForPollIsBoundedInBytesAndFetchingResumesWhenItDrains() throws Exception {
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = new LinkedHashMap<>();
        String big = "x".repeat(4_000);
        for (int u = 0; u < 3; u++) {
            EmulatedUser user = emu.createUser();
            for (int i = 0; i < 100; i++) {
                emu.putBlob(user.userId(), big, "t", List.of());
            }
            requestUsers.put(emu.grantAccess(apiKey, user), user.userId());
        }
        emu.pageCap(5);
        Map<String, String> p = props(apiKey, 3);
        p.put("memoram.fetch.buffer.max.bytes", Integer.toString(64 * 1024));
        MemoramSourceTask t = task(p, requestUsers, Clock.systemUTC());
        List<SourceRecord> first = new ArrayList<>();
        List<SourceRecord> batch = Fakes.pollCommitted(t); // starts the pipeline: the access checks, then the pages
        if (batch != null) {
            first.addAll(batch);
        }

        // Without poll() the pipeline fills the buffer, then stops fetching.
        // A page's records (text and overhead) and the bucket manifests their offsets hold (a few KB here).
        long pageBytes = 5 * (4_000 + 1_100) + 16 * 1_000;
        await().atMost(Duration.ofSeconds(20)).until(() -> t.pipeline().inFlight() == 0
                && t.metrics().getFetchBufferBytes() >= 64 * 1024);
        int calls = emu.requestCount("GET", "/memory-blobs");
        assertThat(t.metrics().getFetchBufferBytes()).isLessThanOrEqualTo(64 * 1024 + 3 * pageBytes);
        assertThat(t.pipeline().inFlight()).isZero();
        assertThat(emu.requestCount("GET", "/memory-blobs")).as("no call started while the buffer is full").isEqualTo(calls);

        List<SourceRecord> rest = pollUntil(t, 300 - memories(first).size());
        assertThat(memories(first).size() + memories(rest).size()).isEqualTo(300);
        assertThat(t.metrics().getRecordsCreated()).isEqualTo(300);
    }

    @Test
    void pollWaitsForACallToEndWhileEveryCallIsBusyInsteadOfSpinning() throws Exception {
        // Two users with long passes (one blob per page): the head user is always due, but the one
        // call slot is always busy for the emulator's latency. poll() has nothing to start until a
        // call ends, so it must wait for that instead of returning null about every millisecond.
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = users(apiKey, 2, 40);
        emu.pageCap(1);
        // Slow from the start: fast pages could end both passes (poll.interval.ms is an hour) before the measurement.
        emu.latency(Duration.ofMillis(200));
        MemoramSourceTask t = task(props(apiKey, 1), requestUsers, Clock.systemUTC());
        pollUntil(t, 2); // access granted, both users' passes under way
        await().atMost(Duration.ofSeconds(10)).until(() -> t.pipeline().inFlight() == 1);

        int nulls = 0;
        int records = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch == null) {
                nulls++;
            } else {
                records += batch.size();
            }
        }
        assertThat(records).as("pages kept coming meanwhile").isPositive();
        // About 10 calls end in 2 s; a spinning poll returns null thousands of times.
        assertThat(nulls).as("empty polls in 2 s with every call slot busy").isLessThan(40);
    }

    @Test
    void aBlobTooLargeForTheProducerFailsTheTaskNamingItAndTheSetting() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        emu.putBlob(user.userId(), "small", "t", List.of());
        String big = emu.putBlob(user.userId(), "x".repeat(3_000), "t", List.of());
        Map<String, String> p = props(apiKey, 2);
        p.put("producer.override.max.request.size", "2000");
        MemoramSourceTask t = task(p, Map.of(emu.grantAccess(apiKey, user), user.userId()), Clock.systemUTC());
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> pollUntil(t, 2));
        assertThat(failure).isNotNull();
        Throwable cause = failure;
        while (!(cause instanceof org.apache.kafka.connect.errors.ConnectException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .hasMessageContaining(big).hasMessageContaining("producer.override.max.request.size")
                .hasMessageNotContaining("xxxxxxxx");
    }

    @Test
    void aTaskThatFallsBehindShowsHowFarAndWarnsOnce() throws Exception {
        String apiKey = emu.createApiKey();
        Map<String, String> requestUsers = users(apiKey, 3, 2);
        ManualClock clock = new ManualClock();
        Map<String, String> p = props(apiKey, 2);
        p.put("poll.interval.ms", "10000");
        try (LogCapture logs = new LogCapture(PassStartLag.class)) {
            MemoramSourceTask t = task(p, requestUsers, clock);
            pollUntil(t, 6);
            await().atMost(Duration.ofSeconds(10)).until(() -> t.metrics().getPassesCompleted() == 3);
            assertThat(t.metrics().getPassStartLagMs()).as("first passes are not cycles").isZero();

            // The next passes are due 10 s after the last ended; they start 60 s after that.
            clock.advance(Duration.ofSeconds(70));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Fakes.pollCommitted(t);
                return t.metrics().getPassesCompleted() == 6;
            });
            assertThat(t.metrics().getPassStartLagMs()).isEqualTo(60_000);
            clock.advance(Duration.ofSeconds(70));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Fakes.pollCommitted(t);
                return t.metrics().getPassesCompleted() == 9;
            });
            assertThat(logs.warnings()).filteredOn(w -> w.contains("cannot pull its")).singleElement().asString()
                    .contains("memoram.max.in.flight.requests", "tasks.max", "poll.interval.ms", "60000 ms late");
        }
    }
}
