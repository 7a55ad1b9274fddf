package io.memoram.connect.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The half of {@link PluginMetricsBridge} that names Kafka 4.1+ types: only loaded on a worker that
 * handed over a {@link PluginMetrics}.
 */
final class PluginMetricsPublisher {
    private static final Logger log = LoggerFactory.getLogger(PluginMetricsPublisher.class);
    /** The tag that tells our beans of one task apart (the worker adds connector and task). */
    static final String COMPONENT_TAG = "component";

    private PluginMetricsPublisher() { }

    static AutoCloseable publish(Object pluginMetrics, String component, Class<?> mxbean, Object bean) {
        PluginMetrics metrics = (PluginMetrics) pluginMetrics;
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put(COMPONENT_TAG, component);
        List<MetricName> added = new ArrayList<>();
        for (MetricDefinition def : MetricDefinition.of(mxbean)) {
            if (!def.published()) {
                continue;
            }
            MetricName name = metrics.metricName(def.pluginName(), def.doc().value(), tags);
            MethodHandle getter = handle(def);
            Gauge<Number> gauge = (config, now) -> read(getter, bean);
            try {
                metrics.addMetric(name, gauge);
                added.add(name);
            } catch (IllegalArgumentException e) {
                log.debug("Plugin metric {} exists already: {}", name, e.getMessage());
            }
        }
        return () -> {
            for (MetricName name : added) {
                try {
                    metrics.removeMetric(name);
                } catch (RuntimeException e) {
                    // the worker closes a task's PluginMetrics itself once the task stopped
                    log.debug("Plugin metric {} already gone: {}", name, e.toString());
                }
            }
        };
    }

    private static MethodHandle handle(MetricDefinition def) {
        try {
            return MethodHandles.publicLookup().unreflect(def.getter());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("metric getter not public: " + def.getter(), e);
        }
    }

    private static Number read(MethodHandle getter, Object bean) {
        try {
            return (Number) getter.invoke(bean);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // A reporter must not fail on one metric; NaN is what Kafka's gauges report for "unknown".
            return Double.NaN;
        }
    }
}
