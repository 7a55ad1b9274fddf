package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sink task's failure paths (issue 16), a task against the emulator over real HTTP: tombstones
 * that name no user after a restart, access checks that hang, stop with queued work, a close that
 * leaves a write behind, a start that fails half way.
 */
class SinkFailurePathsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private final List<MemoramSinkTask> tasks = new ArrayList<>();
    private final TopicPartition tp = new TopicPartition("chats", 0);

    @BeforeEach
    void developer() {
        apiKey = emu.createApiKey(); // one account per test: discovery sees only this test's requests
        emu.faults().clear();
    }

    @AfterEach
    void stopTasks() {
        emu.faults().clear();
        tasks.forEach(MemoramSinkTask::stop);
    }

    private Map<String, String> props(List<String> requestIds, String... kv) {
        Map<String, String> p =
                SinkTaskKit.baseProps("failure-paths-" + NAMES.incrementAndGet(), emu.baseUrl(), apiKey);
        if (!requestIds.isEmpty()) {
            p.put("memoram.access.request.ids", String.join(",", requestIds));
        }
        p.put("memoram.max.retries", "100");
        p.put("memoram.access.check.interval.ms", "200");
        return SinkTaskKit.with(p, kv);
    }

    private MemoramSinkTask start(FakeSinkContext ctx) {
        MemoramSinkTask task = SinkTaskKit.start(ctx, tp);
        tasks.add(task);
        return task;
    }

    private void stop(MemoramSinkTask task) {
        task.close(List.of(tp));
        task.stop();
        tasks.remove(task);
    }

    private SinkRecord rec(EmulatedUser user, String key, String content, long offset) {
        Map<String, Object> v = new HashMap<>();
        v.put("user_id", user.userId());
        v.put("content", content);
        return new SinkRecord(tp.topic(), tp.partition(), null, key, null, v, offset);
    }

    /** A tombstone whose String key names no user: deleted for whichever user has the key's blob. */
    private SinkRecord tombstone(String key, long offset) {
        return new SinkRecord(tp.topic(), tp.partition(), null, key, null, null, offset);
    }

    private long committable(MemoramSinkTask task) {
        OffsetAndMetadata o = task.preCommit(Map.of(tp, new OffsetAndMetadata(999))).get(tp);
        return o == null ? -1 : o.offset();
    }

    private List<String> contents(EmulatedUser user) {
        return emu.blobs(user.userId()).stream().map(b -> emu.decrypt(user.userId(), b.content())).sorted().toList();
    }

    // --- item 1: a tombstone is never committed before every user is known ---

    @ParameterizedTest(name = "discovery={0}, access-request calls refused for a while={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void tombstonesNamingNoUserDeleteEveryUsersBlobAfterARestart(boolean discovery, boolean refused) {
        List<EmulatedUser> users = List.of(emu.createUser(), emu.createUser(), emu.createUser());
        List<String> requests = users.stream().map(u -> emu.grantAccess(apiKey, u)).toList();
        Map<String, String> p = discovery ? props(List.of(), "memoram.access.discovery", "all", "memoram.max.retries", "10")
                : props(requests, "memoram.max.retries", "10");

        MemoramSinkTask before = start(new FakeSinkContext(p, true));
        for (int i = 0; i < 3; i++) {
            before.put(List.of(rec(users.get(i), "conv-" + i, "chat of user " + i, i)));
        }
        await().atMost(WAIT).until(() -> committable(before) == 3);
        users.forEach(u -> assertThat(emu.blobs(u.userId())).hasSize(1));
        stop(before);

        if (refused) {
            // The API refuses the access-request calls of the restarted task for a while (listing and checks):
            // more than one call's retries (11 attempts), fewer than open the client's circuit (20).
            emu.faults().on("GET", "/access-requests").next(15, Fault.status(503));
        }
        MemoramSinkTask after = start(new FakeSinkContext(p, true));
        after.put(List.of(tombstone("conv-0", 3), tombstone("conv-1", 4), tombstone("conv-2", 5)));
        await().atMost(WAIT).until(() -> committable(after) == 6);
        for (EmulatedUser u : users) {
            assertThat(emu.blobs(u.userId())).as("blobs of %s once the tombstones are committed", u.userId()).isEmpty();
        }
        assertThat(after.metrics().getBlobsDeleted()).isEqualTo(3);
        assertThat(after.metrics().getRecordsReported()).isZero();
    }

    @Test
    void theTaskLooksItsUsersUpAtStartBeforeAnyRecordArrives() {
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        int before = emu.requestCount("GET", "/access-requests/" + request + "/credentials");
        start(new FakeSinkContext(props(List.of(), "memoram.access.discovery", "all"), true));
        await().atMost(WAIT).until(() -> emu.requestCount("GET", "/access-requests/" + request + "/credentials") > before);
    }

    // --- item 5: no lock across I/O ---

    @Test
    void aHungAccessCheckStallsNeitherAServedUserNorStop() {
        EmulatedUser served = emu.createUser();
        String servedRequest = emu.grantAccess(apiKey, served);
        EmulatedUser waiting = emu.createUser();
        String pending = emu.requestAccess(apiKey, waiting);
        // The check of one request hangs (an outage that never answers), from the task's start on.
        emu.faults().on("GET", "/access-requests/" + pending).next(1_000, Fault.hold());
        MemoramSinkTask task = start(new FakeSinkContext(props(List.of(servedRequest, pending),
                "memoram.max.in.flight.requests", "2"), true));

        // Records of the hung request's user (two lanes, as many as the task has threads), then one of a user served already.
        task.put(List.of(rec(waiting, "w-1", "waits", 0), rec(waiting, "w-2", "waits too", 1)));
        task.put(List.of(rec(served, "s-2", "written meanwhile", 2)));
        await().atMost(WAIT).until(() -> emu.faults().held() >= 1);
        await().atMost(WAIT).until(() -> contents(served).contains("written meanwhile"));
        assertThat(emu.blobs(waiting.userId())).isEmpty();

        long start = System.nanoTime();
        task.close(List.of(tp));
        task.stop();
        tasks.remove(task);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        emu.faults().clear();
    }

    // --- item 11: stopping reports no false fatal error ---

    @Test
    void stoppingWithWritesUnderWayReportsNoFatalError() {
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        MemoramSinkTask task = start(new FakeSinkContext(props(List.of(request), "memoram.max.in.flight.requests", "4"), true));
        // The user's listing hangs: one lane lists, the other two wait for that listing.
        emu.faults().on("GET", "/memory-blobs").next(1_000, Fault.hold());
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(rec(user, "k-" + i, "under way " + i, i));
        }
        task.put(records);
        await().atMost(WAIT).until(() -> emu.faults().held() == 1 && task.metrics().getWritesInFlight() == 3);

        task.stop(); // as Connect does on shutdown: the hung listing is cut, the lanes waiting for it go on
        tasks.remove(task);
        emu.faults().clear();
        // put() throws the task's fatal error, if one was recorded.
        task.put(List.of());
    }

    // --- item 14: nothing written after close(partitions) handed the partition over ---

    @Test
    void aWriteStillListingWhenItsPartitionIsClosedIsNeverSentAfterwards() {
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        Map<String, String> p = props(List.of(request));
        MemoramSinkTask old = start(new FakeSinkContext(p, true));
        old.closeWait = Duration.ofMillis(300);
        // The old owner's listing of the user's blobs hangs (a slow server, retries): its write is not sent yet.
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.hold());
        old.put(List.of(rec(user, "conv", "v1", 0)));
        await().atMost(WAIT).until(() -> emu.faults().held() == 1);
        old.close(List.of(tp)); // rebalance: the partition moves

        MemoramSinkTask next = start(new FakeSinkContext(p, true));
        next.put(List.of(rec(user, "conv", "v1", 0), rec(user, "conv", "v2", 1)));
        await().atMost(WAIT).until(() -> committable(next) == 2);
        assertThat(contents(user)).containsExactly("v2");

        emu.faults().release(); // the old owner's listing answers now: it must not write "v1" over "v2"
        await().atMost(WAIT).until(() -> old.metrics().getWritesBuffered() == 0);
        assertThat(contents(user)).containsExactly("v2");
        assertThat(emu.blobs(user.userId())).hasSize(1);
    }

    @Test
    void aWriteWaitingInTheRateLimiterWhenItsPartitionIsClosedIsNeverSent() {
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        // One request every 2 s: after the listing, the create waits in the client's rate limiter for
        // far longer than close waits (300 ms). No periodic access check competes for the permits.
        Map<String, String> p = props(List.of(request), "memoram.rate.limit.requests.per.second", "0.5",
                "memoram.access.check.interval.ms", "3600000");
        FakeSinkContext ctx = new FakeSinkContext(p, true);
        MemoramSinkTask old = start(ctx);
        old.closeWait = Duration.ofMillis(300);
        String lanes = "memoram-sink-" + p.get("name") + "-";
        int postsBefore = emu.requestCount("POST", "/memory-blobs"); // the emulator is shared by the class's tests
        old.put(List.of(rec(user, "conv", "v1", 0)));
        await().atMost(WAIT).until(() -> emu.requestCount("GET", "/memory-blobs", user.userId()) >= 1
                && waitsForAPermit(lanes));

        old.close(List.of(tp)); // rebalance: the partition moves while its create waits for a permit

        // Past the permit's time the create ends, abandoned: never sent, never reported, nothing left buffered.
        await().atMost(WAIT).until(() -> old.metrics().getWritesBuffered() == 0 && !waitsForAPermit(lanes));
        assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(postsBefore);
        assertThat(emu.blobs(user.userId())).isEmpty();
        assertThat(ctx.reports).isEmpty();
    }

    /** Whether a thread of the task waits in the client's rate limiter (seen in its stack, no timing assumption). */
    private static boolean waitsForAPermit(String threadPrefix) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith(threadPrefix) && !e.getKey().getName().contains("-users-"))
                .anyMatch(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f ->
                        f.getClassName().endsWith(".RateLimit") && f.getMethodName().equals("acquire")));
    }

    // --- item 9: a failed start leaks nothing ---

    @ParameterizedTest
    @ValueSource(strings = {"config", "client", "users", "scheduler", "rejections", "task-bean", "client-bean", "warm-up"})
    void aStartFailingAtAnyStepLeavesNoThreadNorMBeanBehind(String step) throws Exception {
        EmulatedUser user = emu.createUser();
        Map<String, String> p = props(List.of(emu.grantAccess(apiKey, user)));
        String name = p.get("name");
        MemoramSinkTask task = new MemoramSinkTask();
        task.initialize(new FakeSinkContext(p, true));
        task.startHook = s -> {
            if (s.equals(step)) {
                throw new IllegalStateException("failing start at " + s);
            }
        };
        assertThatThrownBy(() -> task.start(p)).hasMessageContaining("failing start at " + step);

        ObjectName ours = new ObjectName("kafka.connect.memoram:connector=\"" + name + "\",*");
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(ours, null)).isEmpty();
        // Our own threads carry the connector's name; the client's HttpClient ends once closed and unreachable.
        await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("memoram-sink-" + name + "-")));
        assertThat(task).extracting("client").satisfiesAnyOf(
                c -> assertThat(c).isNull(),
                c -> assertThatThrownBy(() -> ((io.memoram.connect.client.MemoramClient) c).accessRequestList())
                        .hasMessageContaining("closed"));
    }
}
