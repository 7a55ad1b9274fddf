package io.memoram.connect.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ThreadsTest {
    @AfterEach
    void clear() {
        MDC.clear();
    }

    private static String contextSeenBy(java.util.concurrent.ThreadFactory factory) throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread t = factory.newThread(() -> seen.complete(MDC.get(Threads.CONTEXT_KEY) + "|" + Thread.currentThread().getName()));
        assertThat(t.isDaemon()).isTrue();
        t.start();
        return seen.get(5, TimeUnit.SECONDS);
    }

    @Test
    void threadsCarryTheCreatorsConnectorContext() throws Exception {
        MDC.put(Threads.CONTEXT_KEY, "[my-sink|task-3] ");
        var factory = Threads.inheritingContext("lane-");
        MDC.clear(); // the context was captured when the factory was made
        assertThat(contextSeenBy(factory)).isEqualTo("[my-sink|task-3] |lane-1");
        assertThat(contextSeenBy(factory)).endsWith("|lane-2");
    }

    @Test
    void anExplicitContextIsSet() throws Exception {
        assertThat(contextSeenBy(Threads.withConnectorContext("monitor-", "[src|access-monitor] ")))
                .isEqualTo("[src|access-monitor] |monitor-1");
    }
}
