package io.memoram.connect.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real JVM process on a classpath folder (the Kafka 4.4.0 jars), its output in a log file.
 * Every process started here is also stopped by a JVM shutdown hook, so an aborted test or a
 * Ctrl-C in the demo never leaves a broker or worker behind.
 */
public final class JavaProcess implements AutoCloseable {
    private static final Set<JavaProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly()),
                "memoram-e2e-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -cp <libs>/* <jvmArgs> <mainClass> <args>}. The JVM flags favour a quick
     * start on a small machine: these processes live for minutes, not days.
     */
    public static JavaProcess start(String name, Path libs, List<String> jvmArgs, String mainClass, List<String> args,
                                    Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-cp");
        cmd.add(libs.toAbsolutePath() + "/*");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.awt.headless=true");
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        JavaProcess p = new JavaProcess(name, pb.start(), log);
        RUNNING.add(p);
        return p;
    }

    /** Runs a short-lived tool to completion; throws with the tail of its output when it fails. */
    public static void run(String name, Path libs, List<String> jvmArgs, String mainClass, List<String> args,
                           Path log, Duration timeout) throws IOException, InterruptedException {
        try (JavaProcess p = start(name, libs, jvmArgs, mainClass, args, Map.of(), log)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout + "; log " + log
                        + ":\n" + p.logTail(30));
            }
            if (p.process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + p.process.exitValue() + "; log "
                        + log + ":\n" + p.logTail(30));
            }
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Fails with the log's tail when the process has died: a dead broker should say why. */
    public void ensureAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; log " + log
                    + ":\n" + logTail(40));
        }
    }

    /** SIGTERM (a clean shutdown, as a service manager does), then SIGKILL after {@code grace}. */
    public boolean stop(Duration grace) {
        boolean clean = true;
        if (process.isAlive()) {
            process.destroy();
            try {
                clean = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
            if (!clean) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        RUNNING.remove(this);
        return clean;
    }

    /**
     * SIGKILL, at once: a crash (power loss, OOM killer), with no shutdown hook, no offset flush and
     * no transaction closed. Waits until the process is gone.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
        RUNNING.remove(this);
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The last {@code max} WARN and ERROR lines of the log. */
    public String recentProblems(int max) {
        try {
            List<String> problems = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
            return String.join("\n", problems.subList(Math.max(0, problems.size() - max), problems.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
