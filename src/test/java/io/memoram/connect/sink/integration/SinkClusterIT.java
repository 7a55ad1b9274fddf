package io.memoram.connect.sink.integration;

import io.memoram.connect.access.AccessTaskConfig;

import static io.memoram.connect.sink.integration.SinkClusterSupport.CLASS_HEADER;
import static io.memoram.connect.sink.integration.SinkClusterSupport.REASON_HEADER;
import static io.memoram.connect.sink.integration.SinkClusterSupport.header;
import static io.memoram.connect.sink.integration.SinkClusterSupport.json;
import static io.memoram.connect.sink.integration.SinkClusterSupport.key;
import static io.memoram.connect.sink.integration.SinkClusterSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedAccessRequest;
import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import io.memoram.connect.sink.BlobMarker;
import io.memoram.connect.sink.InvalidRecordException;
import io.memoram.connect.sink.RecordMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink in a real Connect cluster (one broker, two workers) writing to the emulator over HTTP:
 * mapping of Maps, Structs and Strings, upserts and tombstones, the dead letter queue, revoked access.
 */
class SinkClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;
    private static String apiKey;

    @BeforeAll
    static void start() {
        apiKey = emu.createApiKey();
    }

    private static List<String> decrypted(EmulatedUser u) {
        return SinkClusterSupport.decrypted(emu, u);
    }

    @Test
    void chatHistoryOfSeveralUsersBecomesBlobsThatUpsertAndDelete() throws Exception {
        EmulatedUser alice = emu.createUser();
        EmulatedUser bob = emu.createUser();
        EmulatedUser carol = emu.createUser(); // reached through her memory key: the connector files the request
        String topic = "chat-history";
        connect.kafka().createTopic(topic, 3);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic,
                List.of(emu.grantAccess(apiKey, alice), emu.grantAccess(apiKey, bob)));
        config.put("memoram.memory.keys", carol.memoryKey());
        connect.configureConnector("chat-sink", config);
        EmulatedAccessRequest filed = await().atMost(WAIT).until(() -> emu.accessRequests().stream()
                .filter(r -> carol.userId().equals(r.userId())).findFirst().orElse(null), r -> r != null);
        emu.approve(filed.id());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("chat-sink", 2, "sink did not start");
        // The connector resolves memory keys in the background and then reconfigures its tasks.
        await().atMost(WAIT).untilAsserted(() -> connect.taskConfigs("chat-sink").forEach(t -> {
            assertThat(t.config().toString()).doesNotContain(carol.memoryKey());
            assertThat(t.config().get(AccessTaskConfig.REQUEST_IDS_CONFIG)).contains(filed.id());
        }));

        Map<String, Map<String, String>> expected = new HashMap<>(); // user -> key -> content
        for (EmulatedUser u : List.of(alice, bob, carol)) {
            for (int conv = 0; conv < 4; conv++) {
                String key = u.userId() + "/conv-" + conv;
                for (int turn = 1; turn <= 3; turn++) {
                    String content = "user: hi " + conv + "\nassistant: turn " + turn + " ✓";
                    connect.kafka().produce(topic, key, json(map("user_id", u.userId(), "content", content,
                            "title", "Conversation " + conv, "tags", List.of("chat", "conv-" + conv),
                            "importance", 0.25 * turn, "source", "chat-app")));
                    expected.computeIfAbsent(u.userId(), k -> new HashMap<>()).put(key, content);
                }
            }
            // The last conversation of each user is deleted again (key-only tombstone).
            connect.kafka().produce(topic, u.userId() + "/conv-3", null);
            expected.get(u.userId()).remove(u.userId() + "/conv-3");
        }

        for (EmulatedUser u : List.of(alice, bob, carol)) {
            List<String> want = expected.get(u.userId()).values().stream().sorted().toList();
            await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(u)).isEqualTo(want));
            for (StoredBlob b : emu.blobs(u.userId())) {
                String conv = b.title().substring("Conversation ".length());
                assertThat(b.tags()).containsExactlyInAnyOrder("chat", "conv-" + conv);
                assertThat(b.importance()).isEqualTo(0.75);
                assertThat(b.source()).isEqualTo("chat-app #kc:" + BlobMarker.forKey(topic, u.userId() + "/conv-" + conv));
                assertThat(b.content()).doesNotContain("assistant"); // sealed before it left the worker
            }
        }
        connect.deleteConnector("chat-sink");
    }

    @Test
    void structValuesAndPlainStringValues() throws Exception {
        EmulatedUser dana = emu.createUser();
        String request = emu.grantAccess(apiKey, dana);
        connect.kafka().createTopic("struct-chats", 1);
        Map<String, String> structs = SinkClusterSupport.sinkConfig(emu, apiKey, "struct-chats", List.of(request));
        structs.put("value.converter.schemas.enable", "true");
        structs.put("memoram.field.content", "text");
        structs.put("memoram.user.id.field", "owner");
        connect.configureConnector("struct-sink", structs);
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"owner\",\"type\":\"string\"},"
                + "{\"field\":\"text\",\"type\":\"string\"},{\"field\":\"confidence\",\"type\":\"double\",\"optional\":true},"
                + "{\"field\":\"tags\",\"type\":\"array\",\"items\":{\"type\":\"string\"},\"optional\":true}]}";
        connect.kafka().produce("struct-chats", "s1", "{\"schema\":" + schema + ",\"payload\":{\"owner\":\"" + dana.userId()
                + "\",\"text\":\"from a struct\",\"confidence\":0.9,\"tags\":[\"s\"]}}");

        connect.kafka().createTopic("string-chats", 1);
        Map<String, String> strings = SinkClusterSupport.sinkConfig(emu, apiKey, "string-chats", List.of(request));
        strings.put("value.converter", StringConverter.class.getName());
        strings.put("memoram.user.id", dana.userId());
        strings.put("memoram.write.mode", "insert");
        strings.put("memoram.source.default", "transcripts");
        connect.configureConnector("string-sink", strings);
        connect.kafka().produce("string-chats", "k", "a plain string is the whole content");
        connect.kafka().produce("string-chats", "k", "insert mode: a second blob for the same key");

        await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(dana)).containsExactly(
                "a plain string is the whole content", "from a struct", "insert mode: a second blob for the same key"));
        StoredBlob fromStruct = emu.blobs(dana.userId()).stream()
                .filter(b -> emu.decrypt(dana.userId(), b.content()).equals("from a struct")).findFirst().orElseThrow();
        assertThat(fromStruct.confidence()).isEqualTo(0.9);
        assertThat(fromStruct.tags()).containsExactly("s");
        assertThat(emu.blobs(dana.userId())).filteredOn(b -> b.source().startsWith("transcripts #kc:")).hasSize(2);
        connect.deleteConnector("struct-sink");
        connect.deleteConnector("string-sink");
    }

    @Test
    void malformedRecordsLandInTheDeadLetterQueueWithTheirReasonWhileGoodRecordsFlow() throws Exception {
        EmulatedUser erin = emu.createUser();
        String request = emu.grantAccess(apiKey, erin);
        String topic = "messy-chats";
        connect.kafka().createTopic(topic, 2);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(request));
        SinkClusterSupport.withDlq(config, "messy-dlq");
        config.put("behavior.on.null.values", "fail");
        connect.configureConnector("messy-sink", config);

        String u = erin.userId();
        Map<String, String> bad = new LinkedHashMap<>(); // key -> JSON value (null: tombstone)
        Map<String, String> reasons = new LinkedHashMap<>(); // key -> expected part of the reason
        bad.put("number", "42");
        reasons.put("number", "must be a Struct, a Map (schemaless JSON) or a String, not a Long");
        bad.put("array", "[1,2]");
        reasons.put("array", "not an array");
        bad.put("no-content", json(map("user_id", u)));
        reasons.put("no-content", "field 'content' (the blob's content) is missing");
        bad.put("null-content", json(map("user_id", u, "content", null)));
        reasons.put("null-content", "field 'content' (the blob's content) is null");
        bad.put("empty-content", json(map("user_id", u, "content", "")));
        reasons.put("empty-content", "field 'content' (the blob's content) is empty");
        bad.put("numeric-content", json(map("user_id", u, "content", 5)));
        reasons.put("numeric-content", "field 'content' (the blob's content) must be a string");
        bad.put("list-title", json(map("user_id", u, "content", "x", "title", List.of("a"))));
        reasons.put("list-title", "field 'title' must be a string");
        bad.put("numeric-summary", json(map("user_id", u, "content", "x", "summary", 3)));
        reasons.put("numeric-summary", "field 'summary' must be a string");
        bad.put("bad-tags", json(map("user_id", u, "content", "x", "tags", List.of("ok", 1))));
        reasons.put("bad-tags", "field 'tags' must be an array of strings, but element 1");
        bad.put("importance-high", json(map("user_id", u, "content", "x", "importance", 1.5)));
        reasons.put("importance-high", "field 'importance' must be from 0.0 to 1.0, but is 1.5");
        bad.put("confidence-text", json(map("user_id", u, "content", "x", "confidence", "sure")));
        reasons.put("confidence-text", "field 'confidence' must be a number");
        bad.put("no-user", json(map("content", "x")));
        reasons.put("no-user", "field 'user_id' (the target user) is missing");
        bad.put("numeric-user", json(map("user_id", 7, "content", "x")));
        reasons.put("numeric-user", "field 'user_id' (the target user) must be a string");
        bad.put("unknown-user", json(map("user_id", "00000000-0000-0000-0000-000000000000", "content", "x")));
        reasons.put("unknown-user", "user '00000000-0000-0000-0000-000000000000' is unknown");
        bad.put("numeric-id", json(map("user_id", u, "content", "x", "id", 12)));
        reasons.put("numeric-id", "field 'id' (an existing blob id) must be a string");
        bad.put("missing-blob", json(map("user_id", u, "content", "x", "id", "no-such-blob")));
        reasons.put("missing-blob", "blob 'no-such-blob' named by the record's id field does not exist");
        bad.put("plain-string", "\"just a string\"");
        reasons.put("plain-string", "plain string, so the target user must be set with memoram.user.id");
        bad.put("tombstone", null);
        reasons.put("tombstone", "behavior.on.null.values=fail");

        List<String> good = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            connect.kafka().produce(topic, e.getKey(), e.getValue());
            String content = "good message " + i++;
            connect.kafka().produce(topic, "good-" + i, json(map("user_id", u, "content", content)));
            good.add(content);
        }
        String huge = "x".repeat(RecordMapper.MAX_CONTENT_BYTES + 1);
        SinkClusterSupport.produceLarge(connect, topic, "oversize", json(map("user_id", u, "content", huge)));
        reasons.put("oversize", "is 1048577 bytes of UTF-8, over the limit of 1048576 bytes");

        await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(erin)).containsExactlyInAnyOrderElementsOf(good));
        Map<String, String> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consume(reasons.size(), WAIT.toMillis(), "messy-dlq")) {
            got.put(key(r), header(r, REASON_HEADER));
            assertThat(header(r, CLASS_HEADER)).isEqualTo(InvalidRecordException.class.getName());
        }
        assertThat(got).as(SinkClusterSupport.describe(got)).containsOnlyKeys(reasons.keySet());
        reasons.forEach((k, reason) -> assertThat(got.get(k)).as(k).contains(reason));
        assertThat(got.values()).noneMatch(m -> m.contains(erin.memoryKey()) || m.contains("good message"));
        // Bad records never fail a task. Task states reach the status topic asynchronously (a task
        // that joined late may still read UNASSIGNED), so wait for them rather than read once.
        await().atMost(WAIT).untilAsserted(() -> assertThat(connect.connectorStatus("messy-sink").tasks())
                .hasSize(2).allSatisfy(t -> assertThat(t.state()).as("task " + t.id()).isEqualTo("RUNNING")));
        connect.deleteConnector("messy-sink");
    }

    @Test
    void aRevokedUserGoesToTheDeadLetterQueueWhileOthersFlowOrFailsTheTaskWhenConfigured() throws Exception {
        EmulatedUser frank = emu.createUser();
        EmulatedUser gina = emu.createUser();
        String frankRequest = emu.grantAccess(apiKey, frank);
        String ginaRequest = emu.grantAccess(apiKey, gina);
        String topic = "revoked-chats";
        connect.kafka().createTopic(topic, 2);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(frankRequest, ginaRequest));
        SinkClusterSupport.withDlq(config, "revoked-dlq");
        connect.configureConnector("revoked-sink", config);
        for (int i = 0; i < 5; i++) {
            connect.kafka().produce(topic, "f" + i, json(map("user_id", frank.userId(), "content", "frank " + i)));
            connect.kafka().produce(topic, "g" + i, json(map("user_id", gina.userId(), "content", "gina " + i)));
        }
        await().atMost(WAIT).until(() -> emu.blobs(frank.userId()).size() == 5 && emu.blobs(gina.userId()).size() == 5);

        emu.revoke(frankRequest);
        for (int i = 5; i < 10; i++) {
            connect.kafka().produce(topic, "f" + i, json(map("user_id", frank.userId(), "content", "frank " + i)));
            connect.kafka().produce(topic, "g" + i, json(map("user_id", gina.userId(), "content", "gina " + i)));
        }
        await().atMost(WAIT).until(() -> emu.blobs(gina.userId()).size() == 10);
        Map<String, String> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consume(5, WAIT.toMillis(), "revoked-dlq")) {
            got.put(key(r), header(r, REASON_HEADER));
        }
        assertThat(got).containsOnlyKeys("f5", "f6", "f7", "f8", "f9");
        assertThat(got.values()).allMatch(m -> m.contains("user '" + frank.userId() + "' is not authorised"));
        assertThat(emu.blobs(frank.userId())).hasSize(5);
        connect.deleteConnector("revoked-sink");

        // The same with behavior.on.access.revoked=fail: the task fails, naming the record.
        String failTopic = "revoked-fail-chats";
        connect.kafka().createTopic(failTopic, 1);
        Map<String, String> failing = SinkClusterSupport.sinkConfig(emu, apiKey, failTopic, List.of(frankRequest, ginaRequest));
        SinkClusterSupport.withDlq(failing, "revoked-fail-dlq");
        failing.put("behavior.on.access.revoked", "fail");
        failing.put("tasks.max", "1");
        connect.configureConnector("revoked-fail-sink", failing);
        connect.kafka().produce(failTopic, "g", json(map("user_id", gina.userId(), "content", "gina ok")));
        connect.kafka().produce(failTopic, "f", json(map("user_id", frank.userId(), "content", "frank refused")));
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("revoked-fail-sink", 1, "task should fail");
        ConnectorStateInfo.TaskState task = connect.connectorStatus("revoked-fail-sink").tasks().get(0);
        assertThat(task.trace()).contains("topic '" + failTopic + "', partition 0, offset 1")
                .contains("not authorised").contains("behavior.on.access.revoked=fail");
        connect.deleteConnector("revoked-fail-sink");
    }

    @Test
    void behindATopicRenamingTransformOffsetsAreCommittedOnTheInputTopic() throws Exception {
        EmulatedUser erin = emu.createUser();
        String topic = "routed-chats";
        connect.kafka().createTopic(topic, 2);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(emu.grantAccess(apiKey, erin)));
        config.put("memoram.user.id", erin.userId());
        config.put("transforms", "route");
        config.put("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter");
        config.put("transforms.route.regex", "(.*)");
        config.put("transforms.route.replacement", "renamed-$1");
        connect.configureConnector("routed-sink", config);
        try {
            for (int i = 0; i < 6; i++) {
                connect.kafka().produce(topic, i % 2, "k" + i, json(map("content", "routed " + i)));
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(erin)).hasSize(6));
            try (Admin admin = connect.kafka().createAdminClient()) {
                await().atMost(WAIT).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-routed-sink")
                            .partitionsToOffsetAndMetadata().get();
                    assertThat(committed.get(new TopicPartition(topic, 0))).extracting(OffsetAndMetadata::offset).isEqualTo(3L);
                    assertThat(committed.get(new TopicPartition(topic, 1))).extracting(OffsetAndMetadata::offset).isEqualTo(3L);
                });
            }
            // Markers are those of the input topic, which is where the records are.
            assertThat(emu.blobs(erin.userId())).anyMatch(b -> b.source().equals("kafka-connect #kc:"
                    + BlobMarker.forKey(topic, "k0")));
        } finally {
            connect.deleteConnector("routed-sink");
        }
    }
}
