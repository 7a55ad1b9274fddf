package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sink worker crash (SIGKILL of the real process: nothing committed on the way out) in the middle
 * of a stream of upserts. Kafka redelivers everything after the last committed offset to the
 * restarted worker, including writes whose blobs the killed one had created (possibly with their
 * responses lost in the kill); the idempotency marker must turn each of them into a PATCH. In the
 * end every key has exactly one blob, holding its latest content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PassFailSummary.class)
class SinkCrashIT {
    static final int USERS = 3;
    static final int KEYS_PER_USER = 10;
    static final int VERSIONS = 8;
    static final int RECORDS = USERS * KEYS_PER_USER * VERSIONS;
    static final String TOPIC = "crash-chats";
    static final String CONNECTOR = "memoram-sink-crash";
    static final Duration DEADLINE = Duration.ofSeconds(180);

    private final Progress progress = new Progress(System.out);
    private MemoramEmulator emulator;
    private ConnectStack stack;
    private String apiKey;
    private final List<EmulatedUser> users = new ArrayList<>();
    private final List<String> requestIds = new ArrayList<>();
    private Path secrets;
    private ConnectWorker worker;

    @BeforeAll
    void start() throws Exception {
        Path work = E2eSetup.workFolder("e2e-sink-crash", "sink crash", progress);
        emulator = MemoramEmulator.start();
        apiKey = emulator.createApiKey();
        for (int u = 0; u < USERS; u++) {
            EmulatedUser user = emulator.createUser();
            users.add(user);
            requestIds.add(emulator.grantAccess(apiKey, user));
        }
        secrets = E2eSetup.writeSecretsFile(work, apiKey);
        stack = ConnectStack.start(work, progress);
    }

    @AfterAll
    void stop() {
        E2eSetup.stop(stack, emulator);
    }

    private ConnectWorker.Spec spec(int generation) {
        Map<String, String> w = new HashMap<>();
        // A crashed worker's tasks move after its session times out and this delay passes.
        w.put("scheduled.rebalance.max.delay.ms", "1000");
        w.put("session.timeout.ms", "6000");
        w.put("heartbeat.interval.ms", "1000");
        return stack.spec("sink-" + generation, "memoram-sink-crash", "service_load", Map.of(), w, true, false);
    }

    private Map<String, String> connectorConfig() {
        Map<String, String> c = ExampleConfigs.withSecretsFile(ExampleConfigs.sink(), secrets);
        c.put("memoram.api.url", emulator.baseUrl());
        c.put("memoram.access.request.ids", String.join(",", requestIds));
        c.put("memoram.memory.keys", "");
        c.put("topics", TOPIC);
        c.put("tasks.max", "2");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        c.put("memoram.max.in.flight.requests", "4");
        c.put("memoram.retry.backoff.ms", "100");
        c.put("memoram.retry.backoff.max.ms", "1000");
        c.put("errors.tolerance", "none"); // nothing here is a bad record: any failure must show
        c.remove("errors.deadletterqueue.topic.name");
        c.remove("errors.deadletterqueue.topic.replication.factor");
        c.remove("errors.deadletterqueue.context.headers.enable");
        return c;
    }

    private static String key(int user, int k) {
        return "conv-" + user + "-" + k;
    }

    private static String content(int user, int k, int version) {
        return "conversation " + user + "-" + k + ", version " + version;
    }

    @Test
    void aWorkerKilledMidStreamLeavesExactlyOneBlobPerKeyWithItsLatestContent() throws Exception {
        stack.broker().createTopic(TOPIC, 2);
        worker = stack.startWorkers(List.of(spec(1)), progress).get(0);
        // Slow writes (about 8 s for the stream), so that the kill surely lands mid-stream.
        emulator.faults().on("POST", "/memory-blobs").next(1_000_000, Fault.delay(Duration.ofMillis(150)));
        emulator.faults().on("PATCH", "/memory-blobs").next(1_000_000, Fault.delay(Duration.ofMillis(150)));
        ConnectRest.Response r = worker.rest().putConnector(CONNECTOR, connectorConfig());
        assertThat(r.status()).as("PUT " + CONNECTOR + ": " + r.text()).isEqualTo(201);

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int v = 0; v < VERSIONS; v++) {
                for (int u = 0; u < USERS; u++) {
                    for (int k = 0; k < KEYS_PER_USER; k++) {
                        producer.send(new ProducerRecord<>(TOPIC, key(u, k), "{\"user_id\":\"" + users.get(u).userId()
                                + "\",\"title\":\"" + key(u, k) + "\",\"content\":\"" + content(u, k, v) + "\"}"));
                    }
                }
            }
            producer.flush();
        }

        await("a third of the stream written", () -> writes() >= RECORDS / 3);
        stack.killWorker(worker);
        int atKill = writes();
        progress.step("sink crash: SIGKILLed the worker after " + atKill + " of " + RECORDS + " writes");
        assertThat(atKill).as("killed mid-stream").isLessThan(RECORDS);

        worker = stack.startWorkers(List.of(spec(2)), progress).get(0);
        emulator.faults().clear();
        // Every record confirmed and committed by the new worker: nothing more is redelivered after that.
        await("every record of " + TOPIC + " committed", () -> lag() == 0);

        Map<String, List<StoredBlob>> byKey = new HashMap<>();
        for (EmulatedUser user : users) {
            for (StoredBlob b : emulator.blobs(user.userId())) {
                byKey.computeIfAbsent(b.title(), t -> new ArrayList<>()).add(b);
            }
        }
        List<String> twice = byKey.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " x" + e.getValue().size()).toList();
        progress.step("sink crash: " + byKey.size() + " keys, " + twice.size() + " with more than one blob, "
                + (writes() - atKill) + " writes after the restart");
        assertThat(twice).as("keys with more than one blob").isEmpty();
        assertThat(byKey).hasSize(USERS * KEYS_PER_USER);
        for (int u = 0; u < USERS; u++) {
            for (int k = 0; k < KEYS_PER_USER; k++) {
                StoredBlob b = byKey.get(key(u, k)).get(0);
                assertThat(b.userId()).isEqualTo(users.get(u).userId());
                assertThat(emulator.decrypt(b.userId(), b.content())).as(key(u, k)).isEqualTo(content(u, k, VERSIONS - 1));
            }
        }
    }

    /** Creates and patches the emulator received. */
    private int writes() {
        return emulator.requestCount("POST", "/memory-blobs") + emulator.requestCount("PATCH", "/memory-blobs");
    }

    /** Records of the topic not yet committed by the sink's consumer group (connect-<name>). */
    private long lag() throws Exception {
        try (Admin admin = stack.broker().admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + CONNECTOR)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                latest.put(new TopicPartition(TOPIC, i), OffsetSpec.latest());
            }
            long lag = 0;
            for (var e : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    /** Waits for {@code condition}; fails at once when the connector or a task reports FAILED. */
    private void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof java.io.UncheckedIOException)
                .until(() -> {
                    String failure = worker.rest().failure(CONNECTOR);
                    if (failure != null) {
                        throw new AssertionError(CONNECTOR + " failed while waiting for " + what + ": " + failure);
                    }
                    return condition.call();
                });
    }
}
