package io.memoram.connect.util;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a task's MXBean through the worker's {@code PluginMetrics} (KIP-877, Connect 4.1+), so
 * that every metrics reporter the worker runs sees the same numbers as JMX: each numeric
 * {@link MetricDefinition} of the interface becomes a gauge in group {@code plugins}, named like
 * {@code records-created}, tagged by the worker with {@code connector} and {@code task} and by us
 * with {@code component} (the bean's {@code type=}, e.g. {@code source-task}).
 *
 * <p>Older workers (3.6 to 4.0) have no {@code pluginMetrics()} and no {@code PluginMetrics}
 * class: the context is asked by reflection, and the class that names Kafka's metrics types
 * ({@link PluginMetricsPublisher}) is only loaded once the worker handed one over. Failures are
 * logged, never thrown: the MXBeans stay, and metrics must not stop data.
 */
public final class PluginMetricsBridge {
    private static final Logger log = LoggerFactory.getLogger(PluginMetricsBridge.class);
    /** What {@link #publish} returns when nothing was published. */
    public static final AutoCloseable NONE = () -> { };

    private PluginMetricsBridge() { }

    /**
     * Publishes {@code bean}'s metrics through {@code context.pluginMetrics()} when the worker has it.
     *
     * @param context a {@code SourceTaskContext} or {@code SinkTaskContext} (any object; null allowed)
     * @return closing it removes the metrics; {@link #NONE} on a worker without plugin metrics
     */
    public static AutoCloseable publish(Object context, String component, Class<?> mxbean, Object bean) {
        Object pluginMetrics = pluginMetrics(context);
        if (pluginMetrics == null) {
            return NONE;
        }
        try {
            return PluginMetricsPublisher.publish(pluginMetrics, component, mxbean, bean);
        } catch (RuntimeException | LinkageError e) {
            log.warn("Could not publish the {} metrics to the worker's metrics reporters (JMX has them): {}", component, e.toString());
            return NONE;
        }
    }

    /** The worker's PluginMetrics for this task, or null on a worker that has none (before 4.1). */
    static Object pluginMetrics(Object context) {
        if (context == null) {
            return null;
        }
        try {
            Method m = context.getClass().getMethod("pluginMetrics");
            m.setAccessible(true);
            return m.invoke(context);
        } catch (NoSuchMethodException e) {
            log.debug("This worker has no plugin metrics (Connect before 4.1): metrics are in JMX only");
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // A 4.1+ interface with an older implementation (AbstractMethodError), or a test double.
            log.debug("No plugin metrics from {}: {}", context.getClass().getName(), e.toString());
            return null;
        }
    }

    /** Closes quietly (for stop()). */
    public static void close(AutoCloseable published) {
        if (published == null) {
            return;
        }
        try {
            published.close();
        } catch (Exception e) {
            log.debug("Removing plugin metrics: {}", e.toString());
        }
    }
}
