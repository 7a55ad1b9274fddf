package io.memoram.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.Secret;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.Fakes;
import io.memoram.connect.source.MemoramSourceTask;
import io.memoram.connect.source.SourceBenchAccess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The source at scale (issue 9): the pipeline against a plain client, the idle cycle, and many
 * users on one task. Runs alone with {@code mvn -B -Pbench -Dbench.only=source} and rewrites only
 * the block between the source-scale markers of docs/benchmarks.md.
 *
 * <p>The baseline is what a hand-written client would do without Kafka or Connect: a bare JDK
 * {@link HttpClient} with a JWT, paging each user's {@code GET /memory-blobs} in cursor order,
 * Jackson's tree for the JSON and the JDK's AES-GCM for each blob, with the same number of users
 * in flight as the pipeline's calls. Both run in this JVM against the same emulator, one after the
 * other, so their ratio is what to read.
 */
final class SourceScaleBench {
    static final String BEGIN = "<!-- source-scale:begin -->";
    static final String END = "<!-- source-scale:end -->";
    static final int USERS = 20;
    static final int BLOBS = 2_000;
    static final int PAGE = 100;
    static final int CONTENT_BYTES = 1024;
    static final List<Integer> IN_FLIGHT = List.of(1, 8, 16);
    static final List<Integer> LATENCIES_MS = List.of(0, 50);
    static final int SCALE_USERS = Integer.getInteger("bench.scale.users", 1_000);
    static final int SCALE_BLOBS = Integer.getInteger("bench.scale.blobs", 1_000);
    static final int SCALE_CONTENT_BYTES = 200;

    /** One row: rates, and CPU per blob of the client side (every thread but the emulator's) and of the emulator. */
    record Throughput(int latencyMs, int inFlight, double baselineBlobsPerSecond, double pipelineBlobsPerSecond,
                      double baselineCpuMicros, double pipelineCpuMicros, double baselineServerMicros, double pipelineServerMicros) {
        double ratio() {
            return pipelineBlobsPerSecond / baselineBlobsPerSecond;
        }

        double cpuRatio() {
            return pipelineCpuMicros / baselineCpuMicros;
        }
    }

    /** A measured run: blobs per second, and CPU used while it ran. */
    record Measured(double blobsPerSecond, CpuMeter.Used cpu, long blobs) {
        double workerMicrosPerBlob() {
            return cpu.workerNanos() / 1e3 / blobs;
        }

        double serverMicrosPerBlob() {
            return cpu.serverNanos() / 1e3 / blobs;
        }
    }

    record Scale(int users, int blobsPerUser, double loadSeconds, long loadCalls, double idleSeconds, long idleCalls,
                 long heapBytes) {
        long blobs() {
            return (long) users * blobsPerUser;
        }
    }

    private SourceScaleBench() { }

    /**
     * {@code -Dbench.only=source-rows}: only the throughput rows, printed (no file written), for
     * profiling: {@code -Dbench.rows.latencies=0 -Dbench.rows.inflight=8 -Dbench.rows.repeat=3}.
     */
    static void rowsOnly() throws Exception {
        List<Integer> latencies = ints(System.getProperty("bench.rows.latencies", "0,50"));
        List<Integer> inFlights = ints(System.getProperty("bench.rows.inflight", "8"));
        int repeat = Integer.getInteger("bench.rows.repeat", 1);
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(PAGE);
            String apiKey = emu.createApiKey();
            Map<String, EmulatedUser> users = populate(emu, apiKey, USERS, BLOBS, CONTENT_BYTES, 11);
            warmUp(emu, apiKey, users);
            for (int r = 0; r < repeat; r++) {
                for (Throughput t : rows(emu, apiKey, users, latencies, inFlights)) {
                    System.out.println(row(t));
                }
            }
        }
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    private static List<Throughput> rows(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users,
                                         List<Integer> latencies, List<Integer> inFlights) throws Exception {
        List<Throughput> throughput = new ArrayList<>();
        for (int latency : latencies) {
            emu.latency(Duration.ofMillis(latency));
            for (int inFlight : inFlights) {
                log("latency " + latency + " ms, in flight " + inFlight);
                Measured base = baselineMeasured(emu, apiKey, users, inFlight);
                Measured pipe = pipelineMeasured(emu, apiKey, users, inFlight);
                throughput.add(new Throughput(latency, inFlight, base.blobsPerSecond(), pipe.blobsPerSecond(),
                        base.workerMicrosPerBlob(), pipe.workerMicrosPerBlob(), base.serverMicrosPerBlob(), pipe.serverMicrosPerBlob()));
            }
        }
        return throughput;
    }

    static String row(Throughput t) {
        return String.format(Locale.ROOT, "| %d ms | %d | %,.0f | %,.0f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f |", t.latencyMs(), t.inFlight(),
                t.baselineBlobsPerSecond(), t.pipelineBlobsPerSecond(), t.ratio(), t.baselineCpuMicros(), t.pipelineCpuMicros(),
                t.cpuRatio(), t.baselineServerMicros(), t.pipelineServerMicros());
    }

    static void runAndSplice(Path doc) throws Exception {
        List<Throughput> throughput;
        double idleCycle;
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(PAGE);
            String apiKey = emu.createApiKey();
            Map<String, EmulatedUser> users = populate(emu, apiKey, USERS, BLOBS, CONTENT_BYTES, 11);
            warmUp(emu, apiKey, users);
            throughput = rows(emu, apiKey, users, LATENCIES_MS, IN_FLIGHT);
            emu.latency(Duration.ofMillis(50));
            log("idle cycle 20 x 2,000 at 50 ms, 8 in flight");
            Fakes.Offsets offsets = new Fakes.Offsets();
            pipeline(emu, apiKey, users, 8, offsets);
            idleCycle = pipeline(emu, apiKey, users, 8, offsets).seconds;
        }
        log("scale run " + SCALE_USERS + " x " + SCALE_BLOBS);
        Scale scale = scale(SCALE_USERS, SCALE_BLOBS);
        String block = render(throughput, idleCycle, scale);
        DocSection.splice(doc, BEGIN, END, block);
        log("wrote the source-scale section of " + doc);
    }

    // --- data ---

    static Map<String, EmulatedUser> populate(MemoramEmulator emu, String apiKey, int users, int blobs, int bytes, long seed) {
        Map<String, EmulatedUser> out = new LinkedHashMap<>();
        Random random = new Random(seed);
        for (int u = 0; u < users; u++) {
            EmulatedUser user = emu.createUser();
            for (int i = 0; i < blobs; i++) {
                emu.putBlob(user.userId(), BenchData.text(bytes, random), "title " + i, List.of("bench", "t" + (i % 8)));
            }
            out.put(emu.grantAccess(apiKey, user), user);
        }
        return out;
    }

    private static void warmUp(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users) throws Exception {
        log("warm-up");
        baseline(emu, apiKey, users, 8);
        pipeline(emu, apiKey, users, 8, null);
    }

    // --- the baseline: bare JDK HttpClient, Jackson tree, JDK AES-GCM ---

    static double baseline(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, int inFlight) throws Exception {
        return baselineMeasured(emu, apiKey, users, inFlight).blobsPerSecond();
    }

    static Measured baselineMeasured(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, int inFlight) throws Exception {
        String token;
        try (MemoramClient c = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey)).build())) {
            token = c.issueToken().token();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        ConcurrentLinkedQueue<EmulatedUser> queue = new ConcurrentLinkedQueue<>(users.values());
        AtomicLong opened = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        CpuMeter.Snapshot cpu0 = CpuMeter.snapshot();
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            done.add(pool.submit(() -> {
                for (EmulatedUser u = queue.poll(); u != null; u = queue.poll()) {
                    SecretKeySpec key = new SecretKeySpec(HexFormat.of().parseHex(u.encryptionKeyHex()), "AES");
                    String cursor = null;
                    do {
                        String uri = emu.baseUrl() + "/memory-blobs?user_id=" + u.userId() + "&limit=" + PAGE
                                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                        HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(URI.create(uri))
                                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (resp.statusCode() != 200) {
                            throw new IllegalStateException("baseline: HTTP " + resp.statusCode());
                        }
                        JsonNode page = json.readTree(resp.body());
                        for (JsonNode blob : page.get("memoryBlobs")) {
                            byte[] raw = Base64.getDecoder().decode(blob.get("content").asText());
                            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, 12));
                            byte[] plain = gcm.doFinal(raw, 12, raw.length - 12);
                            if (StandardCharsets.UTF_8.decode(ByteBuffer.wrap(plain)).length() > 0) {
                                opened.incrementAndGet();
                            }
                        }
                        JsonNode next = page.get("next_cursor");
                        cursor = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
                    } while (cursor != null);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        CpuMeter.Used used = CpuMeter.since(cpu0); // before the pool's threads end
        pool.shutdown();
        long expected = users.size() * (long) BLOBS;
        if (opened.get() != expected) {
            throw new IllegalStateException("baseline opened " + opened.get() + " blobs, expected " + expected);
        }
        return new Measured(expected / seconds, used, expected);
    }

    // --- the pipeline: the real task, offsets in a map ---

    record Run(double seconds, double blobsPerSecond, long records) { }

    /** A first pass over every user from empty offsets, with the CPU it used (measured before the task's threads end). */
    static Measured pipelineMeasured(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, int inFlight)
            throws InterruptedException {
        Map<String, String> requestUsers = new LinkedHashMap<>();
        users.forEach((r, u) -> requestUsers.put(r, u.userId()));
        Map<String, String> config = connector(emu, apiKey, requestUsers, inFlight);
        MemoramSourceTask task = new MemoramSourceTask();
        CpuMeter.Snapshot cpu0 = CpuMeter.snapshot();
        long t0 = System.nanoTime();
        Driven d = drive(task, SourceBenchAccess.taskConfig(config, requestUsers), new Fakes.Offsets(), users.size());
        double seconds = (d.endNanos() - t0) / 1e9;
        CpuMeter.Used used = CpuMeter.since(cpu0);
        task.stop();
        long blobs = (long) users.size() * BLOBS;
        return new Measured(blobs / seconds, used, blobs);
    }

    /** A task's first pass over every user (from {@code offsets} when given, which it then updates). */
    static Run pipeline(MemoramEmulator emu, String apiKey, Map<String, EmulatedUser> users, int inFlight, Fakes.Offsets offsets)
            throws InterruptedException {
        Map<String, String> requestUsers = new LinkedHashMap<>();
        users.forEach((r, u) -> requestUsers.put(r, u.userId()));
        Map<String, String> config = connector(emu, apiKey, requestUsers, inFlight);
        Fakes.Offsets store = offsets != null ? offsets : new Fakes.Offsets();
        MemoramSourceTask task = new MemoramSourceTask();
        long t0 = System.nanoTime();
        Driven d = drive(task, SourceBenchAccess.taskConfig(config, requestUsers), store, users.size());
        double seconds = (d.endNanos() - t0) / 1e9;
        task.stop();
        long blobs = (long) users.size() * BLOBS;
        return new Run(seconds, blobs / seconds, d.records());
    }

    static Map<String, String> connector(MemoramEmulator emu, String apiKey, Map<String, String> requestUsers, int inFlight) {
        return sourceConnector("bench-source-scale", emu, apiKey, requestUsers, PAGE, inFlight, 120_000);
    }

    /**
     * A source connector on the emulator for the benches: no tags, and passes and access checks an
     * hour apart, so that only the pass a bench drives itself is measured.
     */
    static Map<String, String> sourceConnector(String name, MemoramEmulator emu, String apiKey, Map<String, String> requestUsers,
                                               int page, int inFlight, long requestTimeoutMs) {
        Map<String, String> connector = new HashMap<>();
        connector.put("name", name);
        connector.put("memoram.api.url", emu.baseUrl());
        connector.put("memoram.api.key", apiKey);
        connector.put("memoram.access.request.ids", String.join(",", requestUsers.keySet()));
        connector.put("topic.prefix", "bench");
        connector.put("memoram.page.size", Integer.toString(page));
        connector.put("memoram.max.in.flight.requests", Integer.toString(inFlight));
        connector.put("memoram.tags.enabled", "false");
        connector.put("poll.interval.ms", "3600000");
        connector.put("memoram.access.check.interval.ms", "3600000");
        connector.put("memoram.http.request.timeout.ms", Long.toString(requestTimeoutMs));
        return connector;
    }

    /** Records handed over, and when the last of them was (or the last pass ended, if later). */
    record Driven(long records, long endNanos) { }

    /** Starts the task and polls until every user completed one pass and nothing is left; commits every offset. */
    static Driven drive(MemoramSourceTask task, Map<String, String> config, Fakes.Offsets offsets, int users)
            throws InterruptedException {
        task.initialize(new Fakes.TaskContext(config, offsets));
        task.start(config);
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long records = 0;
        long end = 0;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the source task did not catch up within 20 minutes");
            }
            boolean done = SourceBenchAccess.passesCompleted(task) >= users;
            if (done && end == 0) {
                end = System.nanoTime();
            }
            List<SourceRecord> batch = io.memoram.connect.source.Fakes.pollCommitted(task);
            if (batch == null) {
                if (done) {
                    // An empty poll after the last pass ended: everything was handed over. Its idle wait is not counted.
                    return new Driven(records, end);
                }
                continue;
            }
            records += batch.size();
            for (SourceRecord r : batch) {
                @SuppressWarnings("unchecked")
                Map<String, Object> offset = (Map<String, Object>) r.sourceOffset();
                offsets.stored.put(r.sourcePartition(), offset);
            }
            if (done) {
                end = System.nanoTime();
            }
        }
    }

    // --- the scale run ---

    static Scale scale(int users, int blobs) throws Exception {
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(PAGE);
            String apiKey = emu.createApiKey();
            Map<String, EmulatedUser> all = populate(emu, apiKey, users, blobs, SCALE_CONTENT_BYTES, 13);
            Map<String, String> requestUsers = new LinkedHashMap<>();
            all.forEach((r, u) -> requestUsers.put(r, u.userId()));
            Map<String, String> config = SourceBenchAccess.taskConfig(connector(emu, apiKey, requestUsers, 16), requestUsers);
            Fakes.Offsets offsets = new Fakes.Offsets();

            int calls0 = emu.requestCount(null, null);
            MemoramSourceTask task = new MemoramSourceTask();
            long t0 = System.nanoTime();
            double load = (drive(task, config, offsets, users).endNanos() - t0) / 1e9;
            int calls1 = emu.requestCount(null, null);
            // The task's own state: heap with the loaded task alive minus heap once it is stopped and
            // unreachable (the offsets map, the emulator and the warm JVM are in both).
            long heapWithTask = Heap.usedAfterGc();
            task.stop();
            task = null;
            long heapWithoutTask = Heap.usedAfterGc();

            emu.latency(Duration.ofMillis(50));
            MemoramSourceTask idle = new MemoramSourceTask();
            int calls2 = emu.requestCount(null, null);
            long t1 = System.nanoTime();
            double idleSeconds = (drive(idle, config, offsets, users).endNanos() - t1) / 1e9;
            int calls3 = emu.requestCount(null, null);
            idle.stop();
            long heap = Math.max(0, heapWithTask - heapWithoutTask);
            return new Scale(users, blobs, load, calls1 - calls0, idleSeconds, calls3 - calls2, heap);
        }
    }

    // --- the report block ---

    static String render(List<Throughput> throughput, double idleCycle, Scale s) {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n");
        md.append("## Source at scale: the pull pipeline against a plain client\n\n");
        md.append("<!-- Generated by `mvn -B -Pbench -Dbench.only=source` (io.memoram.connect.bench.SourceScaleBench). -->\n\n");
        md.append(String.format(Locale.ROOT, "%d users x %,d blobs of %d bytes, pages of %d, tags off, one task, the emulator in the same\n"
                + "JVM with every call answered after the latency shown (calls overlap). **Baseline**: a bare JDK `HttpClient`\n"
                + "paging each user in cursor order with the same number of users in flight, Jackson's tree and the JDK's\n"
                + "AES-GCM per blob; no Kafka, no Connect. **Pipeline**: `MemoramSourceTask` (initial load: every blob fetched,\n"
                + "fingerprinted, decrypted, turned into a record with its offset) driven by `poll()` with offsets in a map.\n"
                + "Both measured in this run, one after the other.\n\n", USERS, BLOBS, CONTENT_BYTES, PAGE));
        md.append("CPU per blob: every thread of the JVM but the emulator's (the task's pipeline and HTTP client and the\n"
                + "polling thread, or the baseline's threads and HTTP client), and the emulator's, measured while the run's\n"
                + "threads are alive; unlike the rates it holds when the emulator competes for the cores.\n\n");
        md.append("| latency | in flight | baseline blobs/s | pipeline blobs/s | ratio | CPU µs/blob: baseline | pipeline | ratio "
                + "| emulator µs/blob: baseline | pipeline |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Throughput t : throughput) {
            md.append(row(t)).append("\n");
        }
        md.append(String.format(Locale.ROOT, "\n**Idle cycle** (a pass over every user, nothing changed: what a restarted task does first),\n"
                + "%d x %,d at 50 ms with 8 in flight: **%.1f s** (target: under 4 s; %d calls at 50 ms over 8 lanes take\n"
                + "at least %.1f s).\n\n", USERS, BLOBS, idleCycle, USERS * (BLOBS / PAGE), USERS * (BLOBS / PAGE) * 0.05 / 8));
        long perBlob = s.blobs() == 0 ? 0 : s.heapBytes() / s.blobs();
        md.append(String.format(Locale.ROOT, "**Scale run**: %,d users x %,d blobs of %d bytes (%,d blobs) on one task, 16 in flight%s.\n\n",
                s.users(), s.blobsPerUser(), SCALE_CONTENT_BYTES, s.blobs(),
                s.blobsPerUser() < 1_000 ? " (**scaled down** from 1,000 x 1,000 to fit the shared 2-core machine and the"
                        + " bench JVM's heap (`-Dbench.heap`), which also holds the emulator's copy of every blob; extrapolated below)" : ""));
        boolean full = s.blobs() >= 1_000_000;
        md.append(full ? "| | measured | per blob | 1,000 x 1,000 |\n|---|---|---|---|\n"
                : "| | measured | per blob | 1,000 x 1,000 (extrapolated) |\n|---|---|---|---|\n");
        double factor = 1_000_000.0 / s.blobs();
        // Calls per user per pass: its pages, plus (for a task that starts) one status check and one
        // credentials fetch. A running task's idle cycle has only the pages.
        int pagesMeasured = (s.blobsPerUser() + PAGE - 1) / PAGE;
        int pagesFull = 1_000 / PAGE;
        double callFactor = (double) (pagesFull + 2) / (pagesMeasured + 2);
        md.append(String.format(Locale.ROOT, "| initial load, no latency | %.1f s (%,.0f blobs/s) | | %.0f s (linear in blobs) |\n",
                s.loadSeconds(), s.blobs() / s.loadSeconds(), s.loadSeconds() * factor));
        md.append(String.format(Locale.ROOT, "| API calls of the load | %,d | | %,.0f (%d pages + 2 per user) |\n",
                s.loadCalls(), s.loadCalls() * callFactor, pagesFull));
        md.append(String.format(Locale.ROOT, "| first cycle after a restart at 50 ms | %.1f s | | %.0f s (in proportion to the calls) |\n",
                s.idleSeconds(), s.idleSeconds() * callFactor));
        md.append(String.format(Locale.ROOT, "| idle cycle of a running task at 50 ms | | | %.0f s (target: under 60 s; %d pages per user, no checks) |\n",
                s.idleSeconds() * pagesFull / (pagesMeasured + 2), pagesFull));
        md.append(String.format(Locale.ROOT, "| API calls of that restart cycle | %,d | | %,.0f |\n", s.idleCalls(), s.idleCalls() * callFactor));
        md.append(String.format(Locale.ROOT, "| task heap after GC (manifests and state) | %.1f MiB | %d bytes | %.0f MiB (target: at most 256 MiB) |\n",
                s.heapBytes() / (1024.0 * 1024.0), perBlob, s.heapBytes() * factor / (1024.0 * 1024.0)));
        md.append("\nHeap: used heap after full GCs with the loaded task alive, minus the same once the task is stopped and\n"
                + "unreachable; it holds the manifests (per blob) and a fixed part per user (stream, slot, access) that\n"
                + "weighs more per blob the fewer blobs each user has. The first cycle after a restart\n"
                + "also checks each request and fetches its credentials; a running task's cycle lists pages only.\n");
        md.append(targets(throughput, idleCycle, s, callFactorIdle(s), factor));
        md.append(END);
        return md.toString();
    }

    private static double callFactorIdle(Scale s) {
        int pagesMeasured = (s.blobsPerUser() + PAGE - 1) / PAGE;
        return (double) (1_000 / PAGE) / (pagesMeasured + 2);
    }

    /** The targets of issue 9, met or missed by how much, and why. */
    static String targets(List<Throughput> throughput, double idleCycle, Scale s, double idleFactor, double factor) {
        StringBuilder md = new StringBuilder("\n**Targets.**\n\n");
        for (Throughput t : throughput) {
            if (t.inFlight() == 8) {
                // Issue 17: 0.6 at 0 ms, 0.8 at 50 ms (issue 9 asked 0.5 and 0.7).
                double goal = t.latencyMs() == 0 ? 0.6 : 0.8;
                md.append(String.format(Locale.ROOT, "- %d ms, 8 in flight, at least %.1f of the baseline: %.2f, %s.\n", t.latencyMs(), goal,
                        t.ratio(), t.ratio() >= goal ? "met" : String.format(Locale.ROOT, "missed by %.0f %%", 100 * (1 - t.ratio() / goal))));
            }
        }
        md.append(String.format(Locale.ROOT, "- Idle cycle of 20 x 2,000 at 50 ms, 8 in flight, under 4 s: %.1f s, %s.\n", idleCycle,
                idleCycle < 4 ? "met" : String.format(Locale.ROOT, "missed by %.1f s", idleCycle - 4)));
        double idle = s.idleSeconds() * idleFactor;
        md.append(String.format(Locale.ROOT, "- 1,000 x 1,000 idle cycle at 50 ms, 16 in flight, under 60 s: about %.0f s (%s), %s.\n", idle,
                s.blobs() >= 1_000_000 ? "the restart cycle of this run less its 2 access calls per user" : "extrapolated",
                idle < 60 ? "met" : "missed"));
        double heap = s.heapBytes() * factor / (1024.0 * 1024.0);
        md.append(String.format(Locale.ROOT, "- 1,000 x 1,000 task heap at most 256 MiB: about %.0f MiB (%s), %s.\n\n", heap,
                s.blobs() >= 1_000_000 ? "measured" : "extrapolated",
                heap <= 256 ? "met" : "missed"));
        md.append("Why the gaps: at 0 ms the task is CPU-bound on 2 cores it shares with the emulator (which serializes\n"
                + "every page) while the baseline only parses and decrypts: per blob the task also fingerprints 11 fields\n"
                + "(SHA-256 over the sealed content), builds a validated Connect `Struct` record with headers and offsets, and\n"
                + "hands records over through `poll()` (see \"Source CPU per blob\" below for the profile). At 50 ms the\n"
                + "same CPU competes with the emulator answering 8 to 16 calls at once; successive runs on this loaded machine\n"
                + "differed by tens of percent. The idle cycle after a restart also checks every access request and\n"
                + "fetches its credentials before the first page.\n");
        return md.toString();
    }

    private static void log(String what) {
        System.out.println("[bench] " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " source-scale: " + what);
    }
}
