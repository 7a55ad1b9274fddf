package io.memoram.connect.util;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.management.DescriptorKey;

/**
 * What an MXBean attribute means, on its getter. Javadoc is gone at runtime; this is not: the
 * metrics tables of docs/source.md, docs/sink.md and docs/operations.md are generated from it (a
 * test fails when they differ), and JMX tools show it in the attribute's descriptor.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface MetricDoc {
    /** One sentence for operators: what is counted or measured, and when it matters. */
    @DescriptorKey("memoram.description")
    String value();

    /** True for a value that goes up and down (a gauge); false for a counter that only grows. */
    @DescriptorKey("memoram.gauge")
    boolean gauge() default false;
}
