package io.memoram.connect.util;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Thread factories for the plugin's own threads. Connect puts {@code connector.context} (e.g.
 * {@code [my-sink|task-0] }) into the MDC of the threads it owns; threads we start would lose it,
 * so their log lines could not be told apart on a worker running many connectors. These threads
 * are daemons and carry the given logging context.
 */
public final class Threads {
    public static final String CONTEXT_KEY = "connector.context";

    private Threads() { }

    /** Daemon threads named {@code prefix + n}, carrying the MDC of the thread that calls this. */
    public static ThreadFactory inheritingContext(String prefix) {
        return withContext(prefix, MDC.getCopyOfContextMap());
    }

    /** Daemon threads named {@code prefix + n} whose {@code connector.context} is {@code context}. */
    public static ThreadFactory withConnectorContext(String prefix, String context) {
        return withContext(prefix, Map.of(CONTEXT_KEY, context));
    }

    private static ThreadFactory withContext(String prefix, Map<String, String> mdc) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                r.run();
            }, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
