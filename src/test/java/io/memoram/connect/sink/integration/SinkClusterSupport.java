package io.memoram.connect.sink.integration;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.MemoramSinkConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Shared helpers of the sink cluster tests (the cluster itself: ConnectClusterExtension). */
public final class SinkClusterSupport {
    public static final int MAX_MESSAGE_BYTES = io.memoram.connect.ConnectClusterExtension.MAX_MESSAGE_BYTES;
    public static final String REASON_HEADER = "__connect.errors.exception.message";
    public static final String CLASS_HEADER = "__connect.errors.exception.class.name";

    private SinkClusterSupport() { }

    /** A schemaless-JSON sink connector config for {@code topic}, with fast retries. */
    public static Map<String, String> sinkConfig(MemoramEmulator emu, String apiKey, String topic, List<String> requestIds) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", MemoramSinkConnector.class.getName());
        c.put("tasks.max", "2");
        c.put("topics", topic);
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", JsonConverter.class.getName());
        c.put("value.converter.schemas.enable", "false");
        c.put("memoram.api.url", emu.baseUrl());
        c.put("memoram.api.key", apiKey);
        c.put("memoram.access.request.ids", String.join(",", requestIds));
        c.put("memoram.retry.backoff.ms", "20");
        c.put("memoram.retry.backoff.max.ms", "300");
        c.put("memoram.max.retries", "2");
        c.put("memoram.max.in.flight.requests", "4");
        return c;
    }

    public static void withDlq(Map<String, String> config, String dlqTopic) {
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", dlqTopic);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
    }

    /** The user's blobs as the sink wrote them, decrypted and sorted, to compare with what was sent. */
    public static List<String> decrypted(MemoramEmulator emu, EmulatedUser u) {
        return emu.blobs(u.userId()).stream().map(b -> emu.decrypt(u.userId(), b.content())).sorted().toList();
    }

    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Produces a record too large for the harness's default producer. */
    public static void produceLarge(EmbeddedConnectCluster connect, String topic, String key, String value) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("max.request.size", MAX_MESSAGE_BYTES);
        try (KafkaProducer<byte[], byte[]> p = connect.kafka().createProducer(props)) {
            p.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    value.getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        }
    }

    public static String json(Map<String, ?> m) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String describe(Map<String, String> reasons) {
        return reasons.entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue()).collect(Collectors.joining("\n"));
    }
}
