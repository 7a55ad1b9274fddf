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

    private final Path home;

    private KafkaDistribution(Path home) {
        this.home = home;
    }

    public static synchronized KafkaDistribution ensure(Progress progress) throws IOException, InterruptedException {
        Path home = ProjectPaths.targetDir().resolve("kafka-dist-" + VERSION);
        Path libs = home.resolve("libs");
        Path marker = home.resolve(".complete");
        if (!Files.exists(marker)) {
            progress.step("Fetching the Kafka " + VERSION + " jars from Maven Central into " + ProjectPaths.projectDir().relativize(libs)
                    + " (first run only)");
            Files.createDirectories(home);
            Path log = home.resolve("fetch.log");
            if (!copyDependencies(libs, log, true) && !copyDependencies(libs, log, false)) {
                throw new IllegalStateException("Could not fetch the Kafka " + VERSION + " jars; see " + log);
            }
            Files.writeString(marker, VERSION + "\n");
        }
        return new KafkaDistribution(home);
    }

    private static boolean copyDependencies(Path libs, Path log, boolean offline) throws IOException, InterruptedException {
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
