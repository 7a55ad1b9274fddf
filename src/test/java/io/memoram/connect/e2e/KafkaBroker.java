package io.memoram.connect.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;

/**
 * A single-node KRaft broker (broker and controller in one process), started the way the Kafka
 * quickstart does it: {@code kafka-storage format --standalone}, then {@code kafka-server-start}.
 */
public final class KafkaBroker implements AutoCloseable {
    private final JavaProcess process;
    private final String bootstrapServers;

    private KafkaBroker(JavaProcess process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaBroker start(KafkaDistribution dist, Path workDir, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        int brokerPort = Ports.free();
        int controllerPort = Ports.free();
        Path config = workDir.resolve("server.properties");
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", workDir.resolve("data").toAbsolutePath().toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        try (var w = Files.newBufferedWriter(config)) {
            p.store(w, "single-node KRaft broker for the Memoram demo / e2e tests");
        }

        List<String> jvm = new java.util.ArrayList<>(dist.loggingJvmArgs());
        jvm.add("-Xmx512m");
        JavaProcess.run("kafka-storage format", dist.libs(), jvm, "kafka.tools.StorageTool",
                List.of("format", "--standalone", "-t", clusterId(), "-c", config.toString()),
                workDir.resolve("storage-format.log"), Duration.ofSeconds(90));
        JavaProcess broker = JavaProcess.start("kafka-broker", dist.libs(), jvm, "kafka.Kafka",
                List.of(config.toString()), Map.of(), workDir.resolve("broker.log"));
        KafkaBroker kafka = new KafkaBroker(broker, "127.0.0.1:" + brokerPort);
        try {
            Awaitility.await("Kafka broker on " + kafka.bootstrapServers).atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
                    .until(() -> {
                        broker.ensureAlive();
                        if (!Ports.accepting(brokerPort)) {
                            return false; // not listening yet: do not let an admin client log connection warnings
                        }
                        try (Admin admin = kafka.admin()) {
                            return !admin.describeCluster().nodes().get().isEmpty();
                        }
                    });
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe Base64 without padding (Kafka's Uuid format). */
    static String clusterId() {
        SecureRandom random = new SecureRandom();
        String id;
        do {
            byte[] b = new byte[16];
            random.nextBytes(b);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (id.startsWith("-")); // a leading '-' would read as a command-line flag
        return id;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public JavaProcess process() {
        return process;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    public void createTopic(String name, int partitions) throws InterruptedException {
        try (Admin admin = admin()) {
            admin.createTopics(Set.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
