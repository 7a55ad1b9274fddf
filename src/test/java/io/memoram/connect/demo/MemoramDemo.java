package io.memoram.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.memoram.connect.e2e.ConnectRest;
import io.memoram.connect.e2e.ConnectStack;
import io.memoram.connect.e2e.ConnectWorker;
import io.memoram.connect.e2e.ExampleConfigs;
import io.memoram.connect.e2e.KafkaDistribution;
import io.memoram.connect.e2e.KafkaTopics;
import io.memoram.connect.e2e.ProjectPaths;
import io.memoram.connect.e2e.Progress;
import io.memoram.connect.emulator.EmulatedAccessRequest;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The demo ({@code mvn -B -Pdemo}): the plugin archive installed in a real Kafka 4.4.0 Connect
 * worker, against the Memoram emulator, as a user would set it up. The source streams two
 * people's memories into Kafka, decrypted, then a third person's, who approves while the pipeline
 * runs (discovery, no config change); the sink turns a chat-history topic into encrypted
 * memories, which are read back and shown decrypted. Everything is stopped at the end.
 */
public final class MemoramDemo {
    static final String SOURCE = "memoram-source";
    static final String SINK = "memoram-sink";
    static final String MEMORIES_TOPIC = "memoram.memories";
    static final String ACCESS_TOPIC = "memoram.access";
    static final String SIGNAL_TOPIC = "memoram-signals";
    static final String CHAT_TOPIC = "chat-history";
    static final String DLQ_TOPIC = "memoram-sink-dlq";
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    private final Progress progress = new Progress(System.out);
    private final List<String> summary = new ArrayList<>();
    private String apiKey;

    public static void main(String[] args) throws Exception {
        quietClientLogging();
        new MemoramDemo().run();
    }

    void run() throws Exception {
        Path work = ProjectPaths.targetDir().resolve("demo");
        deleteRecursively(work);
        Files.createDirectories(work);
        System.out.println();
        System.out.println("=== kafka-connect-memoram demo: Memoram <-> Kafka " + KafkaDistribution.VERSION + " ===");
        System.out.println("    Process logs: " + ProjectPaths.projectDir().relativize(work) + "/");
        System.out.println();

        try (MemoramEmulator emulator = MemoramEmulator.start()) {
            progress.step("Started the Memoram emulator at " + emulator.baseUrl());
            apiKey = emulator.createApiKey();
            DemoData data = new DemoData(emulator);
            String adaRequest = emulator.grantAccess(apiKey, data.ada.user());
            progress.detail("seeded Ada and Grace with " + data.seeded.size() + " encrypted memories (Katherine with "
                    + data.seededLater.size() + "); Ada already approved access request " + adaRequest
                    + "; Grace has not been asked yet; Katherine signs up later");
            Path secrets = work.resolve("secrets/memoram-secrets.properties");
            Files.createDirectories(secrets.getParent());
            Files.writeString(secrets, "api.key=" + apiKey + "\n");

            try (ConnectStack stack = ConnectStack.start(work, progress)) {
                ConnectWorker worker = stack.startWorkers(List.of(stack.spec("connect-worker", "memoram-demo", "service_load",
                        Map.of("MEMORAM_MEMORY_KEYS", data.grace.user().memoryKey()), Map.of(), false, false)), progress).get(0);
                ConnectRest rest = worker.rest();
                listPlugins(rest);
                runSource(stack, rest, emulator, data, adaRequest, secrets);
                runSink(stack, rest, emulator, data, adaRequest, secrets);
                summary.add(0, String.format("Plugin   %s installed in plugin.path of a Kafka %s Connect worker"
                        + " (real processes: 1 KRaft broker, 1 distributed worker)",
                        ProjectPaths.projectDir().relativize(ProjectPaths.hubArchive()), KafkaDistribution.VERSION));
                summary.add("Secrets  API key through ${file:...}, Grace's memory key through ${env:...}: the REST API"
                        + " showed only the references");
                progress.step("Stopping: the Connect worker first, then the broker");
            }
            progress.step("Stopped the worker and the broker; stopping the emulator");
        }
        printSummary();
    }

    private void listPlugins(ConnectRest rest) {
        JsonNode plugins = rest.get("/connector-plugins").body();
        List<String> ours = new ArrayList<>();
        plugins.forEach(p -> {
            if (p.path("class").asText().startsWith("io.memoram.")) {
                ours.add(p.path("class").asText().replaceAll(".*\\.", "") + " " + p.path("version").asText());
            }
        });
        progress.detail("GET /connector-plugins lists " + String.join(", ", ours));
        if (ours.size() < 2) {
            throw new IllegalStateException("The worker did not load both Memoram connectors from the archive; see "
                    + "target/demo/connect-worker/connect-worker.log");
        }
    }

    private void runSource(ConnectStack stack, ConnectRest rest, MemoramEmulator emulator, DemoData data,
                           String adaRequest, Path secrets) throws InterruptedException {
        Map<String, String> config = ExampleConfigs.withSecretsFile(ExampleConfigs.source(), secrets);
        config.put("memoram.api.url", emulator.baseUrl());
        config.put("memoram.access.request.ids", adaRequest);
        config.put("poll.interval.ms", "2000");
        config.put("memoram.access.check.interval.ms", "1000");
        config.put("tasks.max", "1");
        // Everyone who approves a request with this pipeline's reason is streamed, listed or not.
        config.put("memoram.access.discovery", "reason");
        // Signals (re-stream on demand) through a topic of the same cluster; notifications go to the access topic.
        stack.broker().createTopic(SIGNAL_TOPIC, 1);
        config.put("memoram.signal.topic", SIGNAL_TOPIC);
        config.put("memoram.signal.bootstrap.servers", stack.broker().bootstrapServers());
        progress.step("Creating the source connector (config/memoram-source.json): Ada by her approved request id,"
                + " Grace by her memory key, and anyone who approves this pipeline's reason (memoram.access.discovery=reason)");
        check(rest.putConnector(SOURCE, config));
        ConnectRest.Response echoed = rest.get("/connectors/" + SOURCE + "/config");
        if (echoed.text().contains(apiKey) || echoed.text().contains(data.grace.user().memoryKey())) {
            throw new IllegalStateException("GET /connectors/" + SOURCE + "/config shows a secret instead of its reference");
        }
        progress.detail("the REST API shows only the secret references: memoram.api.key = "
                + echoed.body().path("memoram.api.key").asText());

        EmulatedAccessRequest filed = await("the source connector to file an access request for Grace's memory key",
                () -> failed(rest, SOURCE), () -> emulator.accessRequests().stream()
                        .filter(r -> r.memoryKey().equals(data.grace.user().memoryKey())).findFirst().orElse(null));
        progress.step("The connector filed access request " + filed.id() + " (" + filed.status() + "); Grace approves it"
                + " in her Memoram dashboard");
        emulator.approve(filed.id());

        Map<String, JsonNode> streamed = await("all " + data.seeded.size() + " memories in " + MEMORIES_TOPIC,
                () -> failed(rest, SOURCE), () -> {
                    Map<String, JsonNode> byId = memories(stack);
                    return byId.keySet().containsAll(data.seeded.keySet()) ? byId : null;
                });
        progress.step("The source streamed " + data.seeded.size() + " memories into " + MEMORIES_TOPIC
                + ", decrypted on the worker:");
        for (String id : data.seeded.keySet()) {
            JsonNode v = streamed.get(id);
            progress.detail(String.format("%-6s %-16s %s", data.nameOf(v.path("user_id").asText()), v.path("title").asText(),
                    v.path("content").asText()));
            if (!v.path("content").asText().equals(data.seeded.get(id)[2])) {
                throw new IllegalStateException("memory " + id + " arrived with content that differs from what was seeded");
            }
        }
        // A third person signs up while the pipeline runs: the application's onboarding files the request with
        // the pipeline's reason, she approves, and her memories arrive with no config change and no restart.
        String katherineRequest = emulator.requestAccess(apiKey, data.katherine.user(), config.get("memoram.access.request.reason"));
        progress.step("Katherine signs up while the pipeline runs: the app files access request " + katherineRequest
                + " with the pipeline's reason, and she approves it (no connector config change)");
        emulator.approve(katherineRequest);
        Map<String, JsonNode> hers = await("Katherine's " + data.seededLater.size() + " memories in " + MEMORIES_TOPIC,
                () -> failed(rest, SOURCE), () -> {
                    Map<String, JsonNode> byId = memories(stack);
                    return byId.keySet().containsAll(data.seededLater.keySet()) ? byId : null;
                });
        progress.step("Discovered: Katherine's memories arrived, decrypted:");
        for (String id : data.seededLater.keySet()) {
            JsonNode v = hers.get(id);
            progress.detail(String.format("%-9s %-16s %s", data.nameOf(v.path("user_id").asText()), v.path("title").asText(),
                    v.path("content").asText()));
            if (!v.path("content").asText().equals(data.seededLater.get(id)[2])) {
                throw new IllegalStateException("memory " + id + " arrived with content that differs from what was seeded");
            }
        }
        summary.add(String.format("Source   %d memories of 2 people -> %s, decrypted (Grace's access request filed"
                + " by the connector, then approved)", data.seeded.size(), MEMORIES_TOPIC));
        summary.add(String.format("Discover %d memories of Katherine, who approved while the pipeline ran: no config change,"
                + " no restart (memoram.access.discovery=reason)", data.seededLater.size()));
        restream(stack, rest, data);
    }

    private void runSink(ConnectStack stack, ConnectRest rest, MemoramEmulator emulator, DemoData data,
                         String adaRequest, Path secrets) throws InterruptedException {
        stack.broker().createTopic(CHAT_TOPIC, 2);
        progress.step("Producing " + DemoData.CHAT_MESSAGES.size() + " chat messages and 1 malformed record to " + CHAT_TOPIC);
        for (String[] m : DemoData.CHAT_MESSAGES) {
            KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT_TOPIC, m[0], Map.of(
                    "user_id", data.byName(m[1]).user().userId(), "title", m[2], "content", m[3], "tags", List.of("chat")));
        }
        KafkaTopics.produce(stack.broker().bootstrapServers(), CHAT_TOPIC, "chat-broken",
                Map.of("user_id", data.ada.user().userId(), "title", "no content field"));

        Map<String, String> config = ExampleConfigs.withSecretsFile(ExampleConfigs.sink(), secrets);
        config.put("memoram.api.url", emulator.baseUrl());
        config.put("memoram.access.request.ids", adaRequest);
        config.put("tasks.max", "2");
        progress.step("Creating the sink connector (config/memoram-sink.json): " + CHAT_TOPIC + " -> Memoram, dead letters to "
                + DLQ_TOPIC);
        check(rest.putConnector(SINK, config));

        List<String> userIds = List.of(data.ada.user().userId(), data.grace.user().userId());
        List<StoredBlob> written = await("the sink to write " + DemoData.CHAT_MESSAGES.size() + " memories",
                () -> failed(rest, SINK), () -> {
                    List<StoredBlob> blobs = userIds.stream().flatMap(u -> emulator.blobs(u).stream())
                            .filter(b -> !data.seeded.containsKey(b.id())).toList();
                    return blobs.size() >= DemoData.CHAT_MESSAGES.size() ? blobs : null;
                });
        progress.step("The sink wrote " + written.size() + " memories, encrypted before they left the worker:");
        for (StoredBlob b : written) {
            progress.detail(String.format("%-6s %-26s stored as %s", data.nameOf(b.userId()), b.title(), abbreviate(b.content(), 40)));
            if (b.content().contains(" ") || !emulator.decrypt(b.userId(), b.content()).equals(messageFor(b.title()))) {
                throw new IllegalStateException("memory " + b.id() + " was not stored sealed with the user's key");
            }
        }

        List<KafkaTopics.Record> dead = await("the malformed record in " + DLQ_TOPIC, () -> failed(rest, SINK), () -> {
            List<KafkaTopics.Record> r = KafkaTopics.readAll(stack.broker().bootstrapServers(), DLQ_TOPIC);
            return r.isEmpty() ? null : r;
        });
        String reason = dead.get(0).headers().getOrDefault("__connect.errors.exception.message", "(no reason header)");
        progress.detail("dead letter queue: " + dead.size() + " record, reason: " + abbreviate(reason, 100));

        Map<String, JsonNode> readBack = await("the source to stream the new memories back", () -> failed(rest, SOURCE), () -> {
            Map<String, JsonNode> byId = memories(stack);
            return written.stream().allMatch(b -> byId.containsKey(b.id())) ? byId : null;
        });
        progress.step("Read back through the source connector, decrypted:");
        for (StoredBlob b : written) {
            JsonNode v = readBack.get(b.id());
            progress.detail(String.format("%-6s %-26s %s", data.nameOf(v.path("user_id").asText()), v.path("title").asText(),
                    v.path("content").asText()));
        }
        summary.add(String.format("Sink     %d chat messages -> %d encrypted memories, read back decrypted;"
                + " %d malformed record -> %s", DemoData.CHAT_MESSAGES.size(), written.size(), dead.size(), DLQ_TOPIC));
    }

    /** A re-stream of Ada on demand: one signal, her memories again as re-reads (op r), and its notification. */
    private void restream(ConnectStack stack, ConnectRest rest, DemoData data) {
        String ada = data.ada.user().userId();
        String signal = "{\"id\":\"demo-restream-1\",\"type\":\"restream\",\"data\":{\"users\":[\"" + ada + "\"]}}";
        progress.step("A downstream store lost Ada's rows: one signal to " + SIGNAL_TOPIC + " asks for a re-stream of her memories: "
                + signal);
        KafkaTopics.produce(stack.broker().bootstrapServers(), SIGNAL_TOPIC, SOURCE, signal);
        JsonNode done = await("the restream_complete notification of demo-restream-1 in " + ACCESS_TOPIC, () -> failed(rest, SOURCE),
                () -> KafkaTopics.readAll(stack.broker().bootstrapServers(), ACCESS_TOPIC).stream().map(KafkaTopics.Record::value)
                        .filter(v -> "restream_complete".equals(v.path("type").asText())
                                && "demo-restream-1".equals(v.path("signal_id").asText()))
                        .findFirst().orElse(null));
        long rereads = KafkaTopics.readAll(stack.broker().bootstrapServers(), MEMORIES_TOPIC).stream()
                .filter(r -> "r".equals(r.headers().get("memoram.op")) && ada.equals(r.value().path("user_id").asText())).count();
        progress.detail("notification: " + done);
        progress.detail(rereads + " of Ada's memories emitted again with memoram.op=r; the connector kept running");
        if (rereads != done.path("blobs").asLong()) {
            throw new IllegalStateException("the notification counts " + done.path("blobs") + " re-read memories but "
                    + rereads + " arrived with memoram.op=r");
        }
        summary.add(String.format("Restream %d memories of Ada on one signal, done when its notification said so"
                + " (memoram.signal.topic)", rereads));
    }

    private static String messageFor(String title) {
        return DemoData.CHAT_MESSAGES.stream().filter(m -> m[2].equals(title)).map(m -> m[3]).findFirst().orElse("?");
    }

    /** The latest value of every memory in the topic, by blob id. */
    private static Map<String, JsonNode> memories(ConnectStack stack) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (KafkaTopics.Record r : KafkaTopics.readAll(stack.broker().bootstrapServers(), MEMORIES_TOPIC)) {
            if (!r.tombstone()) {
                byId.put(r.value().path("id").asText(), r.value());
            }
        }
        return byId;
    }

    private static String failed(ConnectRest rest, String connector) {
        JsonNode status = rest.status(connector);
        if (status.isMissingNode() || status.path("connector").isMissingNode()) {
            return null;
        }
        return rest.failure(connector);
    }

    /** Polls {@code value} until it is non-null; stops at once when {@code failure} reports one. */
    private <T> T await(String what, Callable<String> failure, Callable<T> value) {
        progress.detail("waiting for " + what + " ...");
        Object[] holder = new Object[1];
        try {
            Awaitility.await(what).atMost(STEP_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String failed = failure.call();
                        if (failed != null) {
                            throw new IllegalStateException("Gave up waiting for " + what + ": " + abbreviate(failed, 2000));
                        }
                        holder[0] = value.call();
                        return holder[0] != null;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Timed out after " + STEP_TIMEOUT.toSeconds() + " s waiting for " + what
                    + "; the worker's log is in target/demo/connect-worker/", e);
        }
        @SuppressWarnings("unchecked")
        T t = (T) holder[0];
        return t;
    }

    private static void check(ConnectRest.Response r) {
        if (!r.ok()) {
            throw new IllegalStateException("Connect REST call failed with HTTP " + r.status() + ": " + r.text());
        }
    }

    private void printSummary() {
        System.out.println();
        System.out.println("=== Summary ===");
        summary.forEach(line -> System.out.println("  " + line));
        System.out.printf(java.util.Locale.ROOT, "  Done in %.0f s; worker, broker and emulator stopped. Logs: target/demo/%n",
                progress.elapsedSeconds());
        System.out.println();
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "";
        }
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }

    private static void quietClientLogging() {
        // The demo's own Kafka clients only need to speak up when something is really wrong.
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.kafka", org.apache.logging.log4j.Level.ERROR);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
