package io.memoram.connect.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import io.memoram.connect.sink.MemoramSinkConnector;
import io.memoram.connect.source.MemoramSourceConnector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The brief's rule, checked end to end on a real Connect worker: the API key, memory keys, JWTs,
 * encryption keys and decrypted content never reach logs (captured at DEBUG for our code, INFO for
 * Connect's), exception messages, task configs, offsets or the REST API. Secrets are supplied the
 * way the docs tell users to: through the FileConfigProvider.
 */
class SecretsNeverLeakClusterIT {
    private static final String SENTINEL = "PLAINTEXT-SENTINEL-7f3a";
    private static final String DISCOVERY_REASON = "Secrets test pipeline would like to read your memories";

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;
    private static final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private static AbstractAppender appender;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        captureLogs();
        // The shared cluster's workers have the FileConfigProvider the docs tell users to use.
    }

    @AfterAll
    static void stop() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }

    private static void captureLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender = new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                logLines.add(line.toString());
            }
        };
        appender.start();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, Level.ALL, null);
        // log4j2-test.properties already defines io.memoram (at INFO), and addLogger keeps an existing
        // logger: set the level on the one in force, or DEBUG lines would never be captured.
        LoggerConfig ours = cfg.getLoggers().get("io.memoram");
        if (ours == null) {
            cfg.addLogger("io.memoram", new LoggerConfig("io.memoram", Level.DEBUG, true));
        } else {
            ours.setLevel(Level.DEBUG);
        }
        LoggerConfig connectRuntime = new LoggerConfig("org.apache.kafka.connect", Level.INFO, true);
        cfg.addLogger("org.apache.kafka.connect", connectRuntime);
        ctx.updateLoggers();
    }

    @Test
    void noSecretOrPlaintextReachesLogsTaskConfigsOffsetsOrTheRestApi() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser byId = emu.createUser();
        EmulatedUser byKey = emu.createUser();
        // Found by discovery: the listing the connector reads carries this user's memoryKey (and the others').
        EmulatedUser discovered = emu.createUser();
        String requestId = emu.grantAccess(apiKey, byId);
        emu.approve(emu.requestAccess(apiKey, discovered, DISCOVERY_REASON));
        emu.putBlob(discovered.userId(), SENTINEL + "-discovered", "third", List.of("t3"));
        emu.putBlob(byId.userId(), SENTINEL + "-source-1", "first", List.of("t1"));
        emu.putBlob(byKey.userId(), SENTINEL + "-source-2", "second", List.of("t2"));
        // A corrupt blob makes the decryption-error path log (skip policy).
        emu.putRawBlob(byId.userId(), "bm90IGNpcGhlcnRleHQgYXQgYWxs", "corrupt", List.of());

        Path secrets = dir.resolve("memoram-secrets.properties");
        Files.writeString(secrets, "api_key=" + apiKey + "\nmemory_keys=" + byKey.memoryKey() + "\n", StandardCharsets.UTF_8);
        String apiKeyRef = "${file:" + secrets + ":api_key}";
        String memoryKeysRef = "${file:" + secrets + ":memory_keys}";

        Map<String, String> source = new HashMap<>();
        source.put("connector.class", MemoramSourceConnector.class.getName());
        source.put("tasks.max", "1");
        source.put("memoram.api.url", emu.baseUrl());
        source.put("memoram.api.key", apiKeyRef);
        source.put("memoram.access.request.ids", requestId);
        source.put("memoram.memory.keys", memoryKeysRef);
        source.put("memoram.access.check.interval.ms", "300");
        source.put("poll.interval.ms", "300");
        source.put("topic.prefix", "leak");
        source.put("behavior.on.decryption.error", "skip");
        source.put("memoram.access.discovery", "reason");
        source.put("memoram.access.request.reason", DISCOVERY_REASON);
        source.put("key.converter", JsonConverter.class.getName());
        source.put("value.converter", JsonConverter.class.getName());
        connect.kafka().createTopic("leak.memories", 1);
        connect.kafka().createTopic("leak.tags", 1);
        connect.kafka().createTopic("leak.access", 1);
        connect.configureConnector("leak-source", source);

        // The memory-key user's request is pending until the user approves it in the dashboard.
        await().atMost(Duration.ofSeconds(60)).until(() -> emu.accessRequests().stream()
                .anyMatch(r -> byKey.memoryKey().equals(r.memoryKey())));
        emu.accessRequests().stream().filter(r -> byKey.memoryKey().equals(r.memoryKey()))
                .forEach(r -> emu.approve(r.id()));

        List<String> memories = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            memories.clear();
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(10_000, "leak.memories")) {
                memories.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
            }
            // Decrypted content does go to the memories topic: that is the product.
            assertThat(String.join("\n", memories)).contains(SENTINEL + "-source-1").contains(SENTINEL + "-source-2")
                    .contains(SENTINEL + "-discovered");
        });

        Map<String, String> sink = new HashMap<>();
        sink.put("connector.class", MemoramSinkConnector.class.getName());
        sink.put("tasks.max", "1");
        sink.put("topics", "leak.chat");
        sink.put("memoram.api.url", emu.baseUrl());
        sink.put("memoram.api.key", apiKeyRef);
        sink.put("memoram.memory.keys", memoryKeysRef);
        sink.put("key.converter", StringConverter.class.getName());
        sink.put("value.converter", JsonConverter.class.getName());
        sink.put("value.converter.schemas.enable", "false");
        sink.put("errors.tolerance", "all");
        sink.put("errors.deadletterqueue.topic.name", "leak.dlq");
        sink.put("errors.deadletterqueue.topic.replication.factor", "1");
        sink.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.kafka().createTopic("leak.chat", 1);
        connect.configureConnector("leak-sink", sink);
        connect.kafka().produce("leak.chat", "conv-1",
                "{\"user_id\":\"" + byKey.userId() + "\",\"content\":\"" + SENTINEL + "-sink\"}");
        // A bad record (content of the wrong type) goes to the DLQ with a reason.
        connect.kafka().produce("leak.chat", "conv-2",
                "{\"user_id\":\"" + byKey.userId() + "\",\"content\":{\"nested\":\"" + SENTINEL + "-bad\"}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> emu.blobs(byKey.userId()).stream()
                .map(StoredBlob::content).anyMatch(c -> (SENTINEL + "-sink").equals(emu.decrypt(byKey.userId(), c))));
        // What the sink stored is sealed: the server never sees the plaintext.
        assertThat(emu.blobs(byKey.userId())).extracting(StoredBlob::content).noneMatch(c -> c.contains(SENTINEL));
        await().atMost(Duration.ofSeconds(60)).until(() -> connect.kafka().consumeAll(5_000, "leak.dlq").count() >= 1);

        List<String> secretValues = new ArrayList<>(List.of(apiKey, byId.memoryKey(), byKey.memoryKey(),
                emu.user(byId.userId()).encryptionKeyHex(), emu.user(byKey.userId()).encryptionKeyHex(),
                discovered.memoryKey(), emu.user(discovered.userId()).encryptionKeyHex()));
        secretValues.addAll(emu.issuedTokens());
        assertThat(emu.issuedTokens()).isNotEmpty();

        Map<String, String> restViews = new HashMap<>();
        for (String connector : List.of("leak-source", "leak-sink")) {
            for (String resource : List.of("", "/config", "/tasks", "/status", "/offsets")) {
                String url = connect.endpointForResource("connectors/" + connector + resource);
                restViews.put(connector + resource, String.valueOf(connect.requestGet(url).getEntity()));
            }
        }
        // Metrics: every attribute of our MBeans, rendered as text.
        javax.management.MBeanServer mbeans = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        StringBuilder metrics = new StringBuilder();
        for (javax.management.ObjectName bean : mbeans.queryNames(new javax.management.ObjectName("kafka.connect.memoram:*"), null)) {
            metrics.append(bean).append('\n');
            for (javax.management.MBeanAttributeInfo a : mbeans.getMBeanInfo(bean).getAttributes()) {
                metrics.append(a.getName()).append('=').append(mbeans.getAttribute(bean, a.getName())).append('\n');
            }
        }
        assertThat(metrics).as("our MBeans").contains("source-task");
        restViews.put("JMX", metrics.toString());
        // Discovery's user is served by a task (found by the task itself, so its config does not name it): its MBean lists the user.
        assertThat(restViews.get("JMX")).contains(discovered.userId());
        // The REST API shows the reference that was submitted, not the secret it resolves to.
        assertThat(restViews.get("leak-source/config")).contains("${file:");
        assertThat(restViews.get("leak-source/tasks")).contains(requestId);
        assertThat(restViews.get("leak-source/offsets")).contains("offsets");

        List<String> logsCopy;
        synchronized (logLines) {
            logsCopy = new ArrayList<>(logLines);
        }
        // The capture sees the connectors' own log lines (they name users by id, which is not a secret).
        assertThat(logsCopy).as("captured log lines").anyMatch(l -> l.contains(byId.userId()));
        for (String secret : secretValues) {
            for (Map.Entry<String, String> view : restViews.entrySet()) {
                assertThat(view.getValue()).as("REST " + view.getKey()).doesNotContain(secret);
            }
            assertThat(logsCopy).as("log lines").noneMatch(l -> l.contains(secret));
        }
        // Decrypted content belongs in the memories topic only: not in logs, offsets, task configs or REST.
        for (Map.Entry<String, String> view : restViews.entrySet()) {
            assertThat(view.getValue()).as("REST " + view.getKey()).doesNotContain(SENTINEL);
        }
        assertThat(logsCopy).as("log lines").noneMatch(l -> l.contains(SENTINEL));
    }
}
