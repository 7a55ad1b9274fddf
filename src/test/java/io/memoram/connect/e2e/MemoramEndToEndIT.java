package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memoram.connect.emulator.EmulatedAccessRequest;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plugin as a user runs it: the built Hub archive in plugin.path of two real ConnectDistributed
 * workers (Kafka 4.4.0 jars, separate processes) on one KRaft broker, connectors managed through
 * the REST API, the Memoram emulator over real HTTP. Worker 1 discovers plugins with
 * plugin.discovery=service_load, worker 2 with the default (hybrid_warn) scan, so both modes must
 * find the connectors. The tests build on each other, in order, on one cluster (starting it is
 * the expensive part).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PassFailSummary.class)
class MemoramEndToEndIT {
    static final String SOURCE_CLASS = "io.memoram.connect.source.MemoramSourceConnector";
    static final String SINK_CLASS = "io.memoram.connect.sink.MemoramSinkConnector";
    static final String SOURCE = "memoram-source";
    static final String SINK = "memoram-sink";
    static final String MEMORIES = "memoram.memories";
    static final String CHAT = "chat-history";
    static final String DLQ = "memoram-sink-dlq";
    static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Progress progress = new Progress(System.out);
    private MemoramEmulator emulator;
    private ConnectStack stack;
    private ConnectWorker worker1;
    private ConnectWorker worker2;
    /** The worker the checks talk to; after the failover test, the one still running. */
    private ConnectWorker survivor;
    private String apiKey;
    private EmulatedUser ada;
    private EmulatedUser grace;
    private String adaRequest;
    private Path secrets;
    /** blob id -> plaintext of every blob seeded or expected in memoram.memories. */
    private final Map<String, String> expected = new LinkedHashMap<>();

    @BeforeAll
    void startCluster() throws Exception {
        // The archive, not the tests' classpath, is what the workers load: a jar without a connector fails here.
        ArchiveJar jar = ArchiveJar.read(ProjectPaths.hubArchive());
        for (String connector : List.of(SOURCE_CLASS, SINK_CLASS)) {
            assertThat(jar.has(connector)).as("the Hub archive's " + ArchiveJar.entryName() + " holds " + connector).isTrue();
        }
        Path work = E2eSetup.workFolder("e2e", "e2e", progress);
        emulator = MemoramEmulator.start();
        apiKey = emulator.createApiKey();
        ada = emulator.createUser();
        grace = emulator.createUser();
        adaRequest = emulator.grantAccess(apiKey, ada);
        for (int i = 1; i <= 3; i++) {
            expected.put(emulator.putBlob(ada.userId(), "Ada's memory " + i, "ada-" + i, "e2e"), "Ada's memory " + i);
            expected.put(emulator.putBlob(grace.userId(), "Grace's memory " + i, "grace-" + i, "e2e"), "Grace's memory " + i);
        }
        secrets = E2eSetup.writeSecretsFile(work, apiKey);

        stack = ConnectStack.start(work, progress);
        Map<String, String> env = Map.of("MEMORAM_MEMORY_KEYS", grace.memoryKey());
        // A departed worker's tasks are reassigned after this delay (default 5 minutes).
        Map<String, String> fastRebalance = Map.of("scheduled.rebalance.max.delay.ms", "3000");
        List<ConnectWorker> workers = stack.startWorkers(List.of(
                stack.spec("worker-1", "memoram-e2e", "service_load", env, fastRebalance, true, true),
                stack.spec("worker-2", "memoram-e2e", null, env, fastRebalance, true, true)), progress);
        worker1 = workers.get(0);
        worker2 = workers.get(1);
        survivor = worker1;
        stack.broker().createTopic(CHAT, 2);
    }

    @AfterAll
    void stopCluster() {
        if (stack != null) {
            progress.step("e2e: stopping workers, then the broker");
            stack.close();
            progress.step("e2e: stopped");
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    @Order(1)
    void bothDiscoveryModesFindBothConnectorsInTheArchive() {
        for (ConnectWorker w : List.of(worker1, worker2)) {
            Map<String, String> versions = new HashMap<>();
            Map<String, String> types = new HashMap<>();
            w.rest().get("/connector-plugins").body().forEach(p -> {
                versions.put(p.path("class").asText(), p.path("version").asText());
                types.put(p.path("class").asText(), p.path("type").asText());
            });
            assertThat(versions).as(w.name() + " GET /connector-plugins")
                    .containsEntry(SOURCE_CLASS, ProjectPaths.projectVersion())
                    .containsEntry(SINK_CLASS, ProjectPaths.projectVersion());
            assertThat(types).containsEntry(SOURCE_CLASS, "source").containsEntry(SINK_CLASS, "sink");
        }
        progress.step("e2e: both workers list both connectors");
    }

    @Test
    @Order(2)
    void validateReportsAnErrorOnEachBadField() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("connector.class", SOURCE_CLASS);
        bad.put("name", "bad-source");
        bad.put("memoram.api.url", "ftp:/not-a-url");
        bad.put("memoram.content.encryption", "rot13");
        bad.put("memoram.page.size", "0");
        bad.put("memoram.access.request.ids", "req-1");
        bad.put("topic.prefix", "ok");
        ConnectRest.Response r = worker1.rest().validate("MemoramSourceConnector", bad);
        assertThat(r.status()).isEqualTo(200);
        Map<String, List<String>> errors = fieldErrors(r.body());
        assertThat(errors.keySet()).contains("memoram.api.url", "memoram.content.encryption", "memoram.page.size",
                "memoram.api.key");
        assertThat(errors.get("memoram.content.encryption")).anySatisfy(e -> assertThat(e).contains("aes-gcm"));
        assertThat(errors).doesNotContainKey("topic.prefix");
        assertThat(r.body().path("error_count").asInt()).isGreaterThanOrEqualTo(4);

        Map<String, String> badSink = new LinkedHashMap<>(ExampleConfigs.withSecretsFile(ExampleConfigs.sink(), secrets));
        badSink.put("memoram.api.url", emulator.baseUrl()); // validation may call the API: never the real one
        badSink.put("memoram.write.mode", "sometimes");
        badSink.put("memoram.access.request.ids", adaRequest);
        ConnectRest.Response s = worker2.rest().validate("MemoramSinkConnector", badSink);
        assertThat(fieldErrors(s.body())).containsKey("memoram.write.mode").doesNotContainKey("memoram.api.key");
        progress.step("e2e: validate reports per-field errors");
    }

    @Test
    @Order(3)
    void sourceStreamsDecryptedMemoriesOfApprovedUsers() {
        Map<String, String> config = ExampleConfigs.withSecretsFile(ExampleConfigs.source(), secrets);
        config.put("memoram.api.url", emulator.baseUrl());
        config.put("memoram.access.request.ids", adaRequest);
        config.put("poll.interval.ms", "1000");
        config.put("memoram.access.check.interval.ms", "1000");
        config.put("tasks.max", "2");
        assertThat(worker2.rest().putConnector(SOURCE, config).status()).isEqualTo(201);

        // Grace is configured by memory key: the connector files the request, she approves it.
        EmulatedAccessRequest filed = await("an access request filed for Grace", SOURCE, () -> emulator.accessRequests()
                .stream().filter(q -> q.memoryKey().equals(grace.memoryKey())).findFirst().orElse(null));
        assertThat(filed.status()).isEqualTo(EmulatedAccessRequest.PENDING);
        emulator.approve(filed.id());

        Map<String, KafkaTopics.Record> got = await("all seeded memories in " + MEMORIES, SOURCE, () -> {
            Map<String, KafkaTopics.Record> m = latestMemories();
            return m.keySet().containsAll(expected.keySet()) ? m : null;
        });
        expected.forEach((id, plaintext) -> {
            KafkaTopics.Record r = got.get(id);
            assertThat(r.value().path("content").asText()).as("content of " + id).isEqualTo(plaintext);
            assertThat(r.key().path("id").asText()).isEqualTo(id);
            assertThat(r.headers()).containsEntry("memoram.op", "c");
        });
        // Connect echoes submitted configs: only the provider references may be there.
        String echoed = worker1.rest().get("/connectors/" + SOURCE + "/config").text();
        assertThat(echoed).contains("${file:").contains("${env:MEMORAM_MEMORY_KEYS}")
                .doesNotContain(apiKey).doesNotContain(grace.memoryKey());
        assertThat(worker1.rest().get("/connectors/" + SOURCE + "/tasks").text())
                .doesNotContain(apiKey).doesNotContain(grace.memoryKey()).doesNotContain(grace.encryptionKeyHex());
        progress.step("e2e: source streamed " + expected.size() + " decrypted memories");
    }

    @Test
    @Order(4)
    void sinkWritesEncryptedBlobsAndDeadLettersBadRecords() {
        Map<String, String> config = ExampleConfigs.withSecretsFile(ExampleConfigs.sink(), secrets);
        config.put("memoram.api.url", emulator.baseUrl());
        config.put("memoram.access.request.ids", adaRequest);
        config.put("tasks.max", "2");
        assertThat(worker1.rest().putConnector(SINK, config).status()).isEqualTo(201);

        Map<String, String> chats = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            EmulatedUser to = i % 2 == 0 ? ada : grace;
            String text = "chat message " + i + " for " + (to == ada ? "Ada" : "Grace");
            chats.put("chat-" + i, text);
            KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT, "chat-" + i,
                    Map.of("user_id", to.userId(), "title", "chat-" + i, "content", text, "tags", List.of("chat")));
        }
        KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT, "chat-bad",
                Map.of("user_id", ada.userId(), "title", "a record without content"));

        List<StoredBlob> written = await("4 blobs written by the sink", SINK, () -> {
            List<StoredBlob> b = sinkBlobs("chat-");
            return b.size() >= 4 ? b : null;
        });
        assertThat(written).hasSize(4);
        for (StoredBlob b : written) {
            String plaintext = chats.get(b.title());
            assertThat(b.content()).as("stored content of " + b.title()).isNotEqualTo(plaintext).doesNotContain("chat message");
            assertThat(emulator.decrypt(b.userId(), b.content())).isEqualTo(plaintext);
            expected.put(b.id(), plaintext);
        }
        // Counted once the sink has handled (and committed) every chat record: a late second blob or
        // DLQ record would be seen, which a check that stops at the first match could not.
        awaitSinkCaughtUp();
        assertThat(sinkBlobs("chat-")).as("blobs written for the 4 chat records, once each").hasSize(4)
                .extracting(StoredBlob::title).containsExactlyInAnyOrderElementsOf(chats.keySet());
        List<KafkaTopics.Record> dead = KafkaTopics.readAll(stack.broker().bootstrapServers(), DLQ);
        assertThat(dead).as("records in " + DLQ + " (only the record without content)").hasSize(1);
        assertThat(dead.get(0).key().asText()).isEqualTo("chat-bad");
        assertThat(dead.get(0).headers()).containsKey("__connect.errors.exception.message")
                .containsEntry("__connect.errors.topic", CHAT);
        progress.step("e2e: sink wrote 4 encrypted blobs, 1 record to the DLQ");
    }

    @Test
    @Order(5)
    void tasksMoveWhenAWorkerStopsAndDataKeepsFlowing() {
        // Stop the worker that runs more of the 4 tasks, so that the move is real whatever the assignment.
        Set<String> on1 = tasksOn(worker1.workerId());
        Set<String> on2 = tasksOn(worker2.workerId());
        assertThat(on1.size() + on2.size()).as("tasks running before the failover").isEqualTo(4);
        ConnectWorker victim = on2.size() >= on1.size() ? worker2 : worker1;
        ConnectWorker remaining = victim == worker2 ? worker1 : worker2;
        progress.step("e2e: stopping " + victim.name() + ", which runs " + (victim == worker2 ? on2 : on1));
        survivor = remaining;
        stack.stopWorker(victim);
        await("all tasks running on " + remaining.name(), null, () -> {
            JsonNode source = remaining.rest().status(SOURCE);
            JsonNode sink = remaining.rest().status(SINK);
            boolean moved = allOn(source, remaining.workerId(), 2) && allOn(sink, remaining.workerId(), 2);
            return moved ? Boolean.TRUE : null;
        });

        String newBlob = emulator.putBlob(grace.userId(), "written after the failover", "after-failover", "e2e");
        expected.put(newBlob, "written after the failover");
        await("the new blob in " + MEMORIES, SOURCE, () -> latestMemories().containsKey(newBlob) ? Boolean.TRUE : null);
        KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT, "chat-after",
                Map.of("user_id", ada.userId(), "title", "chat-after", "content", "sent after the failover"));
        StoredBlob b = await("the chat record after the failover as a blob", SINK,
                () -> sinkBlobs("chat-after").stream().findFirst().orElse(null));
        assertThat(emulator.decrypt(ada.userId(), b.content())).isEqualTo("sent after the failover");
        expected.put(b.id(), "sent after the failover");

        // The victim stopped gracefully (SIGTERM): its tasks committed what they had handled, so the
        // tasks that took over repeat nothing. Counted exactly, record by record, not collapsed by id.
        awaitSinkCaughtUp();
        assertThat(sinkBlobs("chat-")).as("one blob per chat record after the failover").extracting(StoredBlob::title)
                .containsExactlyInAnyOrder("chat-1", "chat-2", "chat-3", "chat-4", "chat-after");
        assertThat(KafkaTopics.readAll(stack.broker().bootstrapServers(), DLQ)).as("records in " + DLQ + " after the failover")
                .hasSize(1);
        awaitSourcePasses();
        Map<String, List<KafkaTopics.Record>> history = memoriesById();
        assertThat(history.keySet()).as("blob ids in " + MEMORIES).containsExactlyInAnyOrderElementsOf(expected.keySet());
        history.forEach((id, records) -> {
            List<JsonNode> values = records.stream().map(KafkaTopics.Record::value).toList();
            assertThat(values).as("records of " + id + " (a graceful failover emits nothing unchanged again)").doesNotHaveDuplicates();
            assertThat(records.get(records.size() - 1).value().path("content").asText()).as("latest content of " + id)
                    .isEqualTo(expected.get(id));
        });
        progress.step("e2e: tasks moved to " + remaining.name() + " and data kept flowing both ways, nothing repeated");
    }

    @Test
    @Order(6)
    void taskMetricsAreExposedOverJmx() throws Exception {
        try (WorkerJmx jmx = WorkerJmx.connect(survivor)) {
            Set<String> types = new TreeSet<>();
            for (ObjectName n : jmx.server().queryNames(new ObjectName("kafka.connect.memoram:*"), null)) {
                types.add(n.getKeyProperty("type"));
            }
            assertThat(types).contains("source-task", "client-source", "sink-task", "client-sink");
            // Every task now runs on the survivor: its beans must show the work done since the failover.
            assertThat(jmx.sum("source-task", null, "PassesCompleted")).isPositive();
            assertThat(jmx.sum("client-source", null, "Responses2xx")).isPositive();
            assertThat(jmx.sum("sink-task", null, "RecordsIn")).isPositive();
            assertThat(jmx.sum("sink-task", null, "BlobsCreated")).isPositive();
            assertThat(jmx.sum("client-sink", null, "Responses2xx")).isPositive();
            progress.step("e2e: JMX on " + survivor.name() + " shows " + types);
        }
    }

    @Test
    @Order(7)
    void noSecretOrContentInTheWorkersLogs() throws Exception {
        // The workers log Kafka at INFO here (config dumps included), as a default installation does.
        // Keyed by what and whose: every secret of every user is searched for. Ada is configured by
        // request id, so her keys only ever reached the workers through the credentials fetch.
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the API key", apiKey);
        for (EmulatedUser u : List.of(ada, grace)) {
            String who = u == ada ? "Ada's (by request id)" : "Grace's (by memory key)";
            EmulatedUser now = emulator.user(u.userId());
            secrets.put(who + " memory key", now.memoryKey());
            secrets.put(who + " encryption key", now.encryptionKeyHex());
        }
        List<String> tokens = emulator.issuedTokens();
        assertThat(tokens).as("JWTs the workers obtained").isNotEmpty();
        for (int i = 0; i < tokens.size(); i++) {
            secrets.put("JWT #" + (i + 1), tokens.get(i));
        }
        assertThat(secrets).as("one entry per secret, none overwritten").hasSize(5 + tokens.size());
        assertThat(secrets.values()).as("distinct secrets").doesNotHaveDuplicates();
        List<Path> logs = List.of(worker1.process().log(), worker2.process().log());
        StringBuilder all = new StringBuilder();
        List<String> leaks = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log);
            all.append(text);
            secrets.forEach((what, secret) -> {
                if (text.contains(secret)) {
                    leaks.add(log.getFileName() + " contains " + what);
                }
            });
            expected.forEach((id, plaintext) -> {
                if (text.contains(plaintext)) {
                    leaks.add(log.getFileName() + " contains the decrypted content of " + id);
                }
            });
        }
        assertThat(leaks).as("secrets and content in the workers' logs").isEmpty();
        // Proof that the check saw verbose logs: the connectors' config dumps are in them.
        assertThat(all.toString()).containsAnyOf("MemoramSourceConfig values", "MemoramSinkConfig values");
        progress.step("e2e: no secret and no content in " + logs.size() + " worker logs");
    }

    private Map<String, KafkaTopics.Record> latestMemories() {
        Map<String, KafkaTopics.Record> byId = new LinkedHashMap<>();
        for (KafkaTopics.Record r : KafkaTopics.readAll(stack.broker().bootstrapServers(), MEMORIES)) {
            if (!r.tombstone()) {
                byId.put(r.value().path("id").asText(), r);
            }
        }
        return byId;
    }

    /** Every record of memoram.memories by blob id, in topic order: repeats stay visible. */
    private Map<String, List<KafkaTopics.Record>> memoriesById() {
        Map<String, List<KafkaTopics.Record>> byId = new LinkedHashMap<>();
        for (KafkaTopics.Record r : KafkaTopics.readAll(stack.broker().bootstrapServers(), MEMORIES)) {
            byId.computeIfAbsent(r.key().path("id").asText(), k -> new ArrayList<>()).add(r);
        }
        return byId;
    }

    /**
     * Waits until every user of the source has been listed three more times from now: the first two
     * of those passes are complete and the third started poll.interval.ms after the second ended, so
     * whatever the source would emit now (a repeat included) has been handed over by then. The
     * emulator logs which user each listing was for.
     */
    private void awaitSourcePasses() {
        Map<String, Integer> before = new HashMap<>();
        for (EmulatedUser u : List.of(ada, grace)) {
            before.put(u.userId(), emulator.requestCount("GET", "/memory-blobs", u.userId()));
        }
        await("3 more listings of each user by the source", SOURCE, () -> before.entrySet().stream()
                .allMatch(e -> emulator.requestCount("GET", "/memory-blobs", e.getKey()) - e.getValue() >= 3) ? Boolean.TRUE : null);
    }

    /**
     * Waits until the sink's consumer group has committed every partition of the chat topic up to its
     * end: every record handled. Connect waits for the dead letter queue's writes before it commits,
     * so the DLQ is complete then too.
     */
    private void awaitSinkCaughtUp() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers()))) {
            await("the sink's offsets of " + CHAT + " at its end", SINK, () -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + SINK)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < 2; p++) {
                    latest.put(new TopicPartition(CHAT, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get();
                boolean done = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() == e.getValue().offset());
                return done ? Boolean.TRUE : null;
            });
        }
    }

    private List<StoredBlob> sinkBlobs(String titlePrefix) {
        List<StoredBlob> out = new ArrayList<>();
        for (EmulatedUser u : List.of(ada, grace)) {
            emulator.blobs(u.userId()).stream().filter(b -> b.title() != null && b.title().startsWith(titlePrefix))
                    .forEach(out::add);
        }
        return out;
    }

    private Set<String> tasksOn(String workerId) {
        Set<String> tasks = new TreeSet<>();
        for (String connector : List.of(SOURCE, SINK)) {
            survivor.rest().status(connector).path("tasks").forEach(t -> {
                if (workerId.equals(t.path("worker_id").asText())) {
                    tasks.add(connector + "-" + t.path("id").asText());
                }
            });
        }
        return tasks;
    }

    private static boolean allOn(JsonNode status, String workerId, int tasks) {
        int n = 0;
        for (JsonNode t : status.path("tasks")) {
            if (!"RUNNING".equals(t.path("state").asText()) || !workerId.equals(t.path("worker_id").asText())) {
                return false;
            }
            n++;
        }
        return n == tasks;
    }

    private static Map<String, List<String>> fieldErrors(JsonNode validation) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        validation.path("configs").forEach(c -> {
            List<String> messages = new ArrayList<>();
            c.path("value").path("errors").forEach(e -> messages.add(e.asText()));
            if (!messages.isEmpty()) {
                errors.put(c.path("value").path("name").asText(), messages);
            }
        });
        return errors;
    }

    /** Polls until {@code value} is non-null; fails at once when {@code connector} reports a failed task. */
    private <T> T await(String what, String connector, Callable<T> value) {
        Object[] holder = new Object[1];
        try {
            Awaitility.await(what).atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (connector != null) {
                    String failure = survivor.rest().failure(connector);
                    if (failure != null) {
                        throw new AssertionError(connector + " failed while waiting for " + what + ": " + failure);
                    }
                }
                holder[0] = value.call();
                return holder[0] != null;
            });
        } catch (ConditionTimeoutException e) {
            // CI shows only the build log: carry the workers' recent warnings and errors along.
            StringBuilder logs = new StringBuilder();
            for (ConnectWorker w : stack.workers()) {
                logs.append("\n--- ").append(w.process().log()).append(" (WARN/ERROR, last lines) ---\n")
                        .append(w.process().recentProblems(15));
            }
            throw new AssertionError("Timed out after " + DEADLINE.toSeconds() + " s waiting for " + what + logs, e);
        }
        @SuppressWarnings("unchecked")
        T t = (T) holder[0];
        return t;
    }
}
