package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Grant;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink task (start, put, preCommit, stop) against a hung API peer: a create answered with
 * headers and half a body, then silence. The task gives up on it at memoram.http.request.timeout.ms,
 * finds the write that landed when it looks again (no duplicate), carries on with later records,
 * and stop() returns at once even while a write hangs.
 */
class SinkHungPeerTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final TopicPartition tp = new TopicPartition("hung", 0);
    private final List<MemoramSinkTask> tasks = new ArrayList<>();
    private String apiKey;
    private EmulatedUser user;
    private String requestId;

    @BeforeEach
    void setUp() {
        Grant grant = Grant.fresh(emu);
        apiKey = grant.apiKey();
        user = grant.user();
        requestId = grant.requestId();
        emu.resetRequestCounts();
    }

    @AfterEach
    void tearDown() {
        emu.faults().clear(); // releases stalled exchanges
        tasks.forEach(MemoramSinkTask::stop);
    }

    private MemoramSinkTask start(String requestTimeoutMs) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "hung-sink-" + requestId);
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.request.ids", requestId);
        p.put("memoram.http.request.timeout.ms", requestTimeoutMs);
        p.put("memoram.retry.backoff.ms", "20");
        p.put("memoram.retry.backoff.max.ms", "200");
        p.put(AccessTaskConfig.TASK_NUMBER_CONFIG, "0");
        FakeSinkContext ctx = new FakeSinkContext(p, false);
        MemoramSinkTask task = new MemoramSinkTask();
        task.initialize(ctx);
        task.start(p);
        ctx.assignment.add(tp);
        task.open(List.of(tp));
        tasks.add(task);
        return task;
    }

    private SinkRecord rec(String key, String content, long offset) {
        Map<String, Object> v = new HashMap<>();
        v.put("user_id", user.userId());
        v.put("content", content);
        v.put("title", "t-" + key);
        return new SinkRecord(tp.topic(), tp.partition(), null, key, null, v, offset);
    }

    private long committable(MemoramSinkTask task, long next) {
        OffsetAndMetadata o = task.preCommit(Map.of(tp, new OffsetAndMetadata(next))).get(tp);
        return o == null ? -1 : o.offset();
    }

    @Test
    void aStalledCreateIsGivenUpThenFoundAgainAndLaterRecordsFollow() {
        MemoramSinkTask task = start("1500");
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.stall());
        task.put(List.of(rec("k1", "first", 0)));
        await().atMost(Duration.ofSeconds(60)).until(() -> committable(task, 1) == 1);
        task.put(List.of(rec("k2", "second", 1)));
        await().atMost(Duration.ofSeconds(60)).until(() -> committable(task, 2) == 2);

        // The stalled create landed; after giving up the task listed again and found it: one blob per key.
        assertThat(emu.blobs(user.userId())).extracting(StoredBlob::title).containsExactlyInAnyOrder("t-k1", "t-k2");
        assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(2);
    }

    @Test
    void stopReturnsAtOnceWhileAWriteHangs() {
        MemoramSinkTask task = start("600000"); // only stop() can end the hung write
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.stall());
        task.put(List.of(rec("k1", "first", 0)));
        await().atMost(Duration.ofSeconds(30)).until(() -> emu.requestCount("POST", "/memory-blobs") == 1);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(task::stop);
        // Well under the task's 30 s wait for its lanes: the hung exchange is cancelled, not waited for.
        await().atMost(MemoramSinkTask.CLOSE_WAIT.dividedBy(2)).until(stopped::isDone);
        assertThat(stopped).isCompleted();
        assertThat(committable(task, 1)).isNotEqualTo(1); // the write was never confirmed: redelivered later
    }
}
