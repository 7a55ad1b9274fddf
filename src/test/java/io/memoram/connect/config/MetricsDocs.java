package io.memoram.connect.config;

import io.memoram.connect.client.ClientMetricsMXBean;
import io.memoram.connect.sink.SinkTaskMetricsMXBean;
import io.memoram.connect.source.SourceTaskMetricsMXBean;
import io.memoram.connect.util.MetricDefinition;
import io.memoram.connect.util.MetricDoc;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The metrics tables of docs/source.md, docs/sink.md and docs/operations.md, generated from the
 * {@link MetricDoc} annotations of the MXBean interfaces, between
 * {@code <!-- BEGIN GENERATED metrics:<bean> ... -->} and {@code <!-- END GENERATED metrics:<bean> -->}.
 * {@code MetricsDocsTest} fails when a checked-in table differs; {@link GeneratedDocs} rewrites them.
 */
public final class MetricsDocs {

    /** An MXBean interface and the name its tables go by (the {@code type=} of its object name, or a family). */
    record Bean(String id, Class<?> mxbean) { }

    static final Bean SOURCE_TASK = new Bean("source-task", SourceTaskMetricsMXBean.class);
    static final Bean SINK_TASK = new Bean("sink-task", SinkTaskMetricsMXBean.class);
    static final Bean CLIENT = new Bean("client", ClientMetricsMXBean.class);
    static final List<Bean> BEANS = List.of(SOURCE_TASK, SINK_TASK, CLIENT);

    /** Which doc (relative to docs/) holds which tables. */
    static final Map<String, List<Bean>> DOCS = Map.of(
            "source.md", List.of(SOURCE_TASK),
            "sink.md", List.of(SINK_TASK),
            "operations.md", List.of(SOURCE_TASK, SINK_TASK, CLIENT));

    private MetricsDocs() { }

    static String begin(Bean bean) {
        return "<!-- BEGIN GENERATED metrics:" + bean.id() + " (from " + bean.mxbean().getSimpleName()
                + "'s @MetricDoc; regenerate with `" + ConfigDocs.REGENERATE_COMMAND + "`) -->";
    }

    static String end(Bean bean) {
        return "<!-- END GENERATED metrics:" + bean.id() + " -->";
    }

    /** The attribute getters of an MXBean interface, by attribute name. */
    static List<Method> getters(Class<?> mxbean) {
        return Arrays.stream(mxbean.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0)
                .filter(m -> m.getName().startsWith("get") || m.getName().startsWith("is"))
                .sorted(Comparator.comparing(MetricsDocs::attribute))
                .toList();
    }

    static String attribute(Method getter) {
        return getter.getName().substring(getter.getName().startsWith("is") ? 2 : 3);
    }

    /**
     * The table of one bean: one row per {@link MetricDefinition}, the same definitions the MXBean
     * and the plugin metrics come from.
     *
     * @throws IllegalStateException naming a getter without {@link MetricDoc}
     */
    static String table(Bean bean) {
        StringBuilder md = new StringBuilder("| attribute | kind | plugin metric | meaning |\n|---|---|---|---|\n");
        for (MetricDefinition def : MetricDefinition.of(bean.mxbean())) {
            md.append("| `").append(def.attribute()).append("` | ").append(def.doc().gauge() ? "gauge" : "counter")
              .append(" | ").append(def.published() ? "`" + def.pluginName() + "`" : "(JMX only)")
              .append(" | ").append(def.doc().value().replace("|", "\\|").replace("\n", " ").trim()).append(" |\n");
        }
        return md.toString();
    }

    /**
     * {@code markdown} with the tables of {@code beans} regenerated between their markers.
     *
     * @throws IllegalStateException naming {@code doc} and the marker when a marker is missing
     */
    static String update(String doc, String markdown, List<Bean> beans) {
        String out = markdown;
        for (Bean bean : beans) {
            int b = out.indexOf(begin(bean));
            int e = out.indexOf(end(bean));
            if (b < 0 || e < b) {
                throw new IllegalStateException(doc + " has no generated block for metrics:" + bean.id()
                        + ": it needs the lines\n" + begin(bean) + "\n" + end(bean));
            }
            out = out.substring(0, b) + begin(bean) + "\n" + table(bean) + out.substring(e);
        }
        return out;
    }

    /** Rewrites the generated blocks of every doc in {@code docsDir}. */
    public static void write(Path docsDir) throws IOException {
        for (Map.Entry<String, List<Bean>> doc : DOCS.entrySet()) {
            Path file = docsDir.resolve(doc.getKey());
            String before = Files.readString(file, StandardCharsets.UTF_8);
            String after = update(doc.getKey(), before, doc.getValue());
            if (!after.equals(before)) {
                Files.writeString(file, after, StandardCharsets.UTF_8);
                System.out.println("Updated " + file.toAbsolutePath());
            }
        }
    }
}
