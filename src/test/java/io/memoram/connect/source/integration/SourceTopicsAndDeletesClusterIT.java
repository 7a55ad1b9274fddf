package io.memoram.connect.source.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.e2e.ExampleConfigs;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped source example on a real worker (issue 18, item 3): the worker creates the memories,
 * tags and access topics compacted (topic.creation.*), and with behavior.on.delete=rewrite and
 * memoram.value.op.field a deleted blob reaches the topic as a record flagged __deleted=true
 * (operation 'd' in the value) followed by its tombstone.
 */
class SourceTopicsAndDeletesClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    private static List<JsonNode> values(String topic) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, Map.of("isolation.level", "read_committed"),
                    Map.of(), topic)) {
                out.add(r.value() == null ? null : JSON.readTree(r.value()));
            }
        } catch (Exception e) {
            throw new AssertionError("could not read " + topic, e);
        }
        return out;
    }

    private static String cleanupPolicy(Admin admin, String topic) {
        try {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            return c.get("cleanup.policy").value();
        } catch (Exception e) {
            return "unavailable: " + e.getMessage();
        }
    }

    @Test
    void theExampleCreatesCompactedTopicsAndRewritesDeletes() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String blob = emu.putBlob(user.userId(), "a memory", "a title", List.of("x"));
        String prefix = "examplecreated";
        Map<String, String> config = ExampleConfigs.source();
        config.put("memoram.api.url", emu.baseUrl());
        config.put("memoram.api.key", apiKey);
        config.put("memoram.memory.keys", "");
        config.put("memoram.access.request.ids", emu.grantAccess(apiKey, user));
        config.put("topic.prefix", prefix);
        config.put("tasks.max", "1");
        config.put("poll.interval.ms", "300");
        config.put("memoram.access.check.interval.ms", "500");
        config.put("behavior.on.delete", "rewrite");
        config.put("memoram.value.op.field", "__op");
        connect.configureConnector("src-example-topics", config);

        String memories = prefix + ".memories";
        try (Admin admin = connect.kafka().createAdminClient()) {
            for (String topic : List.of(memories, prefix + ".tags", prefix + ".access")) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(cleanupPolicy(admin, topic)).as(topic).isEqualTo("compact"));
            }
        }

        await().atMost(WAIT).until(() -> values(memories).size() >= 1);
        JsonNode live = values(memories).get(0);
        assertThat(live.get("id").asText()).isEqualTo(blob);
        assertThat(live.get("content").asText()).isEqualTo("a memory");
        assertThat(live.get("__deleted").asBoolean()).isFalse();
        assertThat(live.get("__op").asText()).isEqualTo("c");

        emu.deleteBlob(user.userId(), blob);
        await().atMost(WAIT).until(() -> values(memories).size() >= 3);
        List<JsonNode> all = values(memories);
        assertThat(all).hasSize(3);
        JsonNode flagged = all.get(1);
        assertThat(flagged.get("id").asText()).isEqualTo(blob);
        assertThat(flagged.get("user_id").asText()).isEqualTo(user.userId());
        assertThat(flagged.get("__deleted").asBoolean()).isTrue();
        assertThat(flagged.get("__op").asText()).isEqualTo("d");
        assertThat(flagged.get("content").isNull()).isTrue();
        assertThat(all.get(2)).as("then the tombstone").isNull();
        connect.deleteConnector("src-example-topics");
    }
}
