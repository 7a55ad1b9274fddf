package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import io.memoram.connect.util.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessRequestResolver;
import io.memoram.connect.client.Secret;
import io.memoram.connect.source.offsets.SourceOffsets;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connector start/monitor and task polling discipline against the emulator, without a Connect cluster. */
class MemoramSourceLifecycleTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private static Map<String, String> props(String url, String apiKey) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "lifecycle");
        p.put("memoram.api.url", url);
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.check.interval.ms", "100");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "20");
        p.put("memoram.http.request.timeout.ms", "2000");
        return p;
    }

    private static MemoramSourceConnector connector(Fakes.ConnectorContext ctx) {
        MemoramSourceConnector c = new MemoramSourceConnector();
        c.initialize(ctx);
        return c;
    }

    @Test
    void anUnreachableApiAtStartDoesNotFailTheConnector() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> p = props("http://127.0.0.1:" + port + "/api/v1", emu.createApiKey());
        p.put("memoram.access.request.ids", "req1,req2");
        Fakes.ConnectorContext ctx = new Fakes.ConnectorContext();
        MemoramSourceConnector c = connector(ctx);
        c.start(p);
        try {
            List<Map<String, String>> configs = c.taskConfigs(4);
            assertThat(configs).hasSize(2);
            // Every task is given both requests; each serves the users its share owns.
            assertThat(configs).allSatisfy(m -> assertThat(AccessTaskConfig.requestIds(m)).containsExactly("req1", "req2"));
            assertThat(ctx.errors).isEmpty();
        } finally {
            c.stop();
        }
    }

    @Test
    void aRefusedApiKeyFailsTheConnectorClearly() {
        String badKey = "mem_" + "1".repeat(48);
        Map<String, String> p = props(emu.baseUrl(), badKey);
        p.put("memoram.memory.keys", emu.createUser().memoryKey());
        MemoramSourceConnector c = connector(new Fakes.ConnectorContext());
        assertThatThrownBy(() -> c.start(p)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("memoram.api.key").hasMessageNotContaining(badKey);
    }

    @Test
    void aMemoryKeyGetsOneRequestAndItsApprovalReconfiguresNothing() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        Map<String, String> p = props(emu.baseUrl(), apiKey);
        p.put("memoram.memory.keys", u.memoryKey());
        String fp = AccessRequestResolver.keyFingerprint(Secret.of(u.memoryKey()));

        Fakes.ConnectorContext ctx = new Fakes.ConnectorContext();
        MemoramSourceConnector c = connector(ctx);
        c.start(p);
        String requestId;
        try {
            List<Map<String, String>> configs = c.taskConfigs(2);
            assertThat(configs).hasSize(1);
            assertThat(configs.get(0).values()).noneMatch(v -> v.contains(u.memoryKey()));
            AccessTaskConfig.Request r = AccessTaskConfig.parse(configs.get(0)).requests().get(0);
            requestId = r.requestId();
            assertThat(r.keyFingerprint()).isEqualTo(fp);
            assertThat(r.userId()).isNull();
            assertThat(emu.accessRequest(requestId).status()).isEqualTo("pending");

            // The approval is the task's to find (its own listing): task configs stay as they are.
            emu.approve(requestId);
            int lists = emu.requestCount("GET", "/access-requests");
            await().atMost(Duration.ofSeconds(10)).until(() -> emu.requestCount("GET", "/access-requests") >= lists + 3);
            assertThat(ctx.reconfigurations.get()).isZero();
            assertThat(c.taskConfigs(2)).isEqualTo(configs);
        } finally {
            c.stop();
        }

        // Restarted with the id in offset storage: no API lookup, no second request.
        int posts = emu.requestCount("POST", "/access-requests");
        int lists = emu.requestCount("GET", "/access-requests");
        Fakes.ConnectorContext again = new Fakes.ConnectorContext();
        again.offsets.stored.put(SourceOffsets.keyPartition(fp), new HashMap<>(SourceOffsets.accessOffset(requestId, "approved")));
        MemoramSourceConnector c2 = connector(again);
        c2.start(p);
        try {
            assertThat(AccessTaskConfig.requestIds(c2.taskConfigs(1).get(0))).containsExactly(requestId);
        } finally {
            c2.stop();
        }
        // Offsets lost: the API's list finds the same request.
        MemoramSourceConnector c3 = connector(new Fakes.ConnectorContext());
        c3.start(p);
        try {
            assertThat(AccessTaskConfig.requestIds(c3.taskConfigs(1).get(0))).containsExactly(requestId);
        } finally {
            c3.stop();
        }
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(posts);
        assertThat(emu.requestCount("GET", "/access-requests")).isGreaterThan(lists);
        assertThat(emu.accessRequests().stream().filter(r -> u.memoryKey().equals(r.memoryKey()))).hasSize(1);
    }

    private static MemoramSourceTask task(Map<String, String> connectorProps, List<AccessTaskConfig.Request> requests) {
        return task(connectorProps, requests, new MemoramSourceTask());
    }

    private static MemoramSourceTask task(Map<String, String> connectorProps, List<AccessTaskConfig.Request> requests,
                                          MemoramSourceTask t) {
        Map<String, String> taskProps = TaskConfigs.singleTask(connectorProps, requests);
        t.initialize(new Fakes.TaskContext(taskProps));
        t.start(taskProps);
        return t;
    }

    @Test
    void pollReturnsNothingWhenIdleAndStopWakesAWaitingPoll() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String pending = emu.requestAccess(apiKey, u);
        Map<String, String> p = props(emu.baseUrl(), apiKey);
        p.put("memoram.access.check.interval.ms", "3600000");
        // Idle polls may wait up to 10 minutes here, so a poll that returns soon was woken by stop().
        Duration longIdle = Duration.ofMinutes(10);
        MemoramSourceTask t = task(p, List.of(new AccessTaskConfig.Request(pending, null, null)),
                new MemoramSourceTask(java.time.Clock.systemUTC(), longIdle));
        try {
            List<SourceRecord> first = pollUntil(t, records -> !records.isEmpty());
            assertThat(first).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(pending);
                assertThat(((Struct) r.value()).getString("status")).isEqualTo("pending");
                assertThat(r.sourcePartition()).isEqualTo(SourceOffsets.requestPartition(pending));
            });

            CompletableFuture<List<SourceRecord>> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return Fakes.pollCommitted(t);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // stop() must find the poll waiting, not run before it starts.
            await().atMost(Duration.ofSeconds(10)).until(() -> t.pipeline().pollWaiting());
            t.stop();
            assertThat(blocked.get(30, TimeUnit.SECONDS)).isNull();
            assertThat(Fakes.pollCommitted(t)).as("after stop").isNull();
        } finally {
            t.stop();
        }
    }

    @Test
    void failuresAreRetriedWithTheTasksOwnBackoffThenRecordsFlow() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser one = emu.createUser();
        EmulatedUser two = emu.createUser();
        String blobOne = emu.putBlob(one.userId(), "one", "t", List.of());
        String blobTwo = emu.putBlob(two.userId(), "two", "t", List.of());
        Map<String, String> p = props(emu.baseUrl(), apiKey);
        p.put("memoram.retry.backoff.ms", "10000");
        p.put("memoram.retry.backoff.max.ms", "10000");
        p.put("memoram.tags.enabled", "false");
        ManualClock clock = new ManualClock();
        emu.faults().on("GET", "/memory-blobs").next(2, Fault.status(503));
        int before = emu.requestCount("GET", "/memory-blobs");
        MemoramSourceTask t = task(p, List.of(new AccessTaskConfig.Request(emu.grantAccess(apiKey, one), one.userId(), null),
                new AccessTaskConfig.Request(emu.grantAccess(apiKey, two), two.userId(), null)), new MemoramSourceTask(clock));
        List<SourceRecord> records = new ArrayList<>();
        try {
            // Each user's first listing fails...
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<SourceRecord> batch = Fakes.pollCommitted(t);
                if (batch != null) {
                    records.addAll(batch);
                }
                return t.metrics().getFailedCalls() == 2;
            });
            assertThat(emu.requestCount("GET", "/memory-blobs") - before).isEqualTo(2);
            // ...and while the task's clock has not reached the backoff, nothing is tried again.
            for (int i = 0; i < 3; i++) {
                List<SourceRecord> batch = Fakes.pollCommitted(t);
                assertThat(batch == null || memories(batch).isEmpty()).isTrue();
            }
            assertThat(t.pipeline().inFlight()).isZero();
            assertThat(emu.requestCount("GET", "/memory-blobs") - before).isEqualTo(2);

            clock.advance(Duration.ofSeconds(10));
            records.addAll(pollUntil(t, r -> memories(r).size() == 2));
            assertThat(memories(records)).extracting(r -> ((Struct) r.key()).getString("id")).containsExactlyInAnyOrder(blobOne, blobTwo);
            assertThat(emu.requestCount("GET", "/memory-blobs") - before).isEqualTo(4);
            assertThat(t.metrics().getFailedCalls()).isEqualTo(2);
        } finally {
            emu.faults().clear();
            t.stop();
        }
    }

    /** Polls until {@code done} holds for what was collected, at most 10 s. */
    private static List<SourceRecord> pollUntil(MemoramSourceTask t, java.util.function.Predicate<List<SourceRecord>> done) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<SourceRecord> batch = Fakes.pollCommitted(t);
            if (batch != null) {
                records.addAll(batch);
            }
            return done.test(records);
        });
        return records;
    }

    private static List<SourceRecord> memories(List<SourceRecord> records) {
        return records.stream().filter(r -> r.topic().endsWith(".memories")).toList();
    }

    @Test
    void revokedAccessFailsTheTaskWhenConfiguredTo() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String req = emu.grantAccess(apiKey, u);
        emu.revoke(req);
        Map<String, String> p = props(emu.baseUrl(), apiKey);
        p.put("behavior.on.access.revoked", "fail");
        MemoramSourceTask t = task(p, List.of(new AccessTaskConfig.Request(req, u.userId(), null)));
        try {
            assertThatThrownBy(t::poll).isInstanceOf(ConnectException.class).hasMessageContaining(req).hasMessageContaining("revoked");
        } finally {
            t.stop();
        }
    }

    @Test
    void aBlobThatLeavesTheFilterLooksDeleted() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String kept = emu.putBlob(u.userId(), "kept", "t", List.of("keep"));
        emu.putBlob(u.userId(), "other", "t", List.of("other"));
        Map<String, String> p = props(emu.baseUrl(), apiKey);
        p.put("memoram.filter.tags", "keep");
        p.put("poll.interval.ms", "50");
        p.put("memoram.tags.enabled", "false");
        MemoramSourceTask t = task(p, List.of(new AccessTaskConfig.Request(emu.grantAccess(apiKey, u), u.userId(), null)));
        try {
            List<SourceRecord> first = pollUntil(t, rs -> !memories(rs).isEmpty());
            assertThat(memories(first)).extracting(r -> ((Struct) r.key()).getString("id")).containsExactly(kept);
            emu.retagBlob(u.userId(), kept, List.of("other"));
            List<SourceRecord> gone = pollUntil(t, rs -> !memories(rs).isEmpty());
            assertThat(memories(gone)).singleElement().satisfies(r -> {
                assertThat(((Struct) r.key()).getString("id")).isEqualTo(kept);
                assertThat(r.value()).isNull();
            });
        } finally {
            t.stop();
        }
    }
}
