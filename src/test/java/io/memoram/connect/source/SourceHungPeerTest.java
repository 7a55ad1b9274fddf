package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Grant;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source task (through the connector's task configs, then start, poll, stop) against a hung API
 * peer: a listing answered with headers and half a body, then silence. The task gives up on it at
 * memoram.http.request.timeout.ms, carries on with the blobs (one created after the stall included),
 * and stop() frees a poll stuck in a hung call at once.
 */
class SourceHungPeerTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final ExecutorService poller = Executors.newSingleThreadExecutor();
    private final List<SourceRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean polling = new AtomicBoolean(true);
    private MemoramSourceTask task;
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
        polling.set(false);
        if (task != null) {
            task.stop();
        }
        poller.shutdownNow();
    }

    private Map<String, String> props(String requestTimeoutMs) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "hung-source-" + requestId);
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.request.ids", requestId);
        p.put("topic.prefix", "hung");
        p.put("poll.interval.ms", "200");
        p.put("memoram.tags.enabled", "false");
        p.put("memoram.http.request.timeout.ms", requestTimeoutMs);
        p.put("memoram.retry.backoff.ms", "20");
        p.put("memoram.retry.backoff.max.ms", "200");
        return p;
    }

    /** Task configs as the connector hands them out, then a task started on them and polled on its own thread. */
    private Future<?> startPolling(Map<String, String> props) {
        MemoramSourceConnector connector = new MemoramSourceConnector();
        connector.initialize(new Fakes.ConnectorContext());
        connector.start(props);
        Map<String, String> taskProps;
        try {
            taskProps = connector.taskConfigs(1).get(0);
        } finally {
            connector.stop();
        }
        task = new MemoramSourceTask();
        task.initialize(new Fakes.TaskContext(taskProps));
        task.start(taskProps);
        return poller.submit(() -> {
            while (polling.get()) {
                List<SourceRecord> batch = Fakes.pollCommitted(task);
                if (batch != null) {
                    records.addAll(batch);
                }
            }
            return null;
        });
    }

    private List<String> memoryIds() {
        synchronized (records) {
            return records.stream().filter(r -> r.topic().endsWith(".memories") && r.value() != null)
                    .map(r -> ((Struct) r.key()).getString("id")).toList();
        }
    }

    @Test
    void aStalledListingIsGivenUpAndALaterBlobStillArrives() {
        String before = emu.putBlob(user.userId(), "before", "t");
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.stall());
        startPolling(props("1500"));
        await().atMost(Duration.ofSeconds(30)).until(() -> emu.requestCount("GET", "/memory-blobs") >= 1);
        String after = emu.putBlob(user.userId(), "after", "t");

        await().atMost(Duration.ofSeconds(60)).until(() -> memoryIds().containsAll(List.of(before, after)));
        assertThat(memoryIds()).containsOnlyOnce(before, after);
    }

    @Test
    void stopFreesAPollStuckInAHungListing() {
        emu.putBlob(user.userId(), "one", "t");
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.stall());
        Future<?> loop = startPolling(props("600000")); // only stop() can end the hung listing
        await().atMost(Duration.ofSeconds(30)).until(() -> emu.requestCount("GET", "/memory-blobs") == 1);

        polling.set(false);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(task::stop);
        await().atMost(Duration.ofSeconds(20)).until(() -> stopped.isDone() && loop.isDone());
        assertThat(stopped).isCompleted();
        assertThat(memoryIds()).isEmpty();
    }
}
