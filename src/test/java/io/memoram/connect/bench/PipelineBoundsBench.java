package io.memoram.connect.bench;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.Fakes;
import io.memoram.connect.source.MemoramSourceTask;
import io.memoram.connect.source.SourceBenchAccess;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Two bounds of the source's pull pipeline ({@code mvn -B -Pbench -Dbench.only=bounds}, its own block
 * of docs/benchmarks.md):
 *
 * <ol>
 *   <li>the heap the fetch buffer really holds during a 100,000-blob user's initial load behind a
 *       slow producer, against {@code memoram.fetch.buffer.max.bytes}: at a few points of the load,
 *       used heap after GC with the buffer full, minus the same once {@code poll()} drained it while
 *       the next call is held at the emulator (so nothing refills it);</li>
 *   <li>the CPU of the thread calling {@code poll()} (the task's thread in a worker) while every call
 *       slot is busy at 50 ms latency: it must wait for calls to end, not spin.</li>
 * </ol>
 */
final class PipelineBoundsBench {
    static final String BEGIN = "<!-- source-pipeline-bounds:begin -->";
    static final String END = "<!-- source-pipeline-bounds:end -->";
    static final int LOAD_BLOBS = Integer.getInteger("bench.bounds.blobs", 100_000);
    static final int PAGE = 100;
    static final int CONTENT_BYTES = 200;
    static final long BUFFER_MAX_BYTES = 32L * 1024 * 1024;
    /** The slow producer: one poll() (up to 2,000 records) per this pause. */
    static final Duration PRODUCER_PAUSE = Duration.ofSeconds(2);
    static final int[] SAMPLE_PERCENTS = {25, 50, 75, 95};

    static final int CPU_USERS = 8;
    static final int CPU_BLOBS = 400;
    static final int CPU_PAGE = 10;
    static final int CPU_IN_FLIGHT = 2;
    static final int CPU_LATENCY_MS = 50;
    static final Duration CPU_WINDOW = Duration.ofSeconds(10);

    record HeapSample(long emitted, long accountedBytes, long contentOnlyBytes, long heldBytes, long records) { }

    record Load(int blobs, double seconds, long maxAccountedBytes, List<HeapSample> samples) { }

    record Cpu(double seconds, long taskThreadCpuNanos, long polls, long emptyPolls, long records, long calls,
               int inFlightHighWater) { }

    /** A heap sample that drained fewer records than this measures GC noise, not the buffer. */
    private static final int MEASURABLE_RECORDS = 100;

    private PipelineBoundsBench() { }

    static void runAndSplice(Path doc) throws Exception {
        log("buffer heap during a " + LOAD_BLOBS + "-blob user's initial load");
        Load load = load();
        log("poll() CPU while saturated at " + CPU_LATENCY_MS + " ms");
        Cpu cpu = cpu();
        String block = render(load, cpu);
        DocSection.splice(doc, BEGIN, END, block);
        log("wrote the pipeline-bounds section of " + doc);
    }

    private static Map<String, String> connector(MemoramEmulator emu, String apiKey, Map<String, String> requestUsers, int page,
                                                 int inFlight) {
        Map<String, String> c = SourceScaleBench.sourceConnector("bench-pipeline-bounds", emu, apiKey, requestUsers, page,
                inFlight, 600_000);
        c.put("memoram.fetch.buffer.max.bytes", Long.toString(BUFFER_MAX_BYTES));
        return c;
    }

    /**
     * A task whose records are polled as a worker does, with their offsets flushed after each poll
     * ({@code Fakes.pollCommitted}): a new blob's record waits for offset storage to name its id, so
     * polled without offset commits the load never gets past its first records.
     */
    private static MemoramSourceTask start(Map<String, String> config) {
        MemoramSourceTask task = new MemoramSourceTask();
        task.initialize(new Fakes.TaskContext(config, new Fakes.Offsets()));
        task.start(config);
        return task;
    }

    // --- 1: the buffer's heap during a large initial load ---

    static Load load() throws Exception {
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(PAGE);
            String apiKey = emu.createApiKey();
            EmulatedUser user = emu.createUser();
            Random random = new Random(16);
            for (int i = 0; i < LOAD_BLOBS; i++) {
                emu.putBlob(user.userId(), BenchData.text(CONTENT_BYTES, random), "title " + i, List.of("bench"));
            }
            Map<String, String> requestUsers = Map.of(emu.grantAccess(apiKey, user), user.userId());
            Map<String, String> config = SourceBenchAccess.taskConfig(connector(emu, apiKey, requestUsers, PAGE, 4), requestUsers);
            MemoramSourceTask task = start(config);
            try {
                List<HeapSample> samples = new ArrayList<>();
                long emitted = 0;
                long maxAccounted = 0;
                int next = 0;
                long t0 = System.nanoTime();
                long deadline = t0 + Duration.ofMinutes(30).toNanos();
                while (SourceBenchAccess.passesCompleted(task) < 1 || SourceBenchAccess.fetchBufferBytes(task) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the initial load did not end within 30 minutes");
                    }
                    maxAccounted = Math.max(maxAccounted, SourceBenchAccess.fetchBufferBytes(task));
                    if (next < SAMPLE_PERCENTS.length && emitted >= (long) LOAD_BLOBS * SAMPLE_PERCENTS[next] / 100) {
                        next++;
                        HeapSample s = sample(emu, task, emitted);
                        if (s != null) {
                            samples.add(s);
                            emitted += s.records();
                            continue;
                        }
                    }
                    List<SourceRecord> batch = Fakes.pollCommitted(task);
                    if (batch != null) {
                        emitted += batch.stream().filter(r -> r.topic().endsWith(".memories")).count();
                    }
                    Thread.sleep(PRODUCER_PAUSE.toMillis()); // the slow producer's pace, not a wait for a condition
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Load(LOAD_BLOBS, seconds, maxAccounted, samples);
            } finally {
                task.stop();
            }
        }
    }

    /**
     * With the buffer full (fetching stopped): heap after GC, then the same after draining it while
     * the next call is held, so the difference is what the buffer alone kept. Null when the buffer
     * did not fill (the load was ending).
     */
    private static HeapSample sample(MemoramEmulator emu, MemoramSourceTask task, long emitted) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!(SourceBenchAccess.inFlight(task) == 0 && SourceBenchAccess.fetchBufferBytes(task) >= BUFFER_MAX_BYTES)) {
            if (System.nanoTime() > until || SourceBenchAccess.passesCompleted(task) >= 1) {
                return null;
            }
            Thread.sleep(20);
        }
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.hold());
        long accounted = SourceBenchAccess.fetchBufferBytes(task);
        long full = Heap.usedAfterGc();
        long records = 0;
        long contentOnly = 0;
        while (SourceBenchAccess.fetchBufferBytes(task) > 0 || emu.faults().held() == 0) {
            List<SourceRecord> batch = Fakes.pollCommitted(task);
            if (batch != null) {
                records += batch.size();
                contentOnly += SourceBenchAccess.contentEstimate(batch);
            }
        }
        long empty = Heap.usedAfterGc();
        emu.faults().release();
        log(String.format(Locale.ROOT, "at %,d emitted: accounted %,d, held %,d, content-only %,d", emitted, accounted, full - empty, contentOnly));
        return new HeapSample(emitted, accounted, contentOnly, full - empty, records);
    }

    // --- 2: CPU of the polling thread while every call slot is busy ---

    static Cpu cpu() throws Exception {
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(CPU_PAGE);
            String apiKey = emu.createApiKey();
            Random random = new Random(6);
            Map<String, String> requestUsers = new LinkedHashMap<>();
            for (int u = 0; u < CPU_USERS; u++) {
                EmulatedUser user = emu.createUser();
                for (int i = 0; i < CPU_BLOBS; i++) {
                    emu.putBlob(user.userId(), BenchData.text(CONTENT_BYTES, random), "t", List.of());
                }
                requestUsers.put(emu.grantAccess(apiKey, user), user.userId());
            }
            emu.latency(Duration.ofMillis(CPU_LATENCY_MS));
            Map<String, String> config = SourceBenchAccess.taskConfig(connector(emu, apiKey, requestUsers, CPU_PAGE, CPU_IN_FLIGHT),
                    requestUsers);
            MemoramSourceTask task = start(config);
            try {
                // Past the access checks: every user's pass under way, more users due than call slots.
                long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long records = 0;
                while (records < CPU_USERS && System.nanoTime() < ready) {
                    List<SourceRecord> batch = Fakes.pollCommitted(task);
                    records += batch == null ? 0 : batch.size();
                }
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                int calls0 = emu.requestCount("GET", "/memory-blobs");
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long end = t0 + CPU_WINDOW.toNanos();
                long polls = 0;
                long empty = 0;
                records = 0;
                int highWater = 0;
                while (System.nanoTime() < end) {
                    List<SourceRecord> batch = Fakes.pollCommitted(task); // dropped at once, offsets flushed: a fast producer
                    polls++;
                    if (batch == null) {
                        empty++;
                    } else {
                        records += batch.size();
                    }
                    highWater = Math.max(highWater, SourceBenchAccess.inFlight(task));
                }
                long cpuNanos = threads.getCurrentThreadCpuTime() - cpu0;
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Cpu(seconds, cpuNanos, polls, empty, records, emu.requestCount("GET", "/memory-blobs") - calls0, highWater);
            } finally {
                task.stop();
            }
        }
    }

    // --- the report block ---

    static String render(Load load, Cpu cpu) {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n");
        md.append("## Source pipeline bounds: the fetch buffer's heap, and poll() while every call is busy\n\n");
        md.append("<!-- Generated by `mvn -B -Pbench -Dbench.only=bounds` (io.memoram.connect.bench.PipelineBoundsBench). -->\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %s.\n\n", Instant.now().truncatedTo(ChronoUnit.SECONDS), BenchMain.machine()));
        md.append(String.format(Locale.ROOT, "**Fetch buffer during a large initial load.** One user with %,d blobs of %d bytes, pages of %d,\n"
                + "`memoram.fetch.buffer.max.bytes` = %,d (32 MiB, the default), behind a slow producer (one `poll()` of up to\n"
                + "2,000 records every %d ms). At each point the buffer is full and fetching has stopped; *held* is used heap after\n"
                + "full GCs then, minus the same once `poll()` drained the buffer while the next call is held at the emulator.\n"
                + "*Accounted* is what the buffer counts (FetchBufferBytes): the records' text plus the strings their offsets hold\n"
                + "(whole-bucket manifests). *Content only* is what it counted before it counted offsets, for the same records.\n"
                + "The load took %.0f s; the most the buffer accounted at any poll: %,d bytes.\n\n",
                load.blobs(), CONTENT_BYTES, PAGE, BUFFER_MAX_BYTES, PRODUCER_PAUSE.toMillis(), load.seconds(), load.maxAccountedBytes()));
        md.append("| blobs emitted | records in the buffer | accounted | held (measured) | held / max | content only "
                + "| held if content only were counted (extrapolated) |\n|---|---|---|---|---|---|---|\n");
        boolean dashes = false;
        for (HeapSample s : load.samples()) {
            if (s.records() < MEASURABLE_RECORDS) {
                // Draining a few records frees too little to tell from GC noise: no ratio, no extrapolation.
                dashes = true;
                md.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f MiB | %.1f MiB | – | %.1f MiB | – |\n", s.emitted(),
                        s.records(), mib(s.accountedBytes()), mib(s.heldBytes()), mib(s.contentOnlyBytes())));
                continue;
            }
            double ifContentOnly = s.contentOnlyBytes() == 0 ? 0 : (double) s.heldBytes() * BUFFER_MAX_BYTES / s.contentOnlyBytes();
            md.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f MiB | %.1f MiB | %.2f | %.1f MiB | %,.0f MiB |\n", s.emitted(),
                    s.records(), mib(s.accountedBytes()), mib(s.heldBytes()), (double) s.heldBytes() / BUFFER_MAX_BYTES,
                    mib(s.contentOnlyBytes()), mib((long) ifContentOnly)));
        }
        if (dashes) {
            md.append("\nA row with dashes caught the buffer holding fewer than " + MEASURABLE_RECORDS + " records, whose offset strings\n"
                    + "account for the bound: draining them freed nothing measurable, so those strings are also referenced\n"
                    + "elsewhere, and there the buffer counts more than dropping it frees: the safe side.\n");
        }
        md.append("\nThe calls in flight when the buffer reaches its bound may add one page each on top (here one user, so one).\n"
                + "The last column scales the measured heap to a buffer filled until its *content* reached the bound, as the\n"
                + "buffer counted before: every page pins its own full-bucket manifest strings.\n\n");
        double cpuShare = cpu.taskThreadCpuNanos() / 1e9 / cpu.seconds();
        md.append(String.format(Locale.ROOT, "**poll() while every call slot is busy.** %d users x %d blobs, pages of %d, %d calls in flight,\n"
                + "every API call answered after %d ms: more users are due than there are call slots, all the time. The thread\n"
                + "calling `poll()` in a loop (a worker's task thread; records dropped at once) for %.1f s:\n\n",
                CPU_USERS, CPU_BLOBS, CPU_PAGE, CPU_IN_FLIGHT, CPU_LATENCY_MS, cpu.seconds()));
        md.append("| its CPU | poll() calls | of which empty | records | API calls | most calls in flight |\n|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| %.1f %% of a core (%,d ms) | %,d (%.0f/s) | %,d | %,d | %,d | %d |\n", cpuShare * 100,
                cpu.taskThreadCpuNanos() / 1_000_000, cpu.polls(), cpu.polls() / cpu.seconds(), cpu.emptyPolls(), cpu.records(),
                cpu.calls(), cpu.inFlightHighWater()));
        md.append("\nA poll with nothing ready waits for a call to end (or at most a second) instead of returning about every\n"
                + "millisecond while the head user is due but no call slot is free.\n");
        md.append(END);
        return md.toString();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static void log(String what) {
        System.out.println("[bench] " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + what);
    }
}
