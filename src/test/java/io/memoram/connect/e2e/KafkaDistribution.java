package io.memoram.connect.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka 4.4.0 as a user runs it, from Maven Central's jars: src/e2e/kafka-dist/pom.xml is
 * resolved with {@code dependency:copy-dependencies} into target/kafka-dist-4.4.0/libs, once
 * (offline first, so a filled local repository needs no network). These jars are only ever put on
 * the classpath of separate processes, never on the tests' 4.3.1 classpath.
 */
public final class KafkaDistribution {
    public static final String VERSION = "4.4.0";

    /** The oldest Connect the plugin supports (docs/installation.md): workers only, with the {@link #VERSION} broker. */
    public static final String OLDEST_SUPPORTED = "3.6.2";
    /** The Log4j of src/e2e/kafka-dist/pom.xml. */
    private static final String LOG4J_VERSION = "2.25.5";

    private final Path home;
    private final String version;

    private KafkaDistribution(Path home, String version) {
        this.home = home;
        this.version = version;
    }

    public static KafkaDistribution ensure(Progress progress) throws IOException, InterruptedException {
        return ensure(progress, VERSION);
    }

    /**
     * Another Kafka release from the same pom ({@code -Dkafka.version}), for workers of an older
     * Connect; its SLF4J 1.7 binding to reload4j is left out so that log4j2 (the config above) logs,
     * and Log4j 2's Log4j 1 bridge stands in for reload4j.
     */
    public static synchronized KafkaDistribution ensure(Progress progress, String version) throws IOException, InterruptedException {
        Path home = ProjectPaths.targetDir().resolve("kafka-dist-" + version);
        Path libs = home.resolve("libs");
        Path marker = home.resolve(".complete");
        if (!Files.exists(marker)) {
            progress.step("Fetching the Kafka " + version + " jars from Maven Central into " + ProjectPaths.projectDir().relativize(libs)
                    + " (first run only)");
            Files.createDirectories(home);
            Path log = home.resolve("fetch.log");
            if (!copyDependencies(version, libs, log, true) && !copyDependencies(version, libs, log, false)) {
                throw new IllegalStateException("Could not fetch the Kafka " + version + " jars; see " + log);
            }
            Files.writeString(marker, version + "\n");
        }
        return new KafkaDistribution(home, version);
    }

    public String version() {
        return version;
    }

    private static boolean copyDependencies(String version, Path libs, Path log, boolean offline) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(mavenExecutable());
        cmd.add("-B");
        if (offline) {
            cmd.add("-o");
        }
        cmd.add("-f");
        cmd.add(ProjectPaths.projectDir().resolve("src/e2e/kafka-dist/pom.xml").toString());
        String repo = System.getProperty("memoram.maven.repo");
        if (repo != null && !repo.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        cmd.add("dependency:copy-dependencies");
        if (!version.equals(VERSION)) {
            // Connect 3.x calls the Log4j 1 API (its admin/loggers resource): Log4j 2's bridge for it.
            cmd.add("-Dkafka.version=" + version);
            cmd.add("-DexcludeArtifactIds=slf4j-reload4j,reload4j");
            cmd.add("dependency:copy");
            cmd.add("-Dartifact=org.apache.logging.log4j:log4j-1.2-api:" + LOG4J_VERSION);
        }
        cmd.add("-DoutputDirectory=" + libs.toAbsolutePath());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** The mvn running this build (exec:java and failsafe pass maven.home), else mvn on the PATH. */
    static String mavenExecutable() {
        String home = System.getProperty("maven.home");
        if (home != null) {
            File mvn = new File(home, "bin/mvn");
            if (mvn.canExecute()) {
                return mvn.getPath();
            }
        }
        return "mvn";
    }

    public Path libs() {
        return home.resolve("libs");
    }

    /** The log4j2 config of the real processes (src/e2e/kafka-dist/log4j2.properties). */
    public Path log4jConfig() {
        return ProjectPaths.projectDir().resolve("src/e2e/kafka-dist/log4j2.properties");
    }

    public List<String> loggingJvmArgs() {
        return List.of("-Dlog4j2.configurationFile=" + log4jConfig().toUri());
    }
}
