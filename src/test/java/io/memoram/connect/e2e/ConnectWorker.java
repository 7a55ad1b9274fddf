package io.memoram.connect.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.awaitility.Awaitility;

/** A real distributed Connect worker ({@code connect-distributed.sh}) with the plugin on its plugin.path. */
public final class ConnectWorker implements AutoCloseable {
    private final String name;
    private final JavaProcess process;
    private final ConnectRest rest;
    private final int jmxPort;

    private ConnectWorker(String name, JavaProcess process, ConnectRest rest, int jmxPort) {
        this.name = name;
        this.process = process;
        this.rest = rest;
        this.jmxPort = jmxPort;
    }

    /** What a worker needs; the rest of its config is the defaults a small cluster uses. */
    public record Spec(String name, String bootstrapServers, Path pluginPath, String groupId, String discovery,
                       Map<String, String> env, Map<String, String> extraConfig, boolean jmx, boolean verboseLogs,
                       List<String> extraJvmArgs) {
        public Spec {
            env = Map.copyOf(env);
            extraConfig = Map.copyOf(extraConfig);
            extraJvmArgs = List.copyOf(extraJvmArgs);
        }

        public Spec(String name, String bootstrapServers, Path pluginPath, String groupId, String discovery,
                    Map<String, String> env, Map<String, String> extraConfig, boolean jmx, boolean verboseLogs) {
            this(name, bootstrapServers, pluginPath, groupId, discovery, env, extraConfig, jmx, verboseLogs, List.of());
        }

        /** This spec with JVM options added (a {@code -javaagent}, for example). */
        public Spec withJvmArgs(List<String> args) {
            List<String> all = new ArrayList<>(extraJvmArgs);
            all.addAll(args);
            return new Spec(name, bootstrapServers, pluginPath, groupId, discovery, env, extraConfig, jmx, verboseLogs, all);
        }
    }

    /** Starts the process; {@link #awaitReady} waits until its REST API serves requests. */
    public static ConnectWorker start(KafkaDistribution dist, Path workDir, Spec spec) throws IOException {
        Files.createDirectories(workDir);
        int restPort = Ports.free();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("bootstrap.servers", spec.bootstrapServers());
        c.put("group.id", spec.groupId());
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("config.storage.topic", spec.groupId() + "-configs");
        c.put("offset.storage.topic", spec.groupId() + "-offsets");
        c.put("status.storage.topic", spec.groupId() + "-status");
        c.put("config.storage.replication.factor", "1");
        c.put("offset.storage.replication.factor", "1");
        c.put("status.storage.replication.factor", "1");
        c.put("offset.storage.partitions", "5");
        c.put("status.storage.partitions", "5");
        c.put("offset.flush.interval.ms", "1000");
        c.put("listeners", "http://127.0.0.1:" + restPort);
        c.put("rest.advertised.host.name", "127.0.0.1");
        c.put("rest.advertised.port", String.valueOf(restPort));
        c.put("plugin.path", spec.pluginPath().toAbsolutePath().toString());
        if (spec.discovery() != null) {
            c.put("plugin.discovery", spec.discovery());
        }
        // Secrets reach connector configs through these, as docs/security.md tells users to do.
        c.put("config.providers", "file,env");
        c.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        c.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        c.putAll(spec.extraConfig());
        Path config = workDir.resolve("connect-distributed.properties");
        Properties p = new Properties();
        p.putAll(c);
        try (var w = Files.newBufferedWriter(config)) {
            p.store(w, "Connect worker " + spec.name());
        }

        List<String> jvm = new ArrayList<>(dist.loggingJvmArgs());
        jvm.add("-Xmx512m");
        if (spec.verboseLogs()) {
            jvm.add("-Dmemoram.kafka.log.level=info");
        }
        int jmxPort = -1;
        if (spec.jmx()) {
            jmxPort = Ports.free();
            jvm.addAll(List.of("-Dcom.sun.management.jmxremote",
                    "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false"));
        }
        jvm.addAll(spec.extraJvmArgs());
        JavaProcess process = JavaProcess.start(spec.name(), dist.libs(), jvm,
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()), spec.env(),
                workDir.resolve(spec.name() + ".log"));
        return new ConnectWorker(spec.name(), process, new ConnectRest("http://127.0.0.1:" + restPort), jmxPort);
    }

    /** Waits until the worker has joined its group and answers GET /connectors. */
    public ConnectWorker awaitReady(Duration timeout) {
        Awaitility.await(name + " REST API at " + rest.baseUrl()).atMost(timeout).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
                .until(() -> {
                    process.ensureAlive();
                    return rest.get("/connectors").status() == 200;
                });
        return this;
    }

    public String name() {
        return name;
    }

    public ConnectRest rest() {
        return rest;
    }

    /** "127.0.0.1:port", the worker id the status API reports for tasks it runs. */
    public String workerId() {
        return rest.baseUrl().substring("http://".length());
    }

    public int jmxPort() {
        return jmxPort;
    }

    public JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
