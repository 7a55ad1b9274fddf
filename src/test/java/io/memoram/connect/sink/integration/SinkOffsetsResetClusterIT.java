package io.memoram.connect.sink.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Operators reset and alter the sink's offsets through Connect's REST API (issue 18, item 5): the
 * sink's offsets live only in its consumer group, so once Connect has changed them nothing else
 * needs changing, and the connector says so (alterOffsets returns true). A reset replays the topic:
 * a blob deleted meanwhile is written again, and no blob is duplicated.
 */
class SinkOffsetsResetClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ALTERED_FULLY = "The offsets for this connector have been altered successfully";
    private static final String RESET_FULLY = "The offsets for this connector have been reset successfully";

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    private static String state(String name) {
        try {
            return connect.connectorStatus(name).connector().state();
        } catch (Exception e) {
            return "UNKNOWN";
        }
    }

    private static long committed(String name) {
        return connect.connectorOffsets(name).offsets().stream()
                .mapToLong(o -> ((Number) o.offset().get("kafka_offset")).longValue()).sum();
    }

    @Test
    void resetAndAlterThroughRestAreCompleteAndTheResetReplays() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        String topic = "offsets-reset-chats";
        String name = "sink-offsets-reset";
        connect.kafka().createTopic(topic, 1);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(request));
        config.put("tasks.max", "1");
        connect.configureConnector(name, config);
        for (int i = 0; i < 3; i++) {
            connect.kafka().produce(topic, "chat-" + i, "{\"user_id\":\"" + user.userId() + "\",\"content\":\"message " + i + "\"}");
        }
        await().atMost(WAIT).until(() -> emu.blobs(user.userId()).size() == 3);
        await().atMost(WAIT).until(() -> committed(name) == 3);

        connect.stopConnector(name);
        await().atMost(WAIT).until(() -> state(name).equals("STOPPED"));
        String altered = connect.alterConnectorOffsets(name, new ConnectorOffsets(List.of(new ConnectorOffset(
                Map.of("kafka_topic", topic, "kafka_partition", 0), Map.of("kafka_offset", 2)))));
        assertThat(altered).as("no 'manually alter them elsewhere' caveat").isEqualTo("{\"message\":\"" + ALTERED_FULLY + "\"}");
        assertThat(committed(name)).isEqualTo(2);

        String reset = connect.resetConnectorOffsets(name);
        assertThat(reset).as("no 'manually reset them elsewhere' caveat").isEqualTo("{\"message\":\"" + RESET_FULLY + "\"}");
        assertThat(connect.connectorOffsets(name).offsets()).isEmpty();

        // Replayed from the start: a blob deleted in the API meanwhile comes back, none is duplicated.
        String first = emu.blobs(user.userId()).get(0).id();
        emu.deleteBlob(user.userId(), first);
        connect.resumeConnector(name);
        await().atMost(WAIT).until(() -> committed(name) == 3);
        await().atMost(WAIT).until(() -> emu.blobs(user.userId()).size() == 3);
        assertThat(emu.blobs(user.userId()).stream().map(b -> emu.decrypt(user.userId(), b.content())).sorted())
                .containsExactly("message 0", "message 1", "message 2");
        connect.deleteConnector(name);
    }
}
