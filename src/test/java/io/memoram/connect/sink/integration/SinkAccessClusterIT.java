package io.memoram.connect.sink.integration;

import static io.memoram.connect.sink.integration.SinkClusterSupport.json;
import static io.memoram.connect.sink.integration.SinkClusterSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users arriving and leaving while the sink runs, on real Connect workers against the emulator: a
 * user approved after the sink started (discovery), a re-approved user resumed without a restart,
 * and a connector started while the API is down.
 */
class SinkAccessClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String REASON = "Acme support assistant would like to save notes to your memories";

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared().clearingFaultsOf(emu);
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    private static List<String> decrypted(EmulatedUser u) {
        return SinkClusterSupport.decrypted(emu, u);
    }

    private static List<String> dlqReasons(String dlq) {
        List<String> out = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(10_000, dlq)) {
                out.add(SinkClusterSupport.header(r, SinkClusterSupport.REASON_HEADER));
            }
        } catch (Exception e) {
            throw new AssertionError("could not read " + dlq, e);
        }
        return out;
    }

    private static String note(EmulatedUser u, String text) {
        return json(map("user_id", u.userId(), "content", text));
    }

    @Test
    void writesForAUserApprovedAfterTheSinkStartedAndRefusesOtherPipelinesUsers() {
        String apiKey = emu.createApiKey();
        EmulatedUser early = emu.createUser();
        emu.approve(emu.requestAccess(apiKey, early, REASON));
        EmulatedUser late = emu.createUser();
        String lateRequest = emu.requestAccess(apiKey, late, REASON);
        EmulatedUser stranger = emu.createUser();
        emu.approve(emu.requestAccess(apiKey, stranger, "another pipeline of the same account"));

        String topic = "discovered-notes";
        String dlq = topic + "-dlq";
        connect.kafka().createTopic(topic, 2);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of());
        config.remove("memoram.access.request.ids");
        config.put("memoram.access.discovery", "reason");
        config.put("memoram.access.request.reason", REASON);
        config.put("memoram.access.check.interval.ms", "500");
        SinkClusterSupport.withDlq(config, dlq);
        connect.configureConnector("sink-discovery", config);

        connect.kafka().produce(topic, "k-early", note(early, "early note"));
        await().atMost(WAIT).until(() -> decrypted(early).equals(List.of("early note")));

        // Approved while the sink runs: no config change, no restart.
        emu.approve(lateRequest);
        connect.kafka().produce(topic, "k-late", note(late, "late note"));
        await().atMost(WAIT).until(() -> decrypted(late).equals(List.of("late note")));

        connect.kafka().produce(topic, "k-stranger", note(stranger, "not for this pipeline"));
        await().atMost(WAIT).until(() -> dlqReasons(dlq).size() == 1);
        assertThat(dlqReasons(dlq).get(0)).contains(stranger.userId()).contains("memoram.access.discovery=reason");
        assertThat(emu.blobs(stranger.userId())).isEmpty();
    }

    @Test
    void aReApprovedUserIsWrittenAgainWithoutARestart() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        String topic = "reapproved-notes";
        String dlq = topic + "-dlq";
        connect.kafka().createTopic(topic, 1);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(request));
        config.put("memoram.access.check.interval.ms", "500");
        SinkClusterSupport.withDlq(config, dlq);
        connect.configureConnector("sink-reapproval", config);

        connect.kafka().produce(topic, "k1", note(user, "before"));
        await().atMost(WAIT).until(() -> decrypted(user).equals(List.of("before")));

        emu.revoke(request);
        connect.kafka().produce(topic, "k2", note(user, "while revoked"));
        await().atMost(WAIT).until(() -> dlqReasons(dlq).size() == 1);
        assertThat(dlqReasons(dlq).get(0)).contains(user.userId()).containsAnyOf("revoked", "not authorised");

        // What the connector does once it has seen the revocation (the emulator would refuse the
        // writes anyway, so a DLQ record alone proves nothing): it refuses the user's next records
        // itself, without a single call for that user's blobs, and reports each of them exactly once.
        emu.resetRequestCounts();
        connect.kafka().produce(topic, "k2b", note(user, "still revoked"));
        connect.kafka().produce(topic, "k2c", note(user, "still revoked too"));
        await().atMost(WAIT).until(() -> dlqReasons(dlq).size() >= 3);
        assertThat(emu.requestCount(null, "/memory-blobs")).as("calls for the revoked user's blobs").isZero();
        assertThat(dlqReasons(dlq)).hasSize(3).allSatisfy(r -> assertThat(r).contains(user.userId()).contains("not authorised"));
        assertThat(dlqReasons(dlq).subList(1, 3)).allSatisfy(r -> assertThat(r).endsWith("is revoked"));

        emu.approve(request);
        connect.kafka().produce(topic, "k3", note(user, "after re-approval"));
        await().atMost(WAIT).until(() -> decrypted(user).contains("after re-approval"));
        assertThat(decrypted(user)).containsExactly("after re-approval", "before");
        assertThat(dlqReasons(dlq)).hasSize(3);
        assertThat(connect.connectorStatus("sink-reapproval").tasks()).allMatch(t -> t.state().equals("RUNNING"));
    }

    @Test
    void theConnectorStartsWhileTheApiIsDownAndResolvesItsMemoryKeysLater() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String topic = "api-down-notes";
        connect.kafka().createTopic(topic, 1);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of());
        config.remove("memoram.access.request.ids");
        config.put("memoram.memory.keys", user.memoryKey());
        config.put("memoram.access.check.interval.ms", "500");
        // Down for everything the connector needs (validation's API-key check gets its token).
        emu.faults().on(null, "/access-requests").next(1_000_000, Fault.status(503));
        connect.configureConnector("sink-api-down", config);
        await().atMost(WAIT).until(() -> {
            try {
                return connect.connectorStatus("sink-api-down").connector().state().equals("RUNNING");
            } catch (RuntimeException e) {
                return false;
            }
        });

        emu.faults().clear();
        // The connector files the request once the API answers; the user approves it.
        await().atMost(WAIT).until(() -> emu.accessRequests().stream().anyMatch(r -> user.memoryKey().equals(r.memoryKey())));
        emu.accessRequests().stream().filter(r -> user.memoryKey().equals(r.memoryKey())).forEach(r -> emu.approve(r.id()));
        connect.kafka().produce(topic, "k1", note(user, "written once the API is back"));
        await().atMost(WAIT).until(() -> decrypted(user).equals(List.of("written once the API is back")));
        assertThat(connect.taskConfigs("sink-api-down").get(0).config().values()).noneMatch(v -> v.contains(user.memoryKey()));
    }
}
