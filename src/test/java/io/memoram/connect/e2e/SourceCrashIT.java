package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Source worker crashes (SIGKILL of the real process, nothing flushed or committed on the way out).
 *
 * <p>First, in the middle of the initial load. On workers with exactly.once.source.support=enabled a
 * read_committed consumer must see every memory exactly once: no duplicate at all. The same crash
 * on an at-least-once worker group runs alongside on the same broker and data and must repeat some
 * (printed as "crash: at-least-once ...", quoted in docs/source.md): its offset flushes are 2 s
 * apart and the kill follows a batch at once, so a kill that stopped causing repeats would show here
 * instead of letting the exactly-once check pass vacuously. Graceful restarts
 * (SourceExactlyOnceClusterIT, SourceGracefulStopClusterIT) commit first, so only a kill shows
 * the difference.
 *
 * <p>Then, twice, a new blob (then a new tag) whose record just reached Kafka when the worker is
 * killed, before the next offset flush; it is deleted while the worker is down; after the restart
 * its tombstone must come, on both groups.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    private final List<String> userIds = new java.util.ArrayList<>();
    private final Group eos = new Group("eos", true);
    private final Group alo = new Group("alo", false);
    private final List<Group> groups = List.of(eos, alo);

    /** One worker group: its connector, topic and current worker. */
    private final class Group {
        final String name;
        final boolean exactlyOnce;
        final String connector;
        final String topic;
        final String tagsTopic;
        ConnectWorker worker;

        Group(String name, boolean exactlyOnce) {
            this.name = name;
            this.exactlyOnce = exactlyOnce;
            this.connector = "memoram-source-" + name;
            this.topic = name + ".memories";
            this.tagsTopic = name + ".tags";
        }

        ConnectWorker.Spec spec(int generation) {
            Map<String, String> worker = new HashMap<>();
            // A crashed worker's tasks move after its session times out and this delay passes.
            worker.put("scheduled.rebalance.max.delay.ms", "1000");
            worker.put("session.timeout.ms", "6000");
            worker.put("heartbeat.interval.ms", "1000");
            if (exactlyOnce) {
                worker.put("exactly.once.source.support", "enabled");
            } else {
                // Far enough apart that a kill right after a batch lands before the next flush.
                worker.put("offset.flush.interval.ms", "2000");
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
            c.put("poll.interval.ms", "500");
            c.put("memoram.retry.backoff.ms", "100");
            c.put("memoram.retry.backoff.max.ms", "1000");
            if (exactlyOnce) {
                c.put("exactly.once.support", "required");
            }
            return c;
        }

        /** Whether {@code topic} holds a record of this id with this memoram.op. */
        boolean has(String topic, String id, String op) {
            return KafkaTopics.readAll(stack.broker().bootstrapServers(), topic).stream()
                    .anyMatch(r -> id.equals(r.key().path("id").asText()) && op.equals(r.headers().get("memoram.op")));
        }

        List<KafkaTopics.Record> records() {
            // KafkaTopics reads with isolation.level=read_committed: aborted transactions are not seen.
            return KafkaTopics.readAll(stack.broker().bootstrapServers(), topic).stream()
                    .filter(r -> !r.tombstone()).toList();
        }
    }

    @BeforeAll
    void start() throws Exception {
        Path work = E2eSetup.workFolder("e2e-crash", "crash", progress);
        emulator = MemoramEmulator.start();
        apiKey = emulator.createApiKey();
        StringBuilder ids = new StringBuilder();
        for (int u = 0; u < 2; u++) {
            EmulatedUser user = emulator.createUser();
            userIds.add(user.userId());
            for (int i = 0; i < BLOBS_PER_USER; i++) {
                String text = "user " + u + " memory " + i;
                expected.put(emulator.putBlob(user.userId(), text, "m" + i, "crash"), text);
            }
            ids.append(ids.length() == 0 ? "" : ",").append(emulator.grantAccess(apiKey, user));
        }
        requestIds = ids.toString();
        secrets = E2eSetup.writeSecretsFile(work, apiKey);
        stack = ConnectStack.start(work, progress);
    }

    @AfterAll
    void stop() {
        E2eSetup.stop(stack, emulator);
    }

    @Test
    @Order(1)
    void aWorkerKilledMidLoadEmitsNothingTwiceWithExactlyOnce() throws Exception {
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
        Map<String, Integer> atKill = new LinkedHashMap<>();
        // Each group is killed as soon as a third of its load is out: exactly-once runs ahead (its new ids
        // wait for one transaction, at-least-once's for an offset flush), and at-least-once's kill must
        // follow the batch it just saw, before its next offset flush.
        for (Group g : groups) {
            await(g.connector + ": a third of the load in " + g.topic, g, () -> g.records().size() >= TOTAL / 3);
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
        assertThat(aloRecords.size() - aloDistinct).as("at-least-once repeats what followed its last offset flush: "
                + "without repeats here the kill did not land where exactly-once is tested").isPositive();

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

    @Test
    @Order(2)
    void aBlobOrTagEmittedJustBeforeAKillAndDeletedWhileDownIsTombstonedAfterTheRestart() throws Exception {
        assertThat(eos.worker).as("the first test left workers running").isNotNull();
        String userId = userIds.get(0);
        for (int round = 0; round < 2; round++) {
            boolean tagRound = round == 1;
            String tagName = "fresh-" + round;
            String blob = emulator.putBlob(userId, "fresh " + round, "f", tagRound ? tagName : "crash");
            String tagId = emulator.tags(userId).stream().filter(t -> t.name().equals(tagName)).map(t -> t.id())
                    .findFirst().orElse(null);
            String what = tagRound ? "tag " + tagId : "memory " + blob;
            // Exactly-once first: at-least-once holds a new id until an offset flush, and its kill must follow it at once.
            for (Group g : List.of(eos, alo)) {
                await(g.connector + ": the new " + what, g,
                        () -> tagRound ? g.has(g.tagsTopic, tagId, "c") : g.has(g.topic, blob, "c"));
            }
            for (Group g : List.of(alo, eos)) {
                stack.killWorker(g.worker);
            }
            progress.step("crash: SIGKILLed both workers right after the new " + what + " arrived; deleting it");
            assertThat(emulator.deleteBlob(userId, blob)).isTrue();
            if (tagRound) {
                assertThat(emulator.deleteTag(userId, tagName)).isTrue();
            }
            List<ConnectWorker> next = stack.startWorkers(List.of(eos.spec(3 + round), alo.spec(3 + round)), progress);
            eos.worker = next.get(0);
            alo.worker = next.get(1);
            for (Group g : groups) {
                await(g.connector + ": the tombstone of the " + what, g,
                        () -> tagRound ? g.has(g.tagsTopic, tagId, "d") : g.has(g.topic, blob, "d"));
            }
            progress.step("crash: both groups tombstoned the " + what + " after the restart");
        }
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
