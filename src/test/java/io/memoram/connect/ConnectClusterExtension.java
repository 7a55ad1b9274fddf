package io.memoram.connect;

import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns the embedded Connect clusters of the cluster tests (a Kafka broker and Connect workers in
 * the test JVM). Register it on a static field; before the class's tests it fills the class's
 * static {@link EmbeddedConnectCluster} fields (or call {@link #cluster()}):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
 * private static EmbeddedConnectCluster connect;
 * }</pre>
 *
 * {@link #shared()} is one cluster for every class that asks for it, started by the first and
 * stopped when the test run ends: starting one costs seconds, and classes with their own emulator,
 * connector names and topics do not interfere. {@link #own} starts one for a single class, for
 * worker settings that change what every connector does (exactly-once source support).
 *
 * <p>After each test, passed or failed, every connector is deleted and a removed worker replaced,
 * so that a failed test leaves nothing running into the next one; with {@link #clearingFaultsOf}
 * the class's emulator's faults are cleared first (the class's own emulator: each class registers
 * its own, so no emulator is shared between classes).
 */
public final class ConnectClusterExtension implements BeforeAllCallback, AfterEachCallback {
    /** Records up to this size pass the broker and the workers' producers (the sink's DLQ takes oversize records). */
    public static final int MAX_MESSAGE_BYTES = 3_000_000;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConnectClusterExtension.class);
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(60);

    private final String name;
    private final int workers;
    private final Map<String, String> extraWorkerProps;
    private final boolean shared;
    private volatile EmbeddedConnectCluster cluster;
    private volatile MemoramEmulator faultsToClear;

    private ConnectClusterExtension(String name, int workers, Map<String, String> extraWorkerProps, boolean shared) {
        this.name = name;
        this.workers = workers;
        this.extraWorkerProps = Map.copyOf(extraWorkerProps);
        this.shared = shared;
    }

    /** The cluster shared by the classes that use it: one broker, two workers. */
    public static ConnectClusterExtension shared() {
        return new ConnectClusterExtension("memoram-shared", 2, Map.of(), true);
    }

    /** A cluster for one class only, with these worker settings on top of the common ones. */
    public static ConnectClusterExtension own(String name, int workers, Map<String, String> extraWorkerProps) {
        return new ConnectClusterExtension(name, workers, extraWorkerProps, false);
    }

    /**
     * Clears {@code emu}'s faults after each test, before the connectors are deleted (as the classes'
     * own {@code @AfterEach} did): a fault a failed test left behind cannot slow the next one.
     */
    public ConnectClusterExtension clearingFaultsOf(MemoramEmulator emu) {
        this.faultsToClear = emu;
        return this;
    }

    /** The running cluster; available from the class's {@code @BeforeAll} on. */
    public EmbeddedConnectCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster starts before the class's tests: register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store lives until the run ends; a class's store closes after the class.
        ExtensionContext scope = shared ? context.getRoot() : context;
        cluster = scope.getStore(NAMESPACE).getOrComputeIfAbsent(name, n -> new Running(start()), Running.class).cluster();
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())
                    && f.getType() == EmbeddedConnectCluster.class) {
                f.setAccessible(true);
                try {
                    f.set(null, cluster);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot set " + f, e);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (faultsToClear != null) {
            faultsToClear.faults().clear();
        }
        EmbeddedConnectCluster c = cluster();
        for (Object connector : List.copyOf(c.connectors())) {
            c.deleteConnector((String) connector);
        }
        while (c.workers().size() < workers) {
            c.addWorker();
        }
        Awaitility.await("connectors deleted and " + workers + " workers up").atMost(CLEANUP_WAIT)
                .ignoreExceptions()
                .until(() -> c.connectors().isEmpty() && c.healthyWorkers().size() == workers);
    }

    /** A started cluster with the same settings, for code outside JUnit (benchmarks); the caller stops it. */
    public static EmbeddedConnectCluster startUnmanaged(String name, int workers) {
        return new ConnectClusterExtension(name, workers, Map.of(), false).start();
    }

    private EmbeddedConnectCluster start() {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.discovery", "service_load");
        worker.put("offset.flush.interval.ms", "500");
        worker.put("scheduled.rebalance.max.delay.ms", "500");
        worker.put("producer.max.request.size", Integer.toString(MAX_MESSAGE_BYTES));
        // Secrets reach connector configs through the FileConfigProvider, as docs/security.md says.
        worker.put("config.providers", "file");
        worker.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        worker.putAll(extraWorkerProps);
        Properties broker = new Properties();
        broker.put("auto.create.topics.enable", "true");
        broker.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // One broker: transactions (exactly-once workers) need a transaction log it can host alone.
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        EmbeddedConnectCluster c = new EmbeddedConnectCluster.Builder()
                .name(name).numWorkers(workers).numBrokers(1).workerProps(worker).brokerProps(broker).build();
        c.start();
        return c;
    }

    /** Stops the cluster when its store closes (end of the class, or of the run when shared). */
    private record Running(EmbeddedConnectCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.stop();
        }
    }
}
