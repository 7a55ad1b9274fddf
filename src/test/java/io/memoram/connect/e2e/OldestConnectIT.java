package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The oldest Connect docs/installation.md supports (3.6): a real 3.6.2 worker process, with the
 * Hub archive on its plugin.path, runs both connectors against the emulator. Its task contexts
 * have no {@code pluginMetrics()} (KIP-877 came with 4.1) and its classpath no
 * {@code PluginMetrics} class: the tasks must run anyway, with their metrics in JMX.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OldestConnectIT {
    static final String SOURCE = "oldest-source";
    static final String SINK = "oldest-sink";
    static final String CHAT = "oldest-chats";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Progress progress = new Progress(System.out);
    private MemoramEmulator emulator;
    private ConnectStack stack;
    private ConnectWorker worker;
    private EmulatedUser ada;
    private String request;
    private Path secrets;

    @BeforeAll
    void startAnOldWorker() throws Exception {
        Path work = E2eSetup.workFolder("oldest-connect", "oldest Connect", progress);
        emulator = MemoramEmulator.start();
        String apiKey = emulator.createApiKey();
        ada = emulator.createUser();
        request = emulator.grantAccess(apiKey, ada);
        emulator.putBlob(ada.userId(), "Ada's memory", "ada-1", "oldest");
        secrets = E2eSetup.writeSecretsFile(work, apiKey);
        stack = ConnectStack.start(work, progress);
        KafkaDistribution old = KafkaDistribution.ensure(progress, KafkaDistribution.OLDEST_SUPPORTED);
        worker = stack.startWorkers(old, List.of(stack.spec("worker-" + old.version(), "memoram-oldest", "service_load",
                Map.of("MEMORAM_MEMORY_KEYS", ""), Map.of(), true, false)), progress).get(0);
        stack.broker().createTopic(CHAT, 1);
    }

    @AfterAll
    void stop() {
        E2eSetup.stop(stack, emulator);
    }

    @Test
    void bothConnectorsRunOnConnect36WithTheirMetricsInJmx() throws Exception {
        assertThat(worker.rest().get("/").body().path("version").asText()).isEqualTo(KafkaDistribution.OLDEST_SUPPORTED);
        assertThat(worker.rest().putConnector(SOURCE, ExampleConfigs.source(secrets, emulator.baseUrl(), request, "oldest")).status())
                .isEqualTo(201);
        Map<String, String> sink = ExampleConfigs.sink(secrets, emulator.baseUrl(), request, CHAT);
        assertThat(worker.rest().putConnector(SINK, sink).status()).isEqualTo(201);
        KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT, "chat-1",
                Map.of("user_id", ada.userId(), "title", "chat-1", "content", "hello from 3.6"));

        await("the sink's blob").atMost(DEADLINE).until(() -> emulator.blobs(ada.userId()).stream()
                .anyMatch(b -> "chat-1".equals(b.title())));
        try (WorkerJmx jmx = WorkerJmx.connect(worker)) {
            await("the source's records counted in JMX").atMost(DEADLINE).ignoreExceptions()
                    .until(() -> jmx.sum("source-task", SOURCE, "RecordsCreated") >= 2);
            assertThat(jmx.sum("sink-task", SINK, "BlobsCreated")).isEqualTo(1);
            assertThat(jmx.sum("client-source", SOURCE, "CircuitStateCode")).isZero();
            assertThat(jmx.sum("source-task", SOURCE, "UsersOverdue")).isZero();
        }
        assertThat(worker.rest().running(SOURCE, 1)).as(worker.rest().failure(SOURCE)).isTrue();
        assertThat(worker.rest().running(SINK, 1)).as(worker.rest().failure(SINK)).isTrue();
        String log = Files.readString(worker.process().log());
        assertThat(log).doesNotContain("NoSuchMethodError").doesNotContain("NoClassDefFoundError")
                .doesNotContain("AbstractMethodError");
    }
}
