package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own plugin checker on the archive a user downloads: {@code connect-plugin-path list
 * --plugin-location <unpacked archive>} (ConnectPluginPath, KIP-898, from kafka-tools) must find
 * both connectors, loadable and declared in {@code META-INF/services}, so that workers with
 * {@code plugin.discovery=service_load} (the fast scan, and the default from Kafka 4.x on) load
 * them. Runs after {@code package}, in a JVM of its own whose classpath is the Kafka tools and
 * their dependencies only: the connectors can only come from the archive.
 */
class PluginPathListIT {
    private static final String TOOL = "org.apache.kafka.tools.ConnectPluginPath";
    private static final String SOURCE_CLASS = "io.memoram.connect.source.MemoramSourceConnector";
    private static final String SINK_CLASS = "io.memoram.connect.sink.MemoramSinkConnector";
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path work;

    @Test
    void bothConnectorsAreLoadableWithServiceLoaderManifests() throws Exception {
        Path plugin = PluginInstaller.install(ProjectPaths.hubArchive(), work.resolve("plugins"));
        Path out = work.resolve("connect-plugin-path.out");
        Path err = work.resolve("connect-plugin-path.err");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", toolClasspath(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                TOOL, "list", "--plugin-location", plugin.toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)).as("%s finished within %d minutes", TOOL, TIMEOUT_MINUTES)
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of connect-plugin-path list; stdout:%n%s%nstderr:%n%s", output,
                Files.readString(err, StandardCharsets.UTF_8)).isZero();

        List<Map<String, String>> rows = rows(output);
        Map<String, Map<String, String>> byClass = rows.stream()
                .collect(Collectors.toMap(r -> r.get("pluginName"), r -> r, (a, b) -> a, LinkedHashMap::new));
        assertThat(byClass).as("plugins listed at %s:%n%s", plugin, output)
                .containsOnlyKeys(SOURCE_CLASS, SINK_CLASS);
        expect(byClass.get(SOURCE_CLASS), "source", "MemoramSourceConnector", plugin, output);
        expect(byClass.get(SINK_CLASS), "sink", "MemoramSinkConnector", plugin, output);
    }

    private static void expect(Map<String, String> row, String type, String alias, Path plugin, String output) {
        assertThat(row).as("%s in:%n%s", alias, output)
                .containsEntry("pluginType", type)
                .containsEntry("firstAlias", alias)
                .containsEntry("pluginVersion", ProjectPaths.projectVersion())
                .containsEntry("isLoadable", "true")
                // hasManifest: listed in META-INF/services, so plugin.discovery=service_load finds it
                .containsEntry("hasManifest", "true")
                .containsEntry("pluginLocation", plugin.toString());
    }

    /**
     * The tool's table: a tab-separated header line, then one line per plugin, each with as many
     * tab-separated cells as the header (the tool's log lines, which may be interleaved with the
     * table on stdout, have none), up to the summary ("Total plugins: ...").
     */
    static List<Map<String, String>> rows(String output) {
        List<String> lines = output.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("pluginName\t")) {
                header = i;
                break;
            }
        }
        assertThat(header).as("the table header of connect-plugin-path list in:%n%s", output).isNotNegative();
        String[] columns = lines.get(header).split("\t");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.startsWith("Total plugins")) {
                break;
            }
            String[] cells = line.split("\t", -1);
            if (cells.length != columns.length) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.length; c++) {
                row.put(columns[c], cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The Kafka jars this build tests with (kafka-tools and connect-runtime 4.3.1 with their
     * dependencies), without this project's classes or jar and without test jars (which carry
     * plugins of their own and would only slow the scan).
     */
    private static String toolClasspath() throws IOException {
        String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path project = ProjectPaths.projectDir();
        List<String> entries = Arrays.stream(testClasspath.split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .filter(e -> !Path.of(e).toAbsolutePath().normalize().startsWith(project))
                .filter(e -> !e.endsWith("-test.jar") && !e.endsWith("-tests.jar"))
                .toList();
        assertThat(entries).as("kafka-tools on the test classpath (pom.xml, test scope)")
                .anyMatch(e -> Path.of(e).getFileName().toString().startsWith("kafka-tools-"));
        return String.join(File.pathSeparator, entries);
    }
}
