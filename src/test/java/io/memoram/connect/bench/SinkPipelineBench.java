package io.memoram.connect.bench;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.FakeSinkContext;
import io.memoram.connect.sink.MemoramSinkTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The real MemoramSinkTask driven directly, without Kafka, side by side with a plain client
 * ({@link PlainClientBaseline}) writing the same records with the same number in flight, at 0 ms
 * and at 50 ms of emulator latency per call. Sink: records put in batches of 500 (the consumer's
 * default max.poll.records), one topic partition per user, upsert mode with distinct keys (every
 * record creates a blob, sealed with aes-gcm), timed until preCommit confirms every offset. Each
 * run uses fresh users, so every sink run starts with one (empty) listing per user.
 *
 * <p>Runnable alone: {@code mvn -B -Pbench -Dbench.only=sink} rewrites only the sink section of
 * docs/benchmarks.md.
 */
final class SinkPipelineBench {
    static final int PUT_BATCH = 500;
    static final int USERS = 20;
    static final int IN_FLIGHT = 16;
    static final int CONTENT_BYTES = 1024;
    static final int WARM_UP_RECORDS = Integer.getInteger("bench.sink.warmup", 30_000);
    /** Records per run at each latency: enough for several seconds of steady state at each. */
    static final Map<Integer, Integer> RECORDS_AT_LATENCY = Map.of(0, 10_000, 50, 4_000);
    static final String SECTION = "## 4. Sink pipeline and a plain client";
    /** A hand-written block (the sink's JFR profile), kept as it is by every run of the bench. */
    static final String PROFILE_BEGIN = "<!-- sink-profile:begin -->";
    static final String PROFILE_END = "<!-- sink-profile:end -->";

    record Run(String pipeline, int latencyMs, int inFlight, int records, int users, int contentBytes, double seconds,
               long workerCpuNanos, long serverCpuNanos, long processCpuNanos, long creates, long requests,
               Map<String, ThreadGroupsCpu.Usage> threadGroups) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double workerCpuMsPerRecord() {
            return workerCpuNanos / 1e6 / records;
        }

        double serverCpuMsPer1000() {
            return serverCpuNanos / 1e6 / records * 1000;
        }

        double processCpuMsPerRecord() {
            return processCpuNanos / 1e6 / records;
        }
    }

    private SinkPipelineBench() { }

    /** {@code -Dbench.only=sink}: runs this part only and replaces its section in {@code doc}. */
    static void runAlone(Path doc) throws Exception {
        List<Run> runs = run();
        String section = section(runs);
        String md = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        int from = md.indexOf("## 4. ");
        String out;
        if (from < 0) {
            out = md + "\n" + section;
        } else {
            // Up to the next heading or the next block marker, which belongs to the block after this section.
            int heading = md.indexOf("\n## ", from + 1);
            int marker = md.indexOf("\n<!-- ", from + 1);
            int to = heading < 0 ? marker : marker < 0 ? heading : Math.min(heading, marker);
            out = md.substring(0, from) + section + (to < 0 ? "" : "\n" + md.substring(to + 1));
        }
        Files.writeString(doc, out, StandardCharsets.UTF_8);
        System.out.println(section);
    }

    /** The plain client paced to the sink's rate at 0 ms, of the last {@link #run()}: reported apart from the pairs. */
    static final List<Run> paced = new ArrayList<>();

    /** The load average when the last {@link #run()} started, and when it ended: this section's runs may be alone. */
    static String load = "unknown";

    static List<Run> run() throws Exception {
        List<Run> runs = new ArrayList<>();
        paced.clear();
        String loadBefore = BenchMain.loadAverage();
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            String apiKey = emu.createApiKey();
            // Warm-up, not reported: class loading, first JIT compilations and connections would otherwise
            // all be charged to the first setting.
            sink(emu, apiKey, 0, WARM_UP_RECORDS);
            plain(emu, apiKey, 0, WARM_UP_RECORDS);
            settleJit(emu, apiKey);
            for (int latency : latencies()) {
                emu.latency(Duration.ofMillis(latency));
                int records = RECORDS_AT_LATENCY.get(latency);
                Run sink = sink(emu, apiKey, latency, records);
                runs.add(sink);
                runs.add(plain(emu, apiKey, latency, records));
                if (latency == 0) {
                    // What the API spends per write at the same rate (issue 17, item 4): a slower run costs the
                    // server more per call (fewer calls per wake-up of its threads), whoever makes the calls.
                    paced.add(plain(emu, apiKey, latency, records, sink.recordsPerSecond()));
                }
            }
            emu.latency(Duration.ZERO);
        }
        load = loadBefore + " at the start, " + BenchMain.loadAverage() + " at the end";
        return runs;
    }

    /** Warm-up rounds (one sink and one plain run each) after the first, until the JIT is quiet; at most this many. */
    static final int SETTLE_ROUNDS = Integer.getInteger("bench.sink.settle.rounds", 6);
    static final int SETTLE_RECORDS = 10_000;
    /** A round is quiet when the compiler threads spent less than this share of its wall time compiling. */
    static final double QUIET_JIT_SHARE = 0.10;
    /** What {@link #settleJit} saw: rounds run and the JIT's share of the last round's wall time. */
    static String settled = "not run";

    /**
     * On 2 cores the C2 compiler works through the sink's large call graph (its lanes, the JDK client's async
     * exchange, the emulator's server) for tens of seconds after a fixed warm-up, at most of a core: whichever
     * pipeline is measured first, here the sink, paid it (about 0.7 of a core during its measured run, against
     * none for the plain client measured after it) and ran at half the rate for it. So warm both up until the
     * compiler is quiet, letting it drain its queue between rounds, and only then measure either.
     */
    private static void settleJit(MemoramEmulator emu, String apiKey) throws Exception {
        double share = Double.NaN;
        int round = 0;
        while (round < SETTLE_ROUNDS) {
            round++;
            awaitJitIdle(Duration.ofSeconds(30));
            long jit0 = jitMillis();
            long t0 = System.nanoTime();
            sink(emu, apiKey, 0, SETTLE_RECORDS);
            plain(emu, apiKey, 0, SETTLE_RECORDS);
            share = (jitMillis() - jit0) / ((System.nanoTime() - t0) / 1e6);
            System.out.printf(Locale.ROOT, "[sink bench] warm-up round %d: JIT compiled %.0f %% of the round's wall time%n", round, share * 100);
            if (share < QUIET_JIT_SHARE) {
                break;
            }
        }
        awaitJitIdle(Duration.ofSeconds(30));
        settled = String.format(Locale.ROOT, "%d round(s), the last with the JIT compiling %.0f %% of its wall time", round, share * 100);
    }

    /** Waits (at most {@code max}) until the compiler threads compiled less than 20 ms in the last 500 ms. */
    private static void awaitJitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long last = jitMillis();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            long now = jitMillis();
            if (now - last < 20) {
                return;
            }
            last = now;
        }
    }

    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** {@code -Dbench.sink.latencies=0} runs only the 0 ms rows (for a profile); default 0 and 50. */
    static List<Integer> latencies() {
        List<Integer> out = new ArrayList<>();
        for (String l : System.getProperty("bench.sink.latencies", "0,50").split(",")) {
            out.add(Integer.parseInt(l.strip()));
        }
        return out;
    }

    private record Data(List<EmulatedUser> users, List<String> requestIds, List<Map<String, Object>> values) { }

    private static Data data(MemoramEmulator emu, String apiKey, int records) {
        List<EmulatedUser> us = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            EmulatedUser user = emu.createUser();
            us.add(user);
            requestIds.add(emu.grantAccess(apiKey, user));
        }
        Random random = new Random(11);
        List<Map<String, Object>> values = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            Map<String, Object> value = new HashMap<>();
            value.put("user_id", us.get(i % USERS).userId());
            value.put("content", BenchData.text(CONTENT_BYTES, random));
            value.put("title", "note " + i);
            value.put("tags", List.of("bench"));
            values.add(value);
        }
        return new Data(us, requestIds, values);
    }

    private static long requests(MemoramEmulator emu) {
        return emu.requestCount("POST", "/") + emu.requestCount("GET", "/") + emu.requestCount("PATCH", "/")
                + emu.requestCount("DELETE", "/");
    }

    private static Run plain(MemoramEmulator emu, String apiKey, int latencyMs, int records) throws Exception {
        return plain(emu, apiKey, latencyMs, records, 0);
    }

    /** The plain client, no faster than {@code perSecond} records/s when positive. */
    private static Run plain(MemoramEmulator emu, String apiKey, int latencyMs, int records, double perSecond) throws Exception {
        Data d = data(emu, apiKey, records);
        long creates0 = emu.requestCount("POST", "/memory-blobs");
        long requests0 = requests(emu);
        ThreadGroupsCpu.Snapshot groups0 = ThreadGroupsCpu.snapshot();
        CpuMeter.Snapshot cpu0 = CpuMeter.snapshot();
        long resent0 = PlainClientBaseline.RESENT.get();
        long t0 = System.nanoTime();
        long ownThreads = PlainClientBaseline.write(emu, apiKey, d.users(), d.values(), IN_FLIGHT, perSecond);
        double seconds = (System.nanoTime() - t0) / 1e9;
        CpuMeter.Used used = CpuMeter.since(cpu0);
        Map<String, ThreadGroupsCpu.Usage> groups = ThreadGroupsCpu.since(groups0);
        check(emu, d, records, (int) (PlainClientBaseline.RESENT.get() - resent0));
        return log(new Run(perSecond > 0 ? "plain client, paced to the sink's rate" : "plain client", latencyMs, IN_FLIGHT, records, USERS, CONTENT_BYTES, seconds,
                used.workerNanos() + ownThreads, used.serverNanos(), used.processNanos(),
                emu.requestCount("POST", "/memory-blobs") - creates0, requests(emu) - requests0, groups));
    }

    private static long traceBucket = -1;

    private static Run sink(MemoramEmulator emu, String apiKey, int latencyMs, int records) throws InterruptedException {
        Data d = data(emu, apiKey, records);
        String name = "bench-sink-" + latencyMs + "-" + records + "-" + System.nanoTime();
        Map<String, String> props = new HashMap<>();
        props.put("name", name);
        props.put("memoram.api.url", emu.baseUrl());
        props.put("memoram.api.key", apiKey);
        props.put("memoram.access.request.ids", String.join(",", d.requestIds()));
        props.put("memoram.max.in.flight.requests", Integer.toString(IN_FLIGHT));
        props.put(AccessTaskConfig.TASK_NUMBER_CONFIG, "0");

        List<TopicPartition> partitions = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            partitions.add(new TopicPartition(name, u));
        }
        // Built before the clock starts: record creation is Kafka's and the converter's work, not the sink's.
        List<SinkRecord> all = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            all.add(new SinkRecord(name, i % USERS, null, "key-" + i, null, d.values().get(i), i / USERS));
        }
        Map<TopicPartition, Long> expected = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            expected.put(partitions.get(u), (long) ((records - u + USERS - 1) / USERS));
        }

        FakeSinkContext context = new FakeSinkContext(props, false);
        MemoramSinkTask task = new MemoramSinkTask();
        long creates0 = emu.requestCount("POST", "/memory-blobs");
        long requests0 = requests(emu);
        task.initialize(context);
        context.assignment.addAll(partitions);
        try {
            ThreadGroupsCpu.Snapshot groups0 = ThreadGroupsCpu.snapshot();
            CpuMeter.Snapshot cpu0 = CpuMeter.snapshot();
            long t0 = System.nanoTime();
            task.start(props);
            task.open(partitions);
            for (int from = 0; from < records; from += PUT_BATCH) {
                task.put(all.subList(from, Math.min(records, from + PUT_BATCH)));
            }
            Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
            expected.forEach((tp, next) -> current.put(tp, new OffsetAndMetadata(next)));
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!confirmed(task.preCommit(current), expected)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink did not confirm " + records + " records within 300 s");
                }
                // -Dbench.sink.trace=true: creates and requests every 250 ms (a stall at start, or uneven progress, shows).
                if (Boolean.getBoolean("bench.sink.trace")) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (ms / 250 != traceBucket) {
                        traceBucket = ms / 250;
                        System.out.println("[sink trace] " + ms + " ms: creates " + (emu.requestCount("POST", "/memory-blobs") - creates0)
                                + ", requests " + (requests(emu) - requests0));
                    }
                }
                Thread.sleep(5); // the framework calls preCommit every offset.flush.interval.ms; 5 ms keeps timing fine-grained
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CpuMeter.Used used = CpuMeter.since(cpu0); // before stop(): the lanes are still alive
            Map<String, ThreadGroupsCpu.Usage> groups = ThreadGroupsCpu.since(groups0);
            check(emu, d, records);
            return log(new Run("sink task", latencyMs, IN_FLIGHT, records, USERS, CONTENT_BYTES, seconds, used.workerNanos(),
                    used.serverNanos(), used.processNanos(), emu.requestCount("POST", "/memory-blobs") - creates0,
                    requests(emu) - requests0, groups));
        } finally {
            task.stop();
        }
    }

    /** Prints where the run's CPU went, per thread group (/proc), per record. */
    private static Run log(Run r) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "[sink bench] %s at %d ms: %.0f records/s; µs per record",
                r.pipeline(), r.latencyMs(), r.recordsPerSecond()));
        r.threadGroups().forEach((group, u) -> {
            if (u.userTicks() + u.systemTicks() + u.switches() > 0) {
                out.append(String.format(Locale.ROOT, "%n    %-24s user %6.1f  system %6.1f  switches %5.2f", group,
                        u.userMs() * 1000 / r.records(), u.systemMs() * 1000 / r.records(), u.switches() / (double) r.records()));
            }
        });
        System.out.println(out);
        return r;
    }

    private static void check(MemoramEmulator emu, Data d, int records) {
        check(emu, d, records, 0);
    }

    /** Every record written once; up to {@code resent} more blobs where the plain client sent a create again. */
    private static void check(MemoramEmulator emu, Data d, int records, int resent) {
        int written = 0;
        for (EmulatedUser u : d.users()) {
            written += emu.blobs(u.userId()).size();
        }
        if (written < records || written > records + resent) {
            throw new IllegalStateException(records + " records were confirmed but " + written + " blobs exist");
        }
    }

    private static boolean confirmed(Map<TopicPartition, OffsetAndMetadata> committable, Map<TopicPartition, Long> expected) {
        for (Map.Entry<TopicPartition, Long> e : expected.entrySet()) {
            OffsetAndMetadata o = committable.get(e.getKey());
            if (o == null || o.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    static String section(List<Run> runs) {
        StringBuilder md = new StringBuilder(SECTION).append("\n\n");
        md.append(String.format(Locale.ROOT, "The real `MemoramSinkTask` (minimal `SinkTaskContext`, no errant record reporter) and, as a\n"
                + "yardstick, a plain client: a bare JDK `HttpClient` whose %d threads seal the same records with the same cipher\n"
                + "and key and POST them with the same fields, checking only the status (no retries, order, idempotency or\n"
                + "offsets). Both write %d users' records (%s of plaintext each, upsert mode with distinct keys, so every\n"
                + "record is one create) into the emulator in the same JVM, with %d requests in flight, at 0 ms and at 50 ms of\n"
                + "emulator latency per call (`MemoramEmulator.latency`). The sink's clock runs from `start()` until\n"
                + "`preCommit()` confirms every offset (`put()` in batches of %d); each run has fresh users, so the sink also\n"
                + "pays one (empty) listing and one credentials fetch per user. Warm-up runs (%s records each) come first,\n"
                + "then warm-up rounds of %s records of each until the JIT compiler is quiet (this run: %s), so that\n"
                + "neither pipeline is measured while C2 still compiles the other's code on these 2 cores.\n\n",
                IN_FLIGHT, USERS, BenchReport.kib(CONTENT_BYTES), IN_FLIGHT, PUT_BATCH, BenchReport.grouped(WARM_UP_RECORDS),
                BenchReport.grouped(SETTLE_RECORDS), settled));
        md.append("CPU is per record: *worker* = the Java threads other than the emulator's (thread CPU time), *server* = the\n"
                + "emulator's threads, per 1,000 records; *process* = the whole JVM (both, plus GC and JIT).\n\n");
        md.append("| latency | pipeline | records | seconds | records/s | ratio | worker CPU ms/record | CPU ratio | server CPU ms/1,000 | process CPU ms/record | requests/record |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            Run sink = runs.get(i);
            Run plain = runs.get(i + 1);
            for (Run r : List.of(sink, plain)) {
                boolean isSink = r == sink;
                md.append(String.format(Locale.ROOT, "| %d ms | %s | %s | %.2f | %s | %s | %.3f | %s | %.0f | %.3f | %.3f |\n",
                        r.latencyMs(), r.pipeline(), BenchReport.grouped(r.records()), r.seconds(),
                        BenchReport.grouped(r.recordsPerSecond()),
                        isSink ? String.format(Locale.ROOT, "%.2f", sink.recordsPerSecond() / plain.recordsPerSecond()) : "1",
                        r.workerCpuMsPerRecord(),
                        isSink ? String.format(Locale.ROOT, "%.2f", sink.workerCpuMsPerRecord() / plain.workerCpuMsPerRecord()) : "1",
                        r.serverCpuMsPer1000(), r.processCpuMsPerRecord(), r.requests() / (double) r.records()));
            }
        }
        md.append("\n**Targets** (records/s at least 0.7 x the plain client's at 0 ms and 0.8 x at 50 ms; worker CPU per record\n"
                + "at most 1.5 x at 0 ms), in this run:\n\n");
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            Run sink = runs.get(i);
            Run plain = runs.get(i + 1);
            double ratio = sink.recordsPerSecond() / plain.recordsPerSecond();
            double target = sink.latencyMs() == 0 ? 0.7 : 0.8;
            md.append(String.format(Locale.ROOT, "- %d ms: rate %.2f x (target %.1f x): %s", sink.latencyMs(), ratio, target,
                    ratio >= target ? "met" : String.format(Locale.ROOT, "missed by %.2f", target - ratio)));
            if (sink.latencyMs() == 0) {
                double cpu = sink.workerCpuMsPerRecord() / plain.workerCpuMsPerRecord();
                md.append(String.format(Locale.ROOT, "; worker CPU %.2f x (target 1.5 x): %s", cpu,
                        cpu <= 1.5 ? "met" : String.format(Locale.ROOT, "missed by %.2f", cpu - 1.5)));
            }
            md.append(".\n");
        }
        Run sink0 = runs.isEmpty() ? null : runs.get(0);
        Run plain0 = runs.size() < 2 ? null : runs.get(1);
        Run paced0 = paced.isEmpty() ? null : paced.get(0);
        if (sink0 != null && plain0 != null && sink0.latencyMs() == 0) {
            md.append("\n**Where the CPU goes at 0 ms**, µs per record by thread group (Linux `/proc/self/task`: user + system\n"
                    + "time, and context switches per record; this also sees the JIT, GC and kernel time that thread CPU time and\n"
                    + "JFR's samples miss). The plain client's own 16 threads end before they can be read here; they are in its\n"
                    + "*worker* CPU above. *Paced* is the plain client again, held to the sink's rate of this run.\n\n");
            List<Run> shown = new ArrayList<>(List.of(sink0, plain0));
            if (paced0 != null) {
                shown.add(paced0);
            }
            md.append("| thread group |");
            for (Run r : shown) {
                md.append(' ').append(r == paced0 ? "plain, paced" : r.pipeline()).append(" µs (switches) |");
            }
            md.append("\n|---|").append("---:|".repeat(shown.size())).append('\n');
            java.util.Set<String> groups = new java.util.TreeSet<>();
            shown.forEach(r -> groups.addAll(r.threadGroups().keySet()));
            for (String g : groups) {
                md.append("| ").append(g).append(" |");
                for (Run r : shown) {
                    ThreadGroupsCpu.Usage u = r.threadGroups().getOrDefault(g, new ThreadGroupsCpu.Usage(0, 0, 0));
                    md.append(String.format(Locale.ROOT, " %.0f (%.2f) |", (u.userMs() + u.systemMs()) * 1000 / r.records(),
                            u.switches() / (double) r.records()));
                }
                md.append('\n');
            }
        }
        if (paced0 != null && sink0 != null && plain0 != null) {
            md.append(String.format(Locale.ROOT, "\n**The API's CPU per write** (issue 17, item 4), server CPU per 1,000 records at 0 ms:\n"
                    + "sink %.0f ms at %s records/s, plain client %.0f ms at %s records/s, the plain client paced to the sink's rate\n"
                    + "%.0f ms at %s records/s (worker CPU %.3f ms/record, so the sink's is %.2f x that at the same rate).\n",
                    sink0.serverCpuMsPer1000(), BenchReport.grouped(sink0.recordsPerSecond()), plain0.serverCpuMsPer1000(),
                    BenchReport.grouped(plain0.recordsPerSecond()), paced0.serverCpuMsPer1000(),
                    BenchReport.grouped(paced0.recordsPerSecond()), paced0.workerCpuMsPerRecord(),
                    sink0.workerCpuMsPerRecord() / paced0.workerCpuMsPerRecord()));
        }
        md.append("\nReading it. The same calls cost the API more CPU in a slower run, whoever makes them: the emulator's\n"
                + "HTTP server and the JDK client wake up once per call instead of once per several (compare the switches of\n"
                + "*plain* and *plain, paced*), so most of the *server* gap between the sink and the unpaced plain client is\n"
                + "the rate, not the calls. Both send the same body fields and headers over kept-alive HTTP/1.1 connections\n"
                + "(one per call in flight; no `Accept` header, no h2c upgrade on cleartext), one call per record plus one\n"
                + "credentials fetch and one listing per user (*requests/record*). The sink's remaining extra per call is its\n"
                + "deadline (one scheduled task per call, covering the whole exchange; no second timer in the JDK client) and\n"
                + "the listing of each user at its first record. The largest items were two thread hand-offs in the JDK\n"
                + "client: with its default executor each call was started on one pool thread and completed on another; the\n"
                + "client now runs those steps on the calling thread and the selector (`HttpClient.Builder.executor(Runnable::run)`).\n"
                + "And `sendAsync` hands every completion to the default `CompletableFuture` executor, which on 2 cores (a\n"
                + "common pool of one thread) starts a new thread per call; the client now sends with the blocking `send()`,\n"
                + "as the plain client does (\"Third pass\" below). Both pipelines seal\n"
                + "with the same cipher (`aes-gcm`, the JDK's AES-GCM through `ContentCiphers`, same key). Per record the sink\n"
                + "also maps and validates the record, hashes the idempotency marker (one SHA-256), tracks the offset and\n"
                + "schedules the lane: each a few percent of its threads' samples (see \"Sink profile\" below).\n");
        md.append("\nAt 0 ms both pipelines are bound by CPU on 2 cores shared with the emulator and, while these runs were made,\n"
                + "with other builds (load average (1, 5, 15 min) of this section's run: " + load + "): the rate ratio follows the ratio of *process* CPU per\n"
                + "record, which includes JIT compilation that goes on for the whole run and so weighs on the slower pipeline,\n"
                + "and swings by tens of percent between runs minutes apart. Against a remote API, where the round trip and not\n"
                + "the worker's CPU is the limit, the 50 ms row is the one to read.\n");
        md.append("\nRerun this section alone: `mvn -B -Pbench -Dbench.only=sink` (about 3 minutes).\n");
        return md.toString();
    }
}
