package io.memoram.connect.source.integration;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Shared helpers of the signal cluster tests: a connector with a signal topic, reading records and notifications. */
final class SignalsKit {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignalsKit() { }

    /** One record of the memories, tags or access topic as a test sees it. */
    record Rec(String userId, String id, JsonNode value, String op, String keyText) {
        boolean notification() {
            return value != null && value.has("type") && value.has("signal_id");
        }

        String type() {
            return value.get("type").asText();
        }

        String signalId() {
            return value.get("signal_id").isNull() ? null : value.get("signal_id").asText();
        }
    }

    static List<Rec> readAll(EmbeddedConnectCluster connect, String topic) {
        try {
            List<Rec> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, Map.of("isolation.level", "read_committed"),
                    Map.of(), topic)) {
                JsonNode key = JSON.readTree(r.key());
                JsonNode value = r.value() == null ? null : JSON.readTree(r.value());
                Header op = r.headers().lastHeader("memoram.op");
                out.add(new Rec(key.isObject() ? key.get("user_id").asText() : null, key.isObject() ? key.get("id").asText() : null,
                        value, op == null ? null : new String(op.value(), StandardCharsets.UTF_8), key.isObject() ? null : key.asText()));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("could not read " + topic, e);
        }
    }

    static List<Rec> notifications(EmbeddedConnectCluster connect, String prefix, String type, String signalId) {
        return readAll(connect, prefix + ".access").stream()
                .filter(r -> r.notification() && r.type().equals(type) && (signalId == null || signalId.equals(r.signalId())))
                .collect(Collectors.toList());
    }

    static List<String> rereads(List<Rec> recs, String userId) {
        return recs.stream().filter(r -> "r".equals(r.op()) && userId.equals(r.userId())).map(Rec::id).collect(Collectors.toList());
    }

    static Map<String, Long> counts(List<String> ids) {
        return ids.stream().collect(Collectors.groupingBy(i -> i, LinkedHashMap::new, Collectors.counting()));
    }

    static boolean running(EmbeddedConnectCluster connect, String connector) {
        try {
            ConnectorStateInfo s = connect.connectorStatus(connector);
            return s.connector().state().equals("RUNNING") && s.tasks().size() == 1 && s.tasks().get(0).state().equals("RUNNING");
        } catch (Exception e) {
            return false;
        }
    }

    static String restream(String id, String... users) {
        StringBuilder list = new StringBuilder();
        for (String u : users) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(u).append('"');
        }
        return "{\"id\":\"" + id + "\",\"type\":\"restream\",\"data\":{\"users\":[" + list + "]}}";
    }

    /** Topics (and a one-partition signal topic), access granted to {@code users}, the connector running. */
    static Map<String, String> start(EmbeddedConnectCluster connect, MemoramEmulator emu, String name, String prefix, String apiKey,
                                     List<EmulatedUser> users, Map<String, String> extra) {
        SourceKit.createTopics(connect, prefix);
        connect.kafka().createTopic(prefix + ".signals", 1);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        List<String> requests = new ArrayList<>();
        for (EmulatedUser u : users) {
            requests.add(emu.grantAccess(apiKey, u));
        }
        config.put("memoram.access.request.ids", String.join(",", requests));
        config.put("memoram.signal.topic", prefix + ".signals");
        config.put("memoram.signal.bootstrap.servers", connect.kafka().bootstrapServers());
        config.putAll(extra);
        connect.configureConnector(name, config);
        await().atMost(TIMEOUT).until(() -> running(connect, name));
        return config;
    }
}
