package io.memoram.connect.sink.integration;

import static io.memoram.connect.sink.integration.SinkClusterSupport.json;
import static io.memoram.connect.sink.integration.SinkClusterSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16, item 1, on real Connect workers: tombstones produced while the sink was stopped delete
 * their blobs once it runs again, whether the task knows its users from listed request ids or
 * discovers them, and whether or not the API refuses access-request calls for a while at the
 * restart. (Before, a restarted task with discovery took the tombstones for "nothing to delete"
 * and committed them: the blobs stayed for good.)
 */
class SinkRestartClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String REASON = "Acme chat history, kept in your memories";
    private static final int PER_USER = 20;

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared().clearingFaultsOf(emu);
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    private static List<String> decrypted(EmulatedUser u) {
        return SinkClusterSupport.decrypted(emu, u);
    }

    private static String state(String name) {
        try {
            return connect.connectorStatus(name).connector().state();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static boolean tasksRunning(String name) {
        try {
            var tasks = connect.connectorStatus(name).tasks();
            return !tasks.isEmpty() && tasks.stream().allMatch(t -> t.state().equals("RUNNING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "discovery={0}, access-request calls refused at the restart={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void tombstonesProducedWhileTheSinkWasStoppedDeleteTheirBlobsAfterTheRestart(boolean discovery, boolean refused)
            throws Exception {
        String apiKey = emu.createApiKey();
        List<EmulatedUser> users = List.of(emu.createUser(), emu.createUser(), emu.createUser());
        List<String> requests = new ArrayList<>();
        for (EmulatedUser u : users) {
            String id = emu.requestAccess(apiKey, u, REASON);
            emu.approve(id);
            requests.add(id);
        }
        String suffix = (discovery ? "discovered" : "listed") + (refused ? "-refused" : "");
        String topic = "restart-chats-" + suffix;
        String name = "sink-restart-" + suffix;
        connect.kafka().createTopic(topic, 2);
        Map<String, String> config = SinkClusterSupport.sinkConfig(emu, apiKey, topic, requests);
        if (discovery) {
            config.remove("memoram.access.request.ids");
            config.put("memoram.access.discovery", "reason");
            config.put("memoram.access.request.reason", REASON);
        }
        config.put("memoram.access.check.interval.ms", "500");
        // More retries than one outage of 15 refused calls takes, so that the records wait rather than fail.
        config.put("memoram.max.retries", "10");
        connect.configureConnector(name, config);

        for (int u = 0; u < users.size(); u++) {
            for (int i = 0; i < PER_USER; i++) {
                connect.kafka().produce(topic, "chat-" + u + "-" + i, json(map("user_id", users.get(u).userId(),
                        "content", "message " + i)));
            }
        }
        await().atMost(WAIT).until(() -> users.stream().allMatch(u -> decrypted(u).size() == PER_USER));

        connect.stopConnector(name);
        await().atMost(WAIT).until(() -> state(name).equals("STOPPED"));
        // Two tombstones per user while the sink is stopped; their keys name no user.
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (int u = 0; u < users.size(); u++) {
                for (int i = 0; i < 2; i++) {
                    producer.send(new ProducerRecord<>(topic, ("chat-" + u + "-" + i).getBytes(StandardCharsets.UTF_8), null)).get();
                }
            }
        }
        if (refused) {
            // More than one call's retries (11 attempts), fewer than open a client's circuit (20).
            emu.faults().on("GET", "/access-requests").next(15, Fault.status(503));
        }
        connect.resumeConnector(name);
        await().atMost(WAIT).until(() -> tasksRunning(name));

        List<String> kept = IntStream.range(2, PER_USER).mapToObj(i -> "message " + i).sorted().toList();
        for (EmulatedUser u : users) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(decrypted(u)).as("blobs of %s", u.userId()).isEqualTo(kept));
        }
        assertThat(tasksRunning(name)).isTrue();
        connect.deleteConnector(name);
    }
}
