package io.memoram.connect.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.integration.SinkClusterSupport;
import io.memoram.connect.source.SourceKit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every metric docs/operations.md ("Useful alerts") recommends alerting on, read over JMX from a
 * task on a real worker, with the exact value the situation calls for: FailedCalls, Responses5xx,
 * CircuitState, SecondsSinceLastPass, UsersRevoked, UsersPending (source); RecordsReported,
 * OldestUnconfirmedAgeMs (sink).
 */
class AlertMetricsClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    /** An attribute of task 0's bean of {@code type}, over JMX (the workers run in this JVM). */
    private static Object metric(String type, String connector, String attribute) throws Exception {
        ObjectName name = new ObjectName("kafka.connect.memoram:type=" + type + ",connector=" + ObjectName.quote(connector)
                + ",task=0");
        return ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
    }

    private static long count(String type, String connector, String attribute) throws Exception {
        return ((Number) metric(type, connector, attribute)).longValue();
    }

    /** An MXBean Map attribute arrives as TabularData: rows of {key, value}. */
    private static Map<String, Long> perUser(String connector, String attribute) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (Object row : ((TabularData) metric("source-task", connector, attribute)).values()) {
            CompositeData c = (CompositeData) row;
            out.put((String) c.get("key"), (Long) c.get("value"));
        }
        return out;
    }

    @Test
    void sourceAlertMetricsHaveTheExactValuesOfTheSituation() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser active = emu.createUser();
        EmulatedUser pending = emu.createUser();
        EmulatedUser revoked = emu.createUser();
        emu.putBlob(active.userId(), "one", "t1", List.of());
        emu.putBlob(active.userId(), "two", "t2", List.of());
        String activeRequest = emu.grantAccess(apiKey, active);
        String pendingRequest = emu.requestAccess(apiKey, pending);
        String revokedRequest = emu.grantAccess(apiKey, revoked);
        emu.revoke(revokedRequest);
        // The first two listings answer 503. With memoram.max.retries=0 each is a call failed after its
        // retries (the source's client makes single attempts anyway; the task backs off per user).
        emu.faults().on("GET", "/memory-blobs").next(2, Fault.status(503));

        String name = "metrics-source";
        Map<String, String> c = SourceKit.config(emu, apiKey, "metrics");
        c.put("memoram.access.request.ids", String.join(",", activeRequest, pendingRequest, revokedRequest));
        c.put("memoram.tags.enabled", "false");
        c.put("memoram.max.retries", "0");
        SourceKit.createTopics(connect, "metrics");
        long startedSeconds = System.nanoTime() / 1_000_000_000L;
        connect.configureConnector(name, c);

        await().atMost(TIMEOUT).ignoreExceptions().until(() -> count("source-task", name, "PassesCompleted") >= 3);
        assertThat(count("source-task", name, "UsersActive")).isEqualTo(1);
        assertThat(count("source-task", name, "UsersPending")).isEqualTo(1);
        assertThat(count("source-task", name, "UsersRevoked")).isEqualTo(1);
        assertThat(count("source-task", name, "FailedCalls")).isEqualTo(2);
        assertThat(count("client-source", name, "Responses5xx")).isEqualTo(2);
        assertThat(metric("client-source", name, "CircuitState")).isEqualTo("CLOSED");
        Map<String, Long> sinceLastPass = perUser(name, "SecondsSinceLastPass");
        long elapsed = System.nanoTime() / 1_000_000_000L - startedSeconds + 1;
        // Per user id: the pending request names no user yet; the revoked user never completed a pass.
        assertThat(sinceLastPass).containsOnlyKeys(active.userId(), revoked.userId()).containsEntry(revoked.userId(), -1L);
        assertThat(sinceLastPass.get(active.userId())).isBetween(0L, elapsed);
    }

    @Test
    void sinkAlertMetricsHaveTheExactValuesOfTheSituation() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String topic = "metrics-chats";
        connect.kafka().createTopic(topic, 1);
        String name = "metrics-sink";
        Map<String, String> c = SinkClusterSupport.sinkConfig(emu, apiKey, topic, List.of(emu.grantAccess(apiKey, user)));
        c.put("tasks.max", "1");
        SinkClusterSupport.withDlq(c, "metrics-dlq");
        // One create answered 503: retried, so one 5xx response and nothing lost.
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
        connect.configureConnector(name, c);
        String u = user.userId();
        connect.kafka().produce(topic, "good-1", "{\"user_id\":\"" + u + "\",\"content\":\"first\"}");
        for (int i = 1; i <= 3; i++) {
            connect.kafka().produce(topic, "bad-" + i, "{\"user_id\":\"" + u + "\"}"); // no content: to the DLQ
        }
        connect.kafka().produce(topic, "good-2", "{\"user_id\":\"" + u + "\",\"content\":\"second\"}");

        await().atMost(TIMEOUT).ignoreExceptions().until(() -> count("sink-task", name, "RecordsIn") == 5
                && emu.blobs(u).size() == 2 && count("sink-task", name, "UnconfirmedRecords") == 0);
        assertThat(count("sink-task", name, "RecordsReported")).isEqualTo(3);
        assertThat(count("sink-task", name, "BlobsCreated")).isEqualTo(2);
        assertThat(count("client-sink", name, "Responses5xx")).isEqualTo(1);
        assertThat(metric("client-sink", name, "CircuitState")).isEqualTo("CLOSED");
        assertThat(count("sink-task", name, "OldestUnconfirmedAgeMs")).as("nothing unconfirmed").isZero();

        // A write the API holds for 4 s: the record stays unconfirmed and its age grows, then both drop to 0.
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.delay(Duration.ofSeconds(4)));
        connect.kafka().produce(topic, "slow", "{\"user_id\":\"" + u + "\",\"content\":\"held by the API\"}");
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> count("sink-task", name, "UnconfirmedRecords") == 1
                && count("sink-task", name, "OldestUnconfirmedAgeMs") >= 1000);
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> count("sink-task", name, "UnconfirmedRecords") == 0);
        assertThat(count("sink-task", name, "OldestUnconfirmedAgeMs")).isZero();
        assertThat(emu.blobs(u)).hasSize(3);
        assertThat(count("sink-task", name, "RecordsReported")).isEqualTo(3);
    }
}
