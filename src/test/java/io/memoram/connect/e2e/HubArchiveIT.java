package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The Confluent Hub component archive that `mvn package` builds: layout and manifest. */
class HubArchiveIT {

    private static ZipFile zip;
    private static String root;
    private static JsonNode manifest;

    @BeforeAll
    static void open() throws IOException {
        Path archive = ProjectPaths.hubArchive();
        assertThat(archive).as("the Hub archive built by mvn package").exists();
        zip = new ZipFile(archive.toFile());
        root = "memoram-kafka-connect-memoram-" + ProjectPaths.projectVersion() + "/";
        ZipEntry manifestEntry = zip.getEntry(root + "manifest.json");
        assertThat(manifestEntry).as("manifest.json under " + root).isNotNull();
        try (InputStream in = zip.getInputStream(manifestEntry)) {
            manifest = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() throws IOException {
        zip.close();
    }

    @Test
    void archiveIsNamedAfterOwnerNameAndVersion() {
        assertThat(ProjectPaths.hubArchive().getFileName().toString())
                .isEqualTo("memoram-kafka-connect-memoram-" + ProjectPaths.projectVersion() + ".zip");
    }

    @Test
    void everythingSitsInOneTopLevelFolderWithTheHubLayout() {
        Set<String> topLevel = new TreeSet<>();
        Set<String> sections = new TreeSet<>();
        zip.stream().forEach(e -> {
            topLevel.add(e.getName().substring(0, e.getName().indexOf('/') + 1));
            String rest = e.getName().substring(root.length());
            if (rest.contains("/")) {
                sections.add(rest.substring(0, rest.indexOf('/')));
            }
        });
        assertThat(topLevel).containsExactly(root);
        assertThat(sections).containsExactlyInAnyOrder("lib", "etc", "doc", "assets");
    }

    @Test
    void manifestCarriesTheHubMetadata() {
        assertThat(manifest.path("name").asText()).isEqualTo("kafka-connect-memoram");
        assertThat(manifest.path("version").asText()).isEqualTo(ProjectPaths.projectVersion());
        for (String field : List.of("title", "description", "documentation_url")) {
            assertThat(manifest.path(field).asText()).as(field).isNotBlank().doesNotContain("${");
        }
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo("memoram");
        assertThat(manifest.path("owner").path("name").asText()).isNotBlank();
        assertThat(manifest.path("support").path("summary").asText()).isNotBlank();
        assertThat(manifest.path("support").path("url").asText()).startsWith("https://");
        assertThat(texts(manifest.path("tags"))).contains("memoram");
        assertThat(texts(manifest.path("requirements"))).isNotEmpty();
        assertThat(texts(manifest.path("component_types"))).containsExactlyInAnyOrder("source", "sink");
        assertThat(manifest.path("license").isArray()).isTrue();
        assertThat(manifest.path("license").get(0).path("name").asText()).isNotBlank();
        assertThat(manifest.path("license").get(0).path("url").asText()).startsWith("https://");
        assertThat(LocalDate.parse(manifest.path("release_date").asText())).isNotNull();

        JsonNode features = manifest.path("features");
        assertThat(texts(features.path("delivery_guarantee"))).isNotEmpty()
                .allSatisfy(g -> assertThat(g).isIn("at_least_once", "exactly_once"));
        for (String flag : List.of("single_message_transforms", "confluent_control_center_integration", "kafka_connect_api")) {
            assertThat(features.path(flag).isBoolean()).as("features." + flag).isTrue();
        }
        assertThat(texts(features.path("supported_encodings"))).isNotEmpty();
    }

    @Test
    void logosTheManifestNamesAreInTheArchive() {
        assertThat(zip.getEntry(root + manifest.path("logo").asText())).isNotNull();
        assertThat(zip.getEntry(root + manifest.path("owner").path("logo").asText())).isNotNull();
    }

    @Test
    void libHoldsOurJarAndItsDependenciesButNoKafkaOrSlf4j() throws IOException {
        List<String> jars = libJars();
        assertThat(jars).contains("kafka-connect-memoram-" + ProjectPaths.projectVersion() + ".jar");
        assertThat(jars).allSatisfy(j -> assertThat(j)
                .doesNotStartWith("kafka-clients").doesNotStartWith("connect-").doesNotStartWith("kafka_")
                .doesNotStartWith("slf4j").doesNotStartWith("log4j").doesNotStartWith("kotlin"));
        assertThat(jars).anySatisfy(j -> assertThat(j).startsWith("jackson-databind"))
                .anySatisfy(j -> assertThat(j).startsWith("bcprov"))
                .anySatisfy(j -> assertThat(j).startsWith("resilience4j-circuitbreaker"));
    }

    @Test
    void everyBundledLibraryIsInTheThirdPartyNotices() throws IOException {
        String notices = entryText("doc/THIRD-PARTY-NOTICES.md");
        for (String jar : libJars()) {
            if (jar.startsWith("kafka-connect-memoram-")) {
                continue;
            }
            String artifact = jar.replaceFirst("-\\d[^-]*(-SNAPSHOT)?\\.jar$", "");
            assertThat(notices).as("THIRD-PARTY-NOTICES.md must name %s (from lib/%s)", artifact, jar)
                    .contains("`" + artifact + "`");
        }
    }

    @Test
    void theThirdPartyNoticesGiveTheVersionOfEachBundledJar() throws IOException {
        // A dependency upgrade that forgets the notices ships jars the notices misdescribe.
        String notices = entryText("doc/THIRD-PARTY-NOTICES.md");
        for (String jar : libJars()) {
            if (jar.startsWith("kafka-connect-memoram-")) {
                continue;
            }
            String artifact = jar.replaceFirst("-\\d[^-]*(-SNAPSHOT)?\\.jar$", "");
            String version = jar.substring(artifact.length() + 1, jar.length() - ".jar".length());
            assertThat(notices).as("THIRD-PARTY-NOTICES.md must give lib/%s's version", jar)
                    .contains("| `" + artifact + "` | " + version + " |");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "etc/memoram-source.properties", "etc/memoram-sink.properties", "etc/memoram-source.json",
        "etc/memoram-sink.json", "etc/connect-standalone-memoram.properties",
        "etc/monitoring/memoram-jmx-exporter.yml", "etc/monitoring/memoram-alerts.yml",
        "etc/monitoring/memoram-grafana-dashboard.json",
        "doc/README.md", "doc/LICENSE", "doc/NOTICE", "doc/THIRD-PARTY-NOTICES.md", "doc/configuration.md",
        "doc/installation.md", "doc/access-flow.md", "doc/operations.md", "doc/security.md", "doc/troubleshooting.md",
        "doc/source.md", "doc/sink.md",
        "assets/memoram-logo.png", "assets/memoram-logo.svg"})
    void shipsExamplesDocsAndAssets(String path) {
        ZipEntry e = zip.getEntry(root + path);
        assertThat(e).as(path).isNotNull();
        assertThat(e.getSize()).as(path + " size").isPositive();
    }

    @Test
    void licenseIsTheApacheLicense() throws IOException {
        assertThat(entryText("doc/LICENSE")).contains("Apache License").contains("Version 2.0");
    }

    @ParameterizedTest
    @CsvSource({
        "io.memoram.connect.source.MemoramSourceConnector, org.apache.kafka.connect.source.SourceConnector",
        "io.memoram.connect.sink.MemoramSinkConnector, org.apache.kafka.connect.sink.SinkConnector"})
    void connectorsAreInTheJarAndListedForServiceLoaderDiscovery(String connector, String service) {
        // Asserted, not assumed: an archive whose jar lacks a connector is a broken build.
        ArchiveJar jar = ArchiveJar.read(ProjectPaths.hubArchive());
        assertThat(jar.has(connector)).as(ArchiveJar.entryName() + " holds " + connector).isTrue();
        assertThat(jar.services().get(service)).as("META-INF/services/" + service).isNotNull().contains(connector);
    }

    private static List<String> libJars() {
        List<String> jars = new ArrayList<>();
        zip.stream().map(ZipEntry::getName)
                .filter(n -> n.startsWith(root + "lib/") && n.endsWith(".jar"))
                .forEach(n -> jars.add(n.substring((root + "lib/").length())));
        return jars;
    }

    private static String entryText(String path) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(root + path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
