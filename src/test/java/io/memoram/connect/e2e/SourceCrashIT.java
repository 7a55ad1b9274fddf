package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A source worker crash (SIGKILL of the real process, nothing flushed or committed on the way out)
 * in the middle of the initial load. On workers with exactly.once.source.support=enabled a
 * read_committed consumer must see every memory exactly once: no duplicate at all. The same crash
 * on an at-least-once worker group runs alongside on the same broker and data; its duplicates are
 * printed ("crash: at-least-once ...", quoted in docs/source.md), not asserted, since they depend
 * on where the kill lands between offset flushes. Graceful restarts (MemoramSourceExactlyOnceTest,
 * the failover of MemoramEndToEndIT) commit first, so only a kill can show the difference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PassFailSummary.class)
class SourceCrashIT {
    static final int BLOBS_PER_USER = 80;
    static final int TOTAL = 2 * BLOBS_PER_USER;
    static final Duration DEADLINE = Duration.ofSeconds(150);

    private final Progress progress = new Progress(System.out);
    private MemoramEmulator emulator;
    private ConnectStack stack;
    private String apiKey;
    private String requestIds;
    private Path secrets;
    /** blob id -> plaintext. */
    private final Map<String, String> expected = new HashMap<>();

    /** One worker group: its connector, topic and current worker. */
    private final class Group {
        final String name;
        final boolean exactlyOnce;
        final String connector;
        final String topic;
        ConnectWorker worker;

        Group(String name, boolean exactlyOnce) {
            this.name = name;
            this.exactlyOnce = exactlyOnce;
            this.connector = "memoram-source-" + name;
            this.topic = name + ".memories";
        }

        ConnectWorker.Spec spec(int generation) {
            Map<String, String> worker = new HashMap<>();
            // A crashed worker's tasks move after its session times out and this delay passes.
            worker.put("scheduled.rebalance.max.delay.ms", "1000");
            worker.put("session.timeout.ms", "6000");
            worker.put("heartbeat.interval.ms", "1000");
            if (exactlyOnce) {
                worker.put("exactly.once.source.support", "enabled");
            }
            return stack.spec(name + "-" + generation, "memoram-crash-" + name, "service_load", Map.of(), worker, true, false);
        }

        Map<String, String> connectorConfig() {
            Map<String, String> c = ExampleConfigs.withSecretsFile(ExampleConfigs.source(), secrets);
            c.put("memoram.api.url", emulator.baseUrl());
            c.put("memoram.access.request.ids", requestIds);
            c.put("memoram.memory.keys", "");
            c.put("topic.prefix", name);
            c.put("tasks.max", "1");
            c.put("memoram.page.size", "2"); // many small batches: the kill lands between or inside them
            c.put("memoram.tags.enabled", "false");
            c.put("poll.interval.ms", "500");
            c.put("memoram.retry.backoff.ms", "100");
            c.put("memoram.retry.backoff.max.ms", "1000");
            if (exactlyOnce) {
                c.put("exactly.once.support", "required");
            }
            return c;
        }

        List<KafkaTopics.Record> records() {
            // KafkaTopics reads with isolation.level=read_committed: aborted transactions are not seen.
            return KafkaTopics.readAll(stack.broker().bootstrapServers(), topic).stream()
                    .filter(r -> !r.tombstone()).toList();
        }
    }

    @BeforeAll
    void start() throws Exception {
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.kafka", org.apache.logging.log4j.Level.ERROR);
        Path work = ProjectPaths.targetDir().resolve("e2e-crash-" + System.currentTimeMillis());
        progress.step("crash: work folder " + work);
        emulator = MemoramEmulator.start();
        apiKey = emulator.createApiKey();
        StringBuilder ids = new StringBuilder();
        for (int u = 0; u < 2; u++) {
            EmulatedUser user = emulator.createUser();
            for (int i = 0; i < BLOBS_PER_USER; i++) {
                String text = "user " + u + " memory " + i;
                expected.put(emulator.putBlob(user.userId(), text, "m" + i, "crash"), text);
            }
            ids.append(ids.length() == 0 ? "" : ",").append(emulator.grantAccess(apiKey, user));
        }
        requestIds = ids.toString();
        secrets = work.resolve("secrets/memoram-secrets.properties");
        Files.createDirectories(secrets.getParent());
        Files.writeString(secrets, "api.key=" + apiKey + "\n");
        stack = ConnectStack.start(work, progress);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void aWorkerKilledMidLoadEmitsNothingTwiceWithExactlyOnce() throws Exception {
        Group eos = new Group("eos", true);
        Group alo = new Group("alo", false);
        List<Group> groups = List.of(eos, alo);
        for (Group g : groups) {
            for (String t : List.of(".memories", ".tags", ".access")) {
                stack.broker().createTopic(g.name + t, 1);
            }
        }
        List<ConnectWorker> first = stack.startWorkers(List.of(eos.spec(1), alo.spec(1)), progress);
        eos.worker = first.get(0);
        alo.worker = first.get(1);
        // Slow listings (about 10 s of load per connector), so that the kill surely lands mid-load.
        emulator.faults().on("GET", "/memory-blobs").next(1_000_000, Fault.delay(Duration.ofMillis(120)));
        for (Group g : groups) {
            ConnectRest.Response r = g.worker.rest().putConnector(g.connector, g.connectorConfig());
            assertThat(r.status()).as("PUT " + g.connector + ": " + r.text()).isEqualTo(201);
        }
        for (Group g : groups) {
            await(g.connector + ": a third of the load in " + g.topic, g, () -> g.records().size() >= TOTAL / 3);
        }
        Map<String, Integer> atKill = new LinkedHashMap<>();
        for (Group g : groups) {
            stack.killWorker(g.worker);
            atKill.put(g.name, g.records().size());
        }
        progress.step("crash: SIGKILLed both workers with " + atKill + " of " + TOTAL + " records committed");
        assertThat(atKill.values()).as("killed mid-load").allSatisfy(n -> assertThat(n).isLessThan(TOTAL));

        List<ConnectWorker> second = stack.startWorkers(List.of(eos.spec(2), alo.spec(2)), progress);
        eos.worker = second.get(0);
        alo.worker = second.get(1);
        emulator.faults().clear();
        for (Group g : groups) {
            await(g.connector + ": every memory in " + g.topic, g,
                    () -> g.records().stream().map(r -> r.key().path("id").asText()).collect(Collectors.toSet())
                            .containsAll(expected.keySet()));
            // Two more complete passes of each user: anything the task was going to emit again is out.
            try (WorkerJmx jmx = WorkerJmx.connect(g.worker)) {
                long passes = jmx.sum("source-task", g.connector, "PassesCompleted");
                await(g.connector + ": two more passes of each user", g,
                        () -> jmx.sum("source-task", g.connector, "PassesCompleted") >= passes + 4);
            }
        }

        List<KafkaTopics.Record> aloRecords = alo.records();
        long aloDistinct = aloRecords.stream().map(r -> r.key().path("id").asText()).distinct().count();
        progress.step("crash: at-least-once gave " + (aloRecords.size() - aloDistinct) + " duplicates ("
                + aloRecords.size() + " records for " + aloDistinct + " memories, " + atKill.get("alo")
                + " committed at the kill)");
        assertThat(aloDistinct).as("at-least-once loses nothing either").isEqualTo(TOTAL);

        List<KafkaTopics.Record> eosRecords = eos.records();
        Map<String, Long> copies = eosRecords.stream()
                .collect(Collectors.groupingBy(r -> r.key().path("id").asText(), Collectors.counting()));
        progress.step("crash: exactly-once gave " + (eosRecords.size() - copies.size()) + " duplicates ("
                + eosRecords.size() + " records for " + copies.size() + " memories)");
        List<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();
        assertThat(twice).as("memories emitted more than once with exactly-once").isEmpty();
        assertThat(eosRecords).hasSize(TOTAL);
        assertThat(eosRecords.stream().collect(Collectors.toMap(r -> r.key().path("id").asText(),
                r -> r.value().path("content").asText()))).isEqualTo(expected);
        assertThat(eosRecords).allSatisfy(r -> assertThat(r.headers()).containsEntry("memoram.op", "c"));
    }

    /** Waits for {@code condition}; fails at once when the group's connector or task reports FAILED. */
    private void await(String what, Group g, BooleanSupplier condition) {
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof java.io.UncheckedIOException)
                .until(() -> {
                    String failure = g.worker.rest().failure(g.connector);
                    if (failure != null) {
                        throw new AssertionError(g.connector + " failed while waiting for " + what + ": " + failure);
                    }
                    return condition.getAsBoolean();
                });
    }
}
