package io.memoram.connect.util;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One metric, defined once: an MXBean getter with its {@link MetricDoc}. The MXBean attribute, the
 * plugin metric (KIP-877, {@link PluginMetricsBridge}) and the generated docs tables all come from
 * it, so they cannot disagree.
 *
 * @param attribute  the MXBean attribute ({@code RecordsCreated})
 * @param pluginName the plugin metric's name ({@code records-created}), or null when the value is
 *                   not a number (metrics reporters and Prometheus take numbers only; JMX only)
 * @param doc        its meaning and kind
 * @param getter     the interface method that reads it
 */
public record MetricDefinition(String attribute, String pluginName, MetricDoc doc, Method getter) {

    /**
     * The metrics of an MXBean interface, sorted by attribute.
     *
     * @throws IllegalStateException naming a getter without {@link MetricDoc}
     */
    public static List<MetricDefinition> of(Class<?> mxbean) {
        return Arrays.stream(mxbean.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0)
                .filter(m -> m.getName().startsWith("get") || m.getName().startsWith("is"))
                .map(m -> define(mxbean, m))
                .sorted(Comparator.comparing(MetricDefinition::attribute))
                .toList();
    }

    private static MetricDefinition define(Class<?> mxbean, Method getter) {
        MetricDoc doc = getter.getAnnotation(MetricDoc.class);
        if (doc == null) {
            throw new IllegalStateException(mxbean.getName() + "." + getter.getName()
                    + " has no @MetricDoc: say what it means there (docs are generated from it)");
        }
        String attribute = getter.getName().substring(getter.getName().startsWith("is") ? 2 : 3);
        return new MetricDefinition(attribute, numeric(getter.getReturnType()) ? kebab(attribute) : null, doc, getter);
    }

    private static boolean numeric(Class<?> type) {
        return type == long.class || type == int.class || type == double.class || Number.class.isAssignableFrom(type);
    }

    /** {@code Responses5xx} to {@code responses-5xx}, {@code PassStartLagMs} to {@code pass-start-lag-ms}: Kafka's style. */
    static String kebab(String attribute) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < attribute.length(); i++) {
            char c = attribute.charAt(i);
            if (i > 0) {
                char prev = attribute.charAt(i - 1);
                boolean wordStart = Character.isUpperCase(c) && !Character.isUpperCase(prev);
                boolean numberStart = Character.isDigit(c) && !Character.isDigit(prev);
                if (wordStart || numberStart) {
                    out.append('-');
                }
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    /** True when metrics reporters see it too (numbers only). */
    public boolean published() {
        return pluginName != null;
    }
}
