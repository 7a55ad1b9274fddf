package io.memoram.connect.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker and Connect workers as real processes, with the Hub archive installed in plugin.path:
 * what the demo and the end-to-end tests run. {@link #close()} stops workers before the broker
 * (the other order leaves workers hanging on shutdown).
 */
public final class ConnectStack implements AutoCloseable {
    private final KafkaDistribution dist;
    private final Path workDir;
    private final Path pluginPath;
    private final KafkaBroker broker;
    private final List<ConnectWorker> workers = new ArrayList<>();

    private ConnectStack(KafkaDistribution dist, Path workDir, Path pluginPath, KafkaBroker broker) {
        this.dist = dist;
        this.workDir = workDir;
        this.pluginPath = pluginPath;
        this.broker = broker;
    }

    /** Fetches Kafka if needed, installs the archive and starts the broker. */
    public static ConnectStack start(Path workDir, Progress progress) throws IOException, InterruptedException {
        KafkaDistribution dist = KafkaDistribution.ensure(progress);
        Path pluginPath = workDir.resolve("plugins");
        Path archive = ProjectPaths.hubArchive();
        Path plugin = PluginInstaller.install(archive, pluginPath);
        progress.step("Installed " + archive.getFileName() + " into plugin.path " + ProjectPaths.projectDir().relativize(plugin));
        progress.step("Starting a Kafka " + KafkaDistribution.VERSION + " broker (single-node KRaft)");
        KafkaBroker broker = KafkaBroker.start(dist, workDir.resolve("broker"), Duration.ofSeconds(90));
        progress.detail("broker ready at " + broker.bootstrapServers() + " (pid " + broker.process().pid() + ")");
        return new ConnectStack(dist, workDir, pluginPath, broker);
    }

    /** Starts workers in parallel (each JVM start takes seconds) and waits until all serve REST. */
    public List<ConnectWorker> startWorkers(List<ConnectWorker.Spec> specs, Progress progress) throws IOException {
        return startWorkers(dist, specs, progress);
    }

    /** Workers of another Connect release ({@link KafkaDistribution#ensure(Progress, String)}) with this stack's broker. */
    public List<ConnectWorker> startWorkers(KafkaDistribution connect, List<ConnectWorker.Spec> specs, Progress progress)
            throws IOException {
        List<ConnectWorker> started = new ArrayList<>();
        for (ConnectWorker.Spec spec : specs) {
            progress.step("Starting Connect " + connect.version() + " worker " + spec.name() + " (plugin.discovery="
                    + (spec.discovery() == null ? "default" : spec.discovery()) + ")");
            ConnectWorker w = ConnectWorker.start(connect, workDir.resolve(spec.name()), spec);
            workers.add(w);
            started.add(w);
        }
        for (ConnectWorker w : started) {
            w.awaitReady(Duration.ofSeconds(120));
            progress.detail(w.name() + " ready at " + w.rest().baseUrl() + " (pid " + w.process().pid() + ")");
        }
        return started;
    }

    /** Specs with this stack's broker and plugin.path filled in. */
    public ConnectWorker.Spec spec(String name, String groupId, String discovery, java.util.Map<String, String> env,
                                   java.util.Map<String, String> extraConfig, boolean jmx, boolean verboseLogs) {
        return new ConnectWorker.Spec(name, broker.bootstrapServers(), pluginPath, groupId, discovery, env, extraConfig, jmx,
                verboseLogs);
    }

    public KafkaBroker broker() {
        return broker;
    }

    public List<ConnectWorker> workers() {
        return List.copyOf(workers);
    }

    public Path workDir() {
        return workDir;
    }

    /** Stops one worker cleanly (SIGTERM), as an operator or a rolling restart does. */
    public void stopWorker(ConnectWorker worker) {
        worker.close();
        workers.remove(worker);
    }

    /** Kills one worker with SIGKILL: a crash, nothing flushed or committed on the way out. */
    public void killWorker(ConnectWorker worker) {
        worker.process().kill();
        workers.remove(worker);
    }

    @Override
    public void close() {
        List<ConnectWorker> running = new ArrayList<>(workers);
        running.parallelStream().forEach(ConnectWorker::close);
        workers.clear();
        broker.close();
    }
}
