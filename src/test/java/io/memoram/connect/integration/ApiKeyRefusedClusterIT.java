package io.memoram.connect.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.integration.SinkClusterSupport;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The developer's API key revoked while the connectors run (docs/sink.md: "an API key the API
 * refuses fails the task"; docs/troubleshooting.md: the message names the setting and the call,
 * never the secret): the running task fails with that message instead of retrying forever.
 */
class ApiKeyRefusedClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    private static String failedTaskTrace(String connector) {
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            ConnectorStateInfo s = connect.connectorStatus(connector);
            return s.tasks().size() == 1 && s.tasks().get(0).state().equals("FAILED");
        });
        return connect.connectorStatus(connector).tasks().get(0).trace();
    }

    private static void awaitRunning(String connector) {
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            ConnectorStateInfo s = connect.connectorStatus(connector);
            return s.tasks().size() == 1 && s.tasks().get(0).state().equals("RUNNING");
        });
    }

    @Test
    void sourceTaskFailsNamingTheSettingAndTheCall() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        emu.putBlob(u.userId(), "before", "t", List.of());
        Map<String, String> c = SourceKit.config(emu, apiKey, "keyrefused");
        c.put("memoram.access.request.ids", emu.grantAccess(apiKey, u));
        SourceKit.createTopics(connect, "keyrefused");
        connect.configureConnector("keyrefused-source", c);
        awaitRunning("keyrefused-source");
        await().atMost(TIMEOUT).until(() -> connect.kafka().consumeAll(5_000, "keyrefused.memories").count() == 1);

        emu.revokeApiKey(apiKey);
        String trace = failedTaskTrace("keyrefused-source");
        assertThat(trace).contains("refused the API key (memoram.api.key)").contains("POST /auth/token")
                .doesNotContain(apiKey);
    }

    @Test
    void sinkTaskFailsNamingTheSettingAndTheCall() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String topic = "keyrefused-chats";
        connect.kafka().createTopic(topic, 1);
        Map<String, String> c = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(emu.grantAccess(apiKey, u)));
        c.put("tasks.max", "1");
        connect.configureConnector("keyrefused-sink", c);
        connect.kafka().produce(topic, "k1", "{\"user_id\":\"" + u.userId() + "\",\"content\":\"written\"}");
        await().atMost(TIMEOUT).until(() -> emu.blobs(u.userId()).size() == 1);

        emu.revokeApiKey(apiKey);
        connect.kafka().produce(topic, "k2", "{\"user_id\":\"" + u.userId() + "\",\"content\":\"refused\"}");
        String trace = failedTaskTrace("keyrefused-sink");
        assertThat(trace).contains("refused the developer API key (memoram.api.key)").contains("POST /auth/token")
                .doesNotContain(apiKey);
        assertThat(emu.blobs(u.userId())).hasSize(1);
    }
}
