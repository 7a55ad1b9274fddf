package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.util.MetricDoc;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics tables in docs/ are the MXBean interfaces' {@link MetricDoc}s, and cannot drift from them. */
class MetricsDocsTest {
    private static final Path DOCS = Path.of("docs");

    @Test
    void checkedInTablesMatchTheMxBeans() throws IOException {
        for (Map.Entry<String, List<MetricsDocs.Bean>> doc : MetricsDocs.DOCS.entrySet()) {
            String checkedIn = Files.readString(DOCS.resolve(doc.getKey()), StandardCharsets.UTF_8);
            assertThat(checkedIn)
                    .as("the metrics tables of docs/%s are stale (an MXBean changed): regenerate them with `%s` and commit",
                            doc.getKey(), ConfigDocs.REGENERATE_COMMAND)
                    .isEqualTo(MetricsDocs.update(doc.getKey(), checkedIn, doc.getValue()));
        }
    }

    @Test
    void everyAttributeIsDocumentedAndListed() {
        for (MetricsDocs.Bean bean : MetricsDocs.BEANS) {
            String table = MetricsDocs.table(bean);
            List<Method> getters = MetricsDocs.getters(bean.mxbean());
            assertThat(getters).as(bean.id()).isNotEmpty();
            for (Method getter : getters) {
                assertThat(getter.getAnnotation(MetricDoc.class)).as(getter.toString()).isNotNull();
                assertThat(table).contains("| `" + MetricsDocs.attribute(getter) + "` | ");
            }
            assertThat(table.lines().count()).as(bean.id()).isEqualTo(getters.size() + 2L);
        }
        assertThat(MetricsDocs.table(MetricsDocs.SINK_TASK))
                .contains("| `WritesInFlight` | gauge | ").contains("| `RecordsIn` | counter | ");
    }

    @Test
    void aGetterWithoutDescriptionIsNamed() {
        MetricsDocs.Bean bean = new MetricsDocs.Bean("undocumented", Undocumented.class);
        assertThatThrownBy(() -> MetricsDocs.table(bean)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("getSecret").hasMessageContaining("@MetricDoc");
    }

    interface Undocumented {
        @MetricDoc("documented")
        long getFine();

        long getSecret();
    }

    @Test
    void aDocWithoutMarkersIsNamed() {
        assertThatThrownBy(() -> MetricsDocs.update("x.md", "# no markers\n", List.of(MetricsDocs.CLIENT)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("x.md").hasMessageContaining("metrics:client");
    }

    @Test
    void writeRegeneratesAStaleTableAndKeepsTheRest(@TempDir Path dir) throws IOException {
        for (String doc : MetricsDocs.DOCS.keySet()) {
            Files.copy(DOCS.resolve(doc), dir.resolve(doc));
        }
        Path ops = dir.resolve("operations.md");
        String original = Files.readString(ops);
        String stale = original.replace("| `Retries` | counter |", "| `Retries` | gauge |");
        assertThat(stale).isNotEqualTo(original);
        Files.writeString(ops, stale);
        MetricsDocs.write(dir);
        assertThat(Files.readString(ops)).isEqualTo(original);
    }

    @Test
    void jmxToolsSeeTheDescriptionToo() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("kafka.connect.memoram.test:type=client-docs,test=" + System.nanoTime());
        server.registerMBean(new ClientMetrics(), name);
        try {
            MBeanAttributeInfo retries = List.of(server.getMBeanInfo(name).getAttributes()).stream()
                    .filter(a -> a.getName().equals("Retries")).findFirst().orElseThrow();
            assertThat(retries.getDescriptor().getFieldValue("memoram.description")).isEqualTo("Retries made.");
        } finally {
            server.unregisterMBean(name);
        }
    }
}
