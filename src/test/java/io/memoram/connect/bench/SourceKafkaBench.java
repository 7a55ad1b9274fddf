package io.memoram.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The source with Kafka in the loop (issue 17): {@code mvn -B -Pbench -Dbench.only=source-kafka}.
 * The connector's task runs on an embedded Connect worker with a broker in this JVM (the project's
 * {@link ConnectClusterExtension} settings: offsets flushed every 500 ms, schemaless JSON as in
 * {@link SourceKit#config}); the baseline is a plain JDK client that pages each user, opens every
 * blob with the same cipher ({@code aes-gcm} of the plugin) and produces the blob as JSON (Jackson,
 * same fields) to a topic of the same broker with {@code acks=all}, the same number of users in flight.
 *
 * <p>Rate: from the first record in the topic to the last (a watcher reads the topic's end offset),
 * so that the connector's start-up is not counted, only the pull. CPU per blob: the threads of the
 * task (its pipeline, its HTTP client, the task thread, its producer's network thread and the
 * worker's offset commits) against the baseline's (its threads, HTTP client and producer), and the
 * whole process (broker and emulator included) for both, since the emulator competes for the cores.
 */
final class SourceKafkaBench {
    static final String BEGIN = "<!-- source-kafka:begin -->";
    static final String END = "<!-- source-kafka:end -->";
    static final int USERS = Integer.getInteger("bench.kafka.users", 20);
    static final int BLOBS = Integer.getInteger("bench.kafka.blobs", 2_000);
    static final int PAGE = 100;
    static final int IN_FLIGHT = 8;
    static final int CONTENT_BYTES = 1024;
    static final List<Integer> LATENCIES_MS = List.of(0, 50);
    static final double TARGET_50_MS = 0.7;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Threads of the connector's task (the pipeline, its client, the task, its producer, offset commits). */
    private static final Predicate<String> TASK_THREADS = n -> n.startsWith("memoram-source") || n.startsWith("task-thread-")
            || n.contains("connector-producer-") || n.startsWith("HttpClient-") || n.startsWith("SourceTaskOffsetCommitter");
    /** Threads of the plain client (its pool, its HTTP client, its producer). */
    private static final Predicate<String> BASELINE_THREADS = n -> n.startsWith("plain-source-") || n.startsWith("HttpClient-")
            || n.contains("plain-source-producer");
    private static final Predicate<String> EMULATOR_THREADS = n -> n.startsWith("memoram-emulator-");

    record Side(double blobsPerSecond, double ownCpuMicros, double processCpuMicros, double emulatorCpuMicros) { }

    record Row(int latencyMs, Side baseline, Side pipeline) {
        double ratio() {
            return pipeline.blobsPerSecond() / baseline.blobsPerSecond();
        }
    }

    private SourceKafkaBench() { }

    static void runAndSplice(Path doc) throws Exception {
        String loadBefore = BenchMain.loadAverage();
        List<Row> rows = new ArrayList<>();
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(PAGE);
            String apiKey = emu.createApiKey();
            log("populating " + USERS + " x " + BLOBS);
            Map<String, EmulatedUser> users = SourceScaleBench.populate(emu, apiKey, USERS, BLOBS, CONTENT_BYTES, 17);
            EmbeddedConnectCluster connect = ConnectClusterExtension.startUnmanaged("source-kafka-bench", 1);
            try {
                String bootstrap = connect.kafka().bootstrapServers();
                int run = 0;
                // The first round warms the JIT (both sides, in this JVM); only the latencies after it are reported.
                List<Integer> rounds = new ArrayList<>();
                rounds.add(0);
                rounds.addAll(LATENCIES_MS);
                for (int i = 0; i < rounds.size(); i++) {
                    int latency = rounds.get(i);
                    emu.latency(Duration.ofMillis(latency));
                    log((i == 0 ? "warm-up, " : "") + "latency " + latency + " ms: baseline");
                    Side base = baseline(emu, apiKey, users, bootstrap, connect, "plain" + run);
                    log("latency " + latency + " ms: connector");
                    Side pipe = pipeline(emu, apiKey, users, connect, "pipe" + run);
                    run++;
                    Row row = new Row(latency, base, pipe);
                    log(String.format(Locale.ROOT, "%d ms: baseline %,.0f blobs/s %.0f us/blob, connector %,.0f blobs/s %.0f us/blob, ratio %.2f",
                            latency, base.blobsPerSecond(), base.ownCpuMicros(), pipe.blobsPerSecond(), pipe.ownCpuMicros(), row.ratio()));
                    if (i > 0) {
                        rows.add(row);
                    }
                }
            } finally {
                connect.stop();
            }
        }
        String block = render(rows, loadBefore, BenchMain.loadAverage());
        System.out.println(block);
        DocSection.splice(doc, BEGIN, END, block);
        log("wrote the source-kafka section of " + doc);
    }

    // --- the baseline: page, open, produce ---

    static Side baseline(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, String bootstrap,
                         EmbeddedConnectCluster connect, String prefix) throws Exception {
        String topic = prefix + ".memories";
        connect.kafka().createTopic(topic, 1);
        String token;
        try (MemoramClient c = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey)).build())) {
            token = c.issueToken().token();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ContentCipher cipher = ContentCiphers.forName("aes-gcm");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("client.id", "plain-source-producer");
        p.put("max.request.size", Integer.toString(ConnectClusterExtension.MAX_MESSAGE_BYTES));
        ConcurrentLinkedQueue<EmulatedUser> queue = new ConcurrentLinkedQueue<>(users.values());
        AtomicReference<Exception> failure = new AtomicReference<>();
        long expected = (long) users.size() * BLOBS;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             Watcher watcher = new Watcher(bootstrap, topic, expected)) {
            Snapshot cpu0 = Snapshot.take();
            List<Thread> threads = new ArrayList<>();
            // The threads live until measured: a thread's CPU time is gone once it ends.
            java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < IN_FLIGHT; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        for (EmulatedUser u = queue.poll(); u != null && failure.get() == null; u = queue.poll()) {
                            pull(emu, http, token, cipher, producer, topic, u);
                        }
                        measured.await();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }, "plain-source-" + t);
                threads.add(thread);
                thread.start();
            }
            watcher.awaitAll(Duration.ofMinutes(10), failure);
            // Measured while the baseline's threads still live (a thread's CPU is gone once it ends).
            Snapshot cpu1 = Snapshot.take();
            measured.countDown();
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            return side(watcher, cpu0, cpu1, BASELINE_THREADS, expected);
        }
    }

    private static void pull(MemoramEmulator emu, HttpClient http, String token, ContentCipher cipher,
                             KafkaProducer<byte[], byte[]> producer, String topic, EmulatedUser u) throws Exception {
        EncryptionKey key = EncryptionKey.fromHex(u.encryptionKeyHex(), u.keyVersion());
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        String cursor = null;
        do {
            String uri = emu.baseUrl() + "/memory-blobs?user_id=" + u.userId() + "&limit=" + PAGE
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("baseline: HTTP " + resp.statusCode());
            }
            JsonNode page = JSON.readTree(resp.body());
            for (JsonNode blob : page.get("memoryBlobs")) {
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("id", blob.path("id").asText());
                value.put("user_id", u.userId());
                value.put("title", text(blob, "title"));
                value.put("summary", text(blob, "summary"));
                value.put("content", cipher.open(blob.get("content").asText(), key));
                value.put("tags", blob.get("tags"));
                value.put("tag_ids", blob.get("tag_ids"));
                value.put("importance", blob.path("importance").isNumber() ? blob.get("importance").asDouble() : null);
                value.put("confidence", blob.path("confidence").isNumber() ? blob.get("confidence").asDouble() : null);
                value.put("source", text(blob, "source"));
                value.put("created_at", millis(blob, "created_at"));
                value.put("updated_at", millis(blob, "updated_at"));
                value.put("key_version", u.keyVersion());
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("user_id", u.userId());
                k.put("id", value.get("id"));
                producer.send(new ProducerRecord<>(topic, JSON.writeValueAsBytes(k), JSON.writeValueAsBytes(value)), (md, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
            }
            JsonNode next = page.get("next_cursor");
            cursor = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
        } while (cursor != null);
        if (sendFailure.get() != null) {
            throw sendFailure.get();
        }
    }

    private static String text(JsonNode blob, String field) {
        JsonNode n = blob.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Long millis(JsonNode blob, String field) {
        String s = text(blob, field);
        return s == null ? null : java.time.Instant.parse(s).toEpochMilli();
    }

    // --- the connector on the worker ---

    static Side pipeline(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, EmbeddedConnectCluster connect,
                         String prefix) throws Exception {
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", String.join(",", users.keySet()));
        config.put("memoram.page.size", Integer.toString(PAGE));
        config.put("memoram.max.in.flight.requests", Integer.toString(IN_FLIGHT));
        config.put("memoram.tags.enabled", "false");
        config.put("poll.interval.ms", "3600000");
        config.put("memoram.access.check.interval.ms", "3600000");
        config.put("memoram.http.request.timeout.ms", "120000");
        String name = "bench-" + prefix;
        long expected = (long) users.size() * BLOBS;
        try (Watcher watcher = new Watcher(connect.kafka().bootstrapServers(), prefix + ".memories", expected)) {
            Snapshot cpu0 = Snapshot.take();
            connect.configureConnector(name, config);
            watcher.awaitAll(Duration.ofMinutes(10), new AtomicReference<>());
            Snapshot cpu1 = Snapshot.take();
            connect.deleteConnector(name);
            return side(watcher, cpu0, cpu1, TASK_THREADS, expected);
        }
    }

    // --- measuring ---

    private static Side side(Watcher w, Snapshot before, Snapshot after, Predicate<String> own, long blobs) {
        double seconds = (w.lastNanos - w.firstNanos) / 1e9;
        long ownCpu = after.sum(before, own);
        long emulator = after.sum(before, EMULATOR_THREADS);
        long process = after.process - before.process;
        if (Boolean.getBoolean("bench.kafka.threads")) {
            after.printGroups(before, blobs);
        }
        return new Side((blobs - 1) / seconds, ownCpu / 1e3 / blobs, process / 1e3 / blobs, emulator / 1e3 / blobs);
    }

    /** CPU time of every live thread, by id, with its name. */
    private record Snapshot(Map<Long, Long> cpu, Map<Long, String> names, long process) {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        static Snapshot take() {
            Map<Long, Long> cpu = new HashMap<>();
            Map<Long, String> names = new HashMap<>();
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info != null) {
                    long t = THREADS.getThreadCpuTime(info.getThreadId());
                    if (t >= 0) {
                        cpu.put(info.getThreadId(), t);
                        names.put(info.getThreadId(), info.getThreadName());
                    }
                }
            }
            return new Snapshot(cpu, names, CpuMeter.processCpuNanos());
        }

        /** CPU per blob by thread name with the digits taken out, the largest first (-Dbench.kafka.threads=true). */
        void printGroups(Snapshot before, long blobs) {
            Map<String, Long> groups = new HashMap<>();
            cpu.forEach((id, t) -> groups.merge(names.get(id).replaceAll("[0-9]+", "N"), t - before.cpu.getOrDefault(id, 0L), Long::sum));
            groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> log(String.format(Locale.ROOT, "  %6.1f us/blob %s", e.getValue() / 1e3 / blobs, e.getKey())));
        }

        long sum(Snapshot before, Predicate<String> which) {
            long total = 0;
            for (Map.Entry<Long, Long> e : cpu.entrySet()) {
                if (which.test(names.get(e.getKey()))) {
                    total += e.getValue() - before.cpu.getOrDefault(e.getKey(), 0L);
                }
            }
            return total;
        }
    }

    /** Reads a one-partition topic's end offset every 10 ms: when the first record and the last one arrived. */
    private static final class Watcher implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicPartition tp;
        private final long expected;
        long firstNanos;
        long lastNanos;

        Watcher(String bootstrap, String topic, long expected) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("client.id", "bench-watcher");
            p.put("group.id", "bench-watcher-" + topic);
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.tp = new TopicPartition(topic, 0);
            this.expected = expected;
        }

        void awaitAll(Duration max, AtomicReference<Exception> failure) throws Exception {
            long deadline = System.nanoTime() + max.toNanos();
            while (true) {
                long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).getOrDefault(tp, 0L);
                long now = System.nanoTime();
                if (end > 0 && firstNanos == 0) {
                    firstNanos = now;
                }
                if (end >= expected) {
                    lastNanos = now;
                    return;
                }
                if (failure.get() != null) {
                    throw failure.get();
                }
                if (now > deadline) {
                    throw new IllegalStateException(tp + " holds " + end + " records after " + max + ", expected " + expected);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    // --- the report block ---

    static String render(List<Row> rows, String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder(BEGIN).append("\n## Source with Kafka in the loop: the connector on a worker against a plain producer\n\n");
        md.append("<!-- Generated by `mvn -B -Pbench -Dbench.only=source-kafka` (io.memoram.connect.bench.SourceKafkaBench). -->\n\n");
        md.append(String.format(Locale.ROOT, "%d users x %,d blobs of %d bytes, pages of %d, %d calls in flight, tags off; one broker, one\n"
                + "Connect worker (offsets flushed every 500 ms) and the emulator in this JVM. **Connector**: the source connector\n"
                + "(one task) with schemaless JSON converters. **Baseline**: a plain JDK `HttpClient` paging each user, the\n"
                + "plugin's `aes-gcm` opening each blob, Jackson writing the same fields as JSON, a `KafkaProducer` with\n"
                + "`acks=all` to a topic of the same broker. Rate from the first record in the topic to the last. CPU per blob:\n"
                + "*own* is the threads of the task (pipeline, HTTP client, task thread, producer, offset commits) or of the\n"
                + "baseline (its threads, HTTP client, producer); *process* is the whole JVM (broker, worker, emulator, GC).\n"
                + "Load average (1, 5, 15 min) %s at the start, %s at the end. A warm-up round at 0 ms ran first.\n\n",
                USERS, BLOBS, CONTENT_BYTES, PAGE, IN_FLIGHT, loadBefore, loadAfter));
        md.append("| latency | baseline blobs/s | connector blobs/s | ratio | own CPU µs/blob: baseline | connector | ratio "
                + "| process CPU µs/blob: baseline | connector | emulator µs/blob: baseline | connector |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d ms | %,.0f | %,.0f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %.0f |\n",
                    r.latencyMs(), r.baseline().blobsPerSecond(), r.pipeline().blobsPerSecond(), r.ratio(),
                    r.baseline().ownCpuMicros(), r.pipeline().ownCpuMicros(), r.pipeline().ownCpuMicros() / r.baseline().ownCpuMicros(),
                    r.baseline().processCpuMicros(), r.pipeline().processCpuMicros(),
                    r.baseline().emulatorCpuMicros(), r.pipeline().emulatorCpuMicros()));
        }
        md.append("\n**Target** (issue 17): at 50 ms, at least ").append(TARGET_50_MS).append(" of the baseline's rate: ");
        for (Row r : rows) {
            if (r.latencyMs() == 50) {
                md.append(String.format(Locale.ROOT, "%.2f, **%s**.", r.ratio(), r.ratio() >= TARGET_50_MS ? "met"
                        : String.format(Locale.ROOT, "missed by %.0f %%", 100 * (1 - r.ratio() / TARGET_50_MS))));
            }
        }
        md.append("\n").append(END);
        return md.toString();
    }

    private static void log(String what) {
        System.out.println("[bench] " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " source-kafka: " + what);
    }
}
