package io.memoram.connect.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of the project and writes docs/benchmarks.md: {@code mvn -B -Pbench}.
 * Argument: the Markdown file to write (default docs/benchmarks.md).
 */
public final class BenchMain {
    static final int WARMUP_ITERATIONS = 3;
    static final int MEASUREMENT_ITERATIONS = 5;
    static final TimeValue ITERATION_TIME = TimeValue.seconds(1);
    static final String FORK_JVM_ARGS = "-Xmx512m";

    static final int[] OFFSET_USERS_BLOBS = {1_000, 10_000, 100_000};
    static final int SOURCE_USERS = 4;
    static final int SOURCE_BLOBS_PER_USER = 2_500;
    static final int SOURCE_PAGE_SIZE = 100;
    static final int CONTENT_BYTES = 1024;
    /** A hand-written block (the source's CPU profile, from JFR) that a full run keeps. */
    static final String SOURCE_PROFILE_BEGIN = "<!-- source-profile:begin (hand-written) -->";
    static final String SOURCE_PROFILE_END = "<!-- source-profile:end -->";

    private BenchMain() { }

    public static void main(String[] args) throws Exception {
        if ("discovery".equals(System.getProperty("bench.only"))) {
            // Discovery at scale runs on its own (an embedded Connect cluster, minutes): printed, not in the report.
            DiscoveryBench.main(args);
            System.exit(0);
        }
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        if ("sink".equals(System.getProperty("bench.only"))) {
            SinkPipelineBench.runAlone(out);
            System.exit(0);
        }
        if ("bounds".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=bounds: the source pipeline's bounds (buffer heap, poll() CPU when saturated), its own block.
            PipelineBoundsBench.runAndSplice(out);
            System.exit(0);
        }
        if ("crypto".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=crypto: only the cipher candidates (JMH, a few minutes), written into their own block of the file.
            log("JMH: crypto benchmarks");
            Collection<RunResult> jmh = runJmh(CryptoBench.class.getName() + "\\.");
            log("crypto: CPU per operation, alternating rounds");
            CryptoBench.splice(out, CryptoBench.section(jmh, CryptoBench.cpuPerOp()));
            log("wrote the crypto section of " + out);
            System.exit(0);
        }
        if ("source-kafka".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=source-kafka: the source on an embedded worker and broker against a plain producer, its own block.
            SourceKafkaBench.runAndSplice(out);
            System.exit(0);
        }
        if ("source-blob".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=source-blob: the task's own CPU per blob on one thread, without HTTP or Kafka (printed).
            SourceBlobCpuBench.run();
            System.exit(0);
        }
        if ("source-rows".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=source-rows: the source throughput rows only, printed (for profiling; see SourceScaleBench.rowsOnly).
            SourceScaleBench.rowsOnly();
            System.exit(0);
        }
        if ("source".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=source: only the source-at-scale part, written into its own block of the file.
            SourceScaleBench.runAndSplice(out);
            System.exit(0);
        }
        Instant started = Instant.now();
        String loadBefore = loadAverage();

        log("JMH: crypto and manifest benchmarks");
        Collection<RunResult> jmh = runJmh();
        log("crypto: CPU per operation, alternating rounds");
        List<CryptoBench.Cpu> cryptoCpu = CryptoBench.cpuPerOp();
        log("offset sizes");
        List<OffsetSizes.Result> sizes = new ArrayList<>();
        for (int n : OFFSET_USERS_BLOBS) {
            sizes.add(OffsetSizes.measure(n));
        }
        log("source pipeline");
        SourcePipelineBench.Result source = SourcePipelineBench.run(SOURCE_USERS, SOURCE_BLOBS_PER_USER, CONTENT_BYTES, SOURCE_PAGE_SIZE);
        log("sink pipeline");
        List<SinkPipelineBench.Run> sink = SinkPipelineBench.run();
        Duration took = Duration.between(started, Instant.now());

        String doc = BenchReport.render(new BenchReport.Inputs(started.truncatedTo(ChronoUnit.SECONDS), took,
                machine() + "; load average (1, 5, 15 min) " + loadBefore + " at the start, " + loadAverage() + " at the end", jmh, sizes, OffsetSizes.sample(), source, sink));
        Files.createDirectories(out.toAbsolutePath().getParent());
        // Discovery at scale runs only on request (-Dbench.only=discovery): keep its last block. The source
        // profile is written by hand (docs/benchmarks.md, from JFR): kept as it is.
        String before = Files.exists(out) ? Files.readString(out) : "";
        for (String[] kept : new String[][] {{DiscoveryBench.BEGIN, DiscoveryBench.END},
                {SOURCE_PROFILE_BEGIN, SOURCE_PROFILE_END}}) {
            int b = before.indexOf(kept[0]);
            int e = before.indexOf(kept[1]);
            if (b >= 0 && e > b) {
                doc = doc + "\n" + before.substring(b, e + kept[1].length()) + "\n";
            }
        }
        // The sink's hand-written profile block is not generated: keep it too.
        int pb = before.indexOf(SinkPipelineBench.PROFILE_BEGIN);
        int pe = before.indexOf(SinkPipelineBench.PROFILE_END);
        if (pb >= 0 && pe > pb) {
            doc = doc + "\n" + before.substring(pb, pe + SinkPipelineBench.PROFILE_END.length()) + "\n";
        }
        Files.writeString(out, doc, StandardCharsets.UTF_8);
        CryptoBench.splice(out, CryptoBench.section(jmh, cryptoCpu));
        log("source at scale");
        SourceScaleBench.runAndSplice(out);
        log("source pipeline bounds");
        PipelineBoundsBench.runAndSplice(out);
        log("source with Kafka in the loop");
        SourceKafkaBench.runAndSplice(out);
        log("wrote " + out + " (whole run " + Duration.between(started, Instant.now()).toSeconds() + " s)");
        // The emulator's and the clients' pools are daemon threads, but HttpClient selector threads may linger.
        System.exit(0);
    }

    private static Collection<RunResult> runJmh() throws RunnerException {
        return runJmh(CryptoBench.class.getName() + "\\.", ManifestBench.class.getName() + "\\.");
    }

    private static Collection<RunResult> runJmh(String... includes) throws RunnerException {
        OptionsBuilder builder = new OptionsBuilder();
        for (String include : includes) {
            builder.include(include);
        }
        if (!Files.isRegularFile(CryptoBench.ltsJar())) {
            builder.exclude(".*BcLtsNative.*"); // the report says why the row is missing
        }
        Options options = builder
                .forks(1)
                .threads(1)
                .warmupIterations(WARMUP_ITERATIONS)
                .warmupTime(ITERATION_TIME)
                .measurementIterations(MEASUREMENT_ITERATIONS)
                .measurementTime(ITERATION_TIME)
                .jvmArgs(FORK_JVM_ARGS)
                .shouldFailOnError(true)
                .build();
        return new Runner(options).run();
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the CPU model is just not shown
        }
        return String.format(Locale.ROOT, "%d cores (`nproc`: %d) shared with other work, %s; %s %s (%s), %s %s; bench JVM -Xmx%d MiB",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / (1024 * 1024));
    }

    /** The 1, 5 and 15 minute load averages (Linux), to show how busy the shared cores were. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void log(String what) {
        System.out.println("[bench] " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + what);
    }
}
