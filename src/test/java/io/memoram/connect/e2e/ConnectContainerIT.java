package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * For contributors with Docker: the built archive in a Kafka Connect worker running in the
 * official apache/kafka image, next to a broker container. Skipped cleanly without a Docker
 * daemon; the real-process {@link MemoramEndToEndIT} is the test that always runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConnectContainerIT {
    static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:" + KafkaDistribution.VERSION);

    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> connect;

    @BeforeAll
    static void start() throws Exception {
        Path plugins = ProjectPaths.targetDir().resolve("testcontainers-plugins");
        Path plugin = PluginInstaller.install(ProjectPaths.hubArchive(), plugins);
        network = Network.newNetwork();
        kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withListener("kafka:19092");
        kafka.start();
        String worker = String.join("\n",
                "bootstrap.servers=kafka:19092",
                "group.id=memoram-testcontainers",
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "config.storage.topic=connect-configs",
                "offset.storage.topic=connect-offsets",
                "status.storage.topic=connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "listeners=http://0.0.0.0:8083",
                "plugin.path=/opt/connect-plugins",
                "plugin.discovery=service_load",
                "config.providers=file,env",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider", "");
        connect = new GenericContainer<>(KAFKA_IMAGE)
                .withNetwork(network)
                .dependsOn(kafka)
                .withCopyFileToContainer(MountableFile.forHostPath(plugin), "/opt/connect-plugins/" + plugin.getFileName())
                .withCopyToContainer(Transferable.of(worker), "/opt/connect-memoram.properties")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("/opt/kafka/bin/connect-distributed.sh"))
                .withCommand("/opt/connect-memoram.properties")
                .withExposedPorts(8083)
                .waitingFor(Wait.forHttp("/connectors").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)));
        connect.start();
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop(); // the worker before the broker
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    private static ConnectRest rest() {
        return new ConnectRest("http://" + connect.getHost() + ":" + connect.getMappedPort(8083));
    }

    @Test
    void workerInTheOfficialImageLoadsBothConnectorsFromTheArchive() {
        List<String> classes = new ArrayList<>();
        rest().get("/connector-plugins").body().forEach(p -> classes.add(p.path("class").asText()));
        assertThat(classes).contains(MemoramEndToEndIT.SOURCE_CLASS, MemoramEndToEndIT.SINK_CLASS);
    }

    @Test
    void validateNamesTheMissingApiKey() {
        ConnectRest.Response r = rest().validate("MemoramSinkConnector", Map.of(
                "connector.class", MemoramEndToEndIT.SINK_CLASS, "name", "tc-sink", "topics", "chat-history",
                "memoram.access.request.ids", "req-1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("error_count").asInt()).isPositive();
        assertThat(r.text()).contains("memoram.api.key");
    }
}
