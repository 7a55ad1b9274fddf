package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.util.Jmx;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A start() that fails leaves nothing behind (Connect calls stop() only after start() returned):
 * no MBean of the task stays registered, and no thread it started (HTTP client, pipeline, access
 * reads) outlives it. Start is failed at each of its steps.
 */
class SourceTaskStartFailureTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private static Map<String, String> taskProps(String name) {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        Map<String, String> p = new HashMap<>();
        p.put("name", name);
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.check.interval.ms", "100");
        return TaskConfigs.singleTask(p, List.of(new AccessTaskConfig.Request(emu.grantAccess(apiKey, u), u.userId(), null)));
    }

    private static int beans(String connector) throws Exception {
        return ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(Jmx.DOMAIN + ":connector=" + ObjectName.quote(connector) + ",*"), null).size();
    }

    /** Live threads of HTTP clients (the JDK's, the client's deadlines) and of source tasks (the pipeline's, the access reads'). */
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("HttpClient-") || t.getName().startsWith("memoram-client-")
                        || t.getName().startsWith("memoram-source-"))
                .collect(Collectors.toSet());
    }

    /**
     * No MBean of the connector's task, and every thread started since {@code before} ends. On Java 17
     * an HTTP client's threads end once the client is unreachable, hence the collections: a client
     * kept reachable (by a registered MBean's gauges, say) keeps its threads.
     */
    private static void assertNothingLeft(String connector, Set<Thread> before) throws Exception {
        assertThat(beans(connector)).as("MBeans of the task").isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            System.gc();
            Set<Thread> started = threads();
            started.removeAll(before);
            assertThat(started).as("threads started by the task").isEmpty();
        });
    }

    /** Starts a task that must fail, in a method of its own: the failed task is unreachable afterwards. */
    private static void failStart(MemoramSourceTask t, SourceTaskContext context, Map<String, String> props, String message) {
        t.initialize(context);
        assertThatThrownBy(() -> t.start(props)).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"metrics", "client-metrics", "client", "registry", "offsets", "pipeline", "signals", "access"})
    void aStartFailingAtEachStepLeavesNoThreadOrMBean(String step) throws Exception {
        String name = "start-fails-at-" + step;
        Map<String, String> props = taskProps(name);
        Set<Thread> before = threads();
        failStart(new MemoramSourceTask(Clock.systemUTC(), MemoramSourceTask.MAX_IDLE_WAIT, s -> {
            if (s.equals(step)) {
                throw new ConnectException("failing start at " + s);
            }
        }), new Fakes.TaskContext(props), props, "failing start at " + step);
        assertNothingLeft(name, before);
    }

    /** The real failure a worker meets: offset storage unreadable while the task starts. */
    @Test
    void aStartWhoseOffsetReadFailsLeavesNoThreadOrMBean() throws Exception {
        String name = "start-fails-reading-offsets";
        Map<String, String> props = taskProps(name);
        Set<Thread> before = threads();
        OffsetStorageReader broken = new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                throw new ConnectException("offset storage unreadable");
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                throw new ConnectException("offset storage unreadable");
            }
        };
        failStart(new MemoramSourceTask(), new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return broken;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        }, props, "offset storage unreadable");
        assertNothingLeft(name, before);
    }

    @Test
    void aStartedTaskStopsCleanToo() throws Exception {
        String name = "start-then-stop";
        Map<String, String> props = taskProps(name);
        Set<Thread> before = threads();
        startAndStop(name, props);
        assertNothingLeft(name, before);
    }

    /** In a method of its own, so that the stopped task is unreachable afterwards (its HTTP client too, on Java 17). */
    private static void startAndStop(String name, Map<String, String> props) throws Exception {
        MemoramSourceTask t = new MemoramSourceTask();
        t.initialize(new Fakes.TaskContext(props));
        t.start(props);
        assertThat(beans(name)).as("source-task, client-source and source-signals").isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            t.poll();
            return t.metrics().getUsersActive() == 1;
        });
        t.stop();
    }
}
