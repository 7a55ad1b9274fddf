package io.memoram.connect.sink.integration;

import static io.memoram.connect.sink.integration.SinkClusterSupport.json;
import static io.memoram.connect.sink.integration.SinkClusterSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once in effect: injected 429s, 5xx, dropped connections and lost responses, a task
 * restart and a worker stop in mid-stream; afterwards every record is in Memoram exactly once.
 */
class SinkResilienceClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared().clearingFaultsOf(emu);
    private static EmbeddedConnectCluster connect;
    private static String apiKey;

    @BeforeAll
    static void start() {
        apiKey = emu.createApiKey();
    }

    private static List<String> decrypted(EmulatedUser u) {
        return SinkClusterSupport.decrypted(emu, u);
    }

    private static long committed(String connector) {
        long sum = 0;
        for (ConnectorOffset o : connect.connectorOffsets(connector).offsets()) {
            sum += ((Number) o.offset().get("kafka_offset")).longValue();
        }
        return sum;
    }

    @Test
    void withThrottlingServerErrorsAndDroppedConnectionsEveryRecordIsWrittenOnce() throws Exception {
        EmulatedUser user = emu.createUser();
        String topic = "flaky-chats";
        connect.kafka().createTopic(topic, 3);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(emu.grantAccess(apiKey, user)));
        // More retries than faults armed below (23), so no record can run out of them: this test is about
        // writing everything once through the faults; running out of retries is MemoramSinkTaskTest's.
        config.put("memoram.max.retries", "30");
        emu.faults().on("GET", "/memory-blobs").next(2, Fault.status(503));
        emu.faults().on("POST", "/memory-blobs").next(3, Fault.tooManyRequests(1));
        emu.faults().on("POST", "/memory-blobs").next(4, Fault.status(503));
        emu.faults().on("POST", "/memory-blobs").next(3, Fault.drop());
        emu.faults().on("POST", "/memory-blobs").next(5, Fault.dropAfterHandling());
        emu.faults().on("PATCH", "/memory-blobs").next(3, Fault.status(502));
        emu.faults().on("PATCH", "/memory-blobs").next(3, Fault.dropAfterHandling());
        connect.configureConnector("flaky-sink", config);

        TreeMap<String, String> latest = new TreeMap<>();
        for (int version = 1; version <= 2; version++) {
            for (int k = 0; k < 30; k++) {
                String content = "conversation " + k + " version " + version;
                connect.kafka().produce(topic, "conv-" + k, json(map("user_id", user.userId(), "content", content)));
                latest.put("conv-" + k, content);
            }
        }
        List<String> want = latest.values().stream().sorted().toList();
        await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(user)).isEqualTo(want));
        await().atMost(WAIT).until(() -> committed("flaky-sink") == 60);
        assertThat(emu.faults().pending()).isZero();
        assertThat(decrypted(user)).isEqualTo(want);
        connect.deleteConnector("flaky-sink");
    }

    @Test
    void aTaskRestartAndAWorkerStopInMidStreamLeaveNoDuplicateAndLoseNothing() throws Exception {
        EmulatedUser inserts = emu.createUser();
        EmulatedUser upserts = emu.createUser();
        List<String> requests = List.of(emu.grantAccess(apiKey, inserts), emu.grantAccess(apiKey, upserts));
        String topic = "busy-chats";
        connect.kafka().createTopic(topic, 4);
        Map<String, String> insertConfig = SinkClusterSupport.sinkConfig(emu, apiKey, topic, requests);
        insertConfig.put("memoram.write.mode", "insert");
        insertConfig.put("memoram.user.id", inserts.userId());
        insertConfig.put("memoram.max.in.flight.requests", "2");
        Map<String, String> upsertConfig = SinkClusterSupport.sinkConfig(emu, apiKey, topic, requests);
        upsertConfig.put("memoram.user.id", upserts.userId());
        upsertConfig.put("memoram.max.in.flight.requests", "2");
        // A slow server (at most ~25 writes/s per connector), so that the task restart and the worker
        // stop below surely happen with writes in flight and records still to come.
        emu.faults().on(null, "/memory-blobs").next(100_000, Fault.delay(Duration.ofMillis(150)));

        int records = 300;
        List<String> all = new ArrayList<>();
        TreeMap<String, String> latest = new TreeMap<>();
        for (int i = 0; i < records; i++) {
            String content = "message " + i;
            connect.kafka().produce(topic, "conv-" + (i % 20), json(map("user_id", "ignored", "content", content)));
            all.add(content);
            latest.put("conv-" + (i % 20), content);
        }
        connect.configureConnector("busy-insert", insertConfig);
        connect.configureConnector("busy-upsert", upsertConfig);
        await().atMost(WAIT).until(() -> emu.blobs(inserts.userId()).size() >= 40);
        assertThat(emu.blobs(inserts.userId())).as("still mid-stream").hasSizeLessThan(records - 100);
        connect.restartTask("busy-insert", 0);
        connect.restartTask("busy-upsert", 0);
        int before = emu.blobs(inserts.userId()).size();
        await().atMost(WAIT).until(() -> emu.blobs(inserts.userId()).size() >= before + 20);
        assertThat(emu.blobs(inserts.userId())).as("still mid-stream").hasSizeLessThan(records - 40);
        connect.removeWorker();
        emu.faults().clear(); // full speed for the rest
        List<String> wantAll = all.stream().sorted().toList();
        List<String> wantLatest = latest.values().stream().sorted().toList();
        await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(inserts)).isEqualTo(wantAll));
        await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(upserts)).isEqualTo(wantLatest));
        await().atMost(WAIT).until(() -> committed("busy-insert") == records && committed("busy-upsert") == records);
        assertThat(decrypted(inserts)).isEqualTo(wantAll);
        assertThat(decrypted(upserts)).isEqualTo(wantLatest);
        connect.deleteConnector("busy-insert");
        connect.deleteConnector("busy-upsert");
        connect.addWorker();
    }
}
