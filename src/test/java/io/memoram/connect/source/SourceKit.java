package io.memoram.connect.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Shared helpers of the source integration tests: connector configs, reading topics, metrics. */
public final class SourceKit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SourceKit() { }

    /** A connector config for the emulator: small pages and intervals, schemaless JSON. */
    public static Map<String, String> config(MemoramEmulator emu, String apiKey, String prefix) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", MemoramSourceConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("memoram.api.url", emu.baseUrl());
        c.put("memoram.api.key", apiKey);
        c.put("topic.prefix", prefix);
        c.put("poll.interval.ms", "500");
        c.put("memoram.access.check.interval.ms", "500");
        c.put("memoram.page.size", "4");
        c.put("memoram.retry.backoff.ms", "100");
        c.put("memoram.retry.backoff.max.ms", "1000");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("key.converter.schemas.enable", "false");
        c.put("value.converter.schemas.enable", "false");
        return c;
    }

    /** Seeds {@code n} untagged blobs titled {@code label}; returns blob id to plaintext, in the order written. */
    public static Map<String, String> seed(MemoramEmulator emu, EmulatedUser u, int n, String label) {
        Map<String, String> plain = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String text = label + " memory " + i;
            plain.put(emu.putBlob(u.userId(), text, label, List.of()), text);
        }
        return plain;
    }

    public static void createTopics(EmbeddedConnectCluster connect, String prefix) {
        for (String t : List.of(".memories", ".tags", ".access")) {
            connect.kafka().createTopic(prefix + t, 1);
        }
    }

    /** One record as a test sees it (schemaless or with schemas: the payload is unwrapped). */
    public record Rec(String userId, String id, JsonNode value, String op, boolean raw, long timestamp, String keyText) {
        public String content() {
            return value == null || value.get("content").isNull() ? null : value.get("content").asText();
        }

        public boolean tombstone() {
            return value == null;
        }
    }

    /** Everything committed in {@code topic} so far (read_committed, from the beginning to the end offsets). */
    public static List<Rec> readAll(EmbeddedConnectCluster connect, String topic) {
        try {
            Map<String, Object> consumerProps = Map.of("isolation.level", "read_committed");
            Map<String, Object> adminProps = Map.of();
            List<Rec> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, consumerProps, adminProps, topic)) {
                out.add(rec(r));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("could not read " + topic, e);
        }
    }

    public static Rec rec(ConsumerRecord<byte[], byte[]> r) throws java.io.IOException {
        JsonNode key = payload(JSON.readTree(r.key()));
        JsonNode value = r.value() == null ? null : payload(JSON.readTree(r.value()));
        String op = header(r, SourceRecords.OP_HEADER);
        String raw = header(r, SourceRecords.RAW_HEADER);
        String userId = key.isObject() ? key.get("user_id").asText() : null;
        String id = key.isObject() ? key.get("id").asText() : null;
        return new Rec(userId, id, value, op, "true".equals(raw), r.timestamp(), key.isObject() ? null : key.asText());
    }

    private static JsonNode payload(JsonNode n) {
        return n != null && n.isObject() && n.has("schema") && n.has("payload") ? n.get("payload") : n;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Sum of an attribute of the connector's source-task MXBeans (all tasks in this JVM; 0 while none
     * is registered). A task that unregisters between the query and the read is skipped; anything
     * else (a wrong attribute name, a bad ObjectName) fails the test at once rather than reading as a
     * number an await could wait on forever, or pass by.
     */
    public static long taskMetric(String connector, String attribute) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names;
        try {
            names = server.queryNames(new ObjectName("kafka.connect.memoram:type=source-task,connector="
                    + ObjectName.quote(connector) + ",*"), null);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError("bad MBean name for connector " + connector, e);
        }
        long sum = 0;
        for (ObjectName n : names) {
            try {
                sum += ((Number) server.getAttribute(n, attribute)).longValue();
            } catch (javax.management.InstanceNotFoundException gone) {
                // the task stopped meanwhile (rebalance): it no longer counts
            } catch (Exception e) {
                throw new AssertionError("cannot read " + attribute + " of " + n, e);
            }
        }
        return sum;
    }

    public static long passes(String connector) {
        return taskMetric(connector, "PassesCompleted");
    }

    public static boolean running(EmbeddedConnectCluster connect, String connector, int tasks) {
        try {
            ConnectorStateInfo s = connect.connectorStatus(connector);
            return s.connector().state().equals("RUNNING") && s.tasks().size() == tasks
                    && s.tasks().stream().allMatch(t -> t.state().equals("RUNNING"));
        } catch (Exception e) {
            return false;
        }
    }
}
