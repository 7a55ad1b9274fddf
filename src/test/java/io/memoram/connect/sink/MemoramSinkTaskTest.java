package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The task on its own (no worker): a real client against the emulator over HTTP, a fake context.
 * Covers what a cluster cannot make deterministic: preCommit while writes are pending, redelivery
 * to a fresh task, lost responses of creates, the failure message without a dead letter queue.
 */
class MemoramSinkTaskTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private static String apiKey;
    private EmulatedUser user;
    private String requestId;
    private final List<MemoramSinkTask> tasks = new ArrayList<>();
    private final TopicPartition tp = new TopicPartition("chats", 0);

    @BeforeAll
    static void startEmulator() {
        apiKey = emu.createApiKey();
    }

    @BeforeEach
    void newUser() {
        user = emu.createUser();
        requestId = emu.grantAccess(apiKey, user);
        emu.faults().clear();
        emu.pageCap(50);
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(MemoramSinkTask::stop);
    }

    private Map<String, String> props(String... kv) {
        Map<String, String> p = SinkTaskKit.baseProps("task-test-" + NAMES.incrementAndGet(), emu.baseUrl(), apiKey);
        p.put("memoram.access.request.ids", requestId);
        p.put("memoram.max.retries", "2");
        return SinkTaskKit.with(p, kv);
    }

    private MemoramSinkTask start(FakeSinkContext ctx) {
        MemoramSinkTask task = SinkTaskKit.start(ctx, tp);
        tasks.add(task);
        return task;
    }

    private SinkRecord rec(Object key, String content, long offset) {
        Map<String, Object> v = new HashMap<>();
        v.put("user_id", user.userId());
        v.put("content", content);
        v.put("title", "t-" + key);
        return new SinkRecord(tp.topic(), tp.partition(), null, key, null, v, offset);
    }

    private long committable(MemoramSinkTask task) {
        OffsetAndMetadata o = task.preCommit(Map.of(tp, new OffsetAndMetadata(999))).get(tp);
        return o == null ? -1 : o.offset();
    }

    /** Lets held writes go on; true, so it can lead a condition that is checked again and again. */
    private static boolean released() {
        emu.faults().release();
        return true;
    }

    private List<String> contents() {
        return emu.blobs(user.userId()).stream().map(b -> emu.decrypt(user.userId(), b.content())).sorted().toList();
    }

    @Test
    void upsertsCreateThenPatchAndTombstonesDeleteWithContentEncrypted() {
        MemoramSinkTask task = start(new FakeSinkContext(props(), true));
        task.put(List.of(rec("a", "first", 0), rec("b", "other", 1), rec("a", "second", 2)));
        await().atMost(WAIT).until(() -> committable(task) == 3);
        List<StoredBlob> blobs = emu.blobs(user.userId());
        assertThat(blobs).hasSize(2);
        assertThat(contents()).containsExactly("other", "second");
        StoredBlob a = blobs.stream().filter(b -> b.title().equals("t-a")).findFirst().orElseThrow();
        assertThat(a.content()).isNotEqualTo("second"); // sealed on the worker
        assertThat(a.source()).isEqualTo("kafka-connect #kc:" + BlobMarker.forKey("chats", "a"));

        emu.expireAllTokens(); // a 401 renews the token; nothing is lost
        task.put(List.of(new SinkRecord("chats", 0, null, "a", null, null, 3)));
        await().atMost(WAIT).until(() -> committable(task) == 4);
        assertThat(contents()).containsExactly("other");

        // The blob of "b" vanishes behind the sink's back: its tombstone still counts as done (404).
        emu.deleteBlob(user.userId(), emu.blobs(user.userId()).get(0).id());
        task.put(List.of(new SinkRecord("chats", 0, null, "b", null, null, 4)));
        await().atMost(WAIT).until(() -> committable(task) == 5);
        assertThat(task.metrics().getBlobsCreated()).isEqualTo(2);
        assertThat(task.metrics().getBlobsUpdated()).isEqualTo(1);
        assertThat(task.metrics().getBlobsDeleted()).isEqualTo(1); // "a"
        assertThat(task.metrics().getRecordsIgnored()).isEqualTo(1); // "b": the API answered 404, nothing to delete
    }

    @Test
    void preCommitNeverPassesARecordWhoseWriteIsPending() {
        MemoramSinkTask task = start(new FakeSinkContext(props(), true));
        task.put(List.of(rec("warm-up", "w", 9))); // builds the user's index first
        await().atMost(WAIT).until(() -> committable(task) == 10);
        // The next create is held until released; the two after it (other keys) complete.
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.hold());
        task.put(List.of(rec("slow", "s", 10)));
        await().atMost(WAIT).until(() -> emu.faults().held() == 1);
        task.put(List.of(rec("x", "x", 11), rec("y", "y", 12)));
        await().atMost(WAIT).until(() -> emu.blobs(user.userId()).size() == 3);
        assertThat(committable(task)).isEqualTo(10);
        await().atMost(WAIT).until(() -> released() && committable(task) == 13);
        assertThat(contents()).containsExactly("s", "w", "x", "y");
    }

    @Test
    void aFreshTaskGivenTheSameRecordsCreatesNoSecondBlob() {
        emu.pageCap(2); // the markers must be found on every page of the listing
        List<SinkRecord> batch = List.of(rec("k1", "one", 0), rec("k2", "two", 1), rec(null, "keyless", 2));
        MemoramSinkTask first = start(new FakeSinkContext(props(), true));
        first.put(batch);
        await().atMost(WAIT).until(() -> committable(first) == 3);
        first.stop(); // "crash" before the offsets were committed
        tasks.remove(first);

        MemoramSinkTask upsert = start(new FakeSinkContext(props(), true));
        upsert.put(batch);
        await().atMost(WAIT).until(() -> committable(upsert) == 3);
        assertThat(contents()).containsExactly("keyless", "one", "two");
        assertThat(upsert.metrics().getBlobsCreated()).isZero();
        assertThat(upsert.metrics().getRecordsAlreadyWritten()).isEqualTo(1); // the null key
        assertThat(upsert.metrics().getBlobsUpdated()).isEqualTo(2);

        List<SinkRecord> inserts = List.of(rec("k1", "again", 5), rec("k1", "and again", 6));
        MemoramSinkTask insert1 = start(new FakeSinkContext(props("memoram.write.mode", "insert"), true));
        insert1.put(inserts);
        await().atMost(WAIT).until(() -> committable(insert1) == 7);
        MemoramSinkTask insert2 = start(new FakeSinkContext(props("memoram.write.mode", "insert"), true));
        insert2.put(inserts);
        await().atMost(WAIT).until(() -> committable(insert2) == 7);
        assertThat(insert2.metrics().getRecordsAlreadyWritten()).isEqualTo(2);
        assertThat(contents()).containsExactly("again", "and again", "keyless", "one", "two");
    }

    @Test
    void aCreateWhoseResponseIsLostIsNotRepeated() {
        MemoramSinkTask task = start(new FakeSinkContext(props("memoram.write.mode", "insert"), true));
        int posts = emu.requestCount("POST", "/memory-blobs");
        int patches = emu.requestCount("PATCH", "/memory-blobs");
        emu.faults().on("POST", "/memory-blobs").next(2, Fault.dropAfterHandling());
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.tooManyRequests(0));
        task.put(List.of(rec("a", "A", 0), rec("b", "B", 1), rec("c", "C", 2), rec("d", "D", 3)));
        await().atMost(WAIT).until(() -> committable(task) == 4);
        assertThat(contents()).containsExactly("A", "B", "C", "D");
        // One lane retry per fault: the write client never retries by itself.
        assertThat(task.metrics().getRetriesQueued()).isEqualTo(4);
        // The two creates that landed are found by the new listing (insert mode: nothing more to do);
        // the two refused ones are POSTed again.
        assertThat(emu.requestCount("POST", "/memory-blobs") - posts).isEqualTo(6);
        assertThat(emu.requestCount("PATCH", "/memory-blobs") - patches).isZero();
        assertThat(task.metrics().getRecordsAlreadyWritten()).isEqualTo(2);
        assertThat(task.metrics().getBlobsCreated()).isEqualTo(2);
    }

    @Test
    void withoutADeadLetterQueueABadRecordFailsTheTaskNamingTopicPartitionOffsetAndField() {
        MemoramSinkTask task = start(new FakeSinkContext(props("errors.tolerance", "none"), false));
        Map<String, Object> bad = new HashMap<>();
        bad.put("user_id", user.userId());
        bad.put("content", "x");
        bad.put("importance", 7);
        assertThatThrownBy(() -> task.put(List.of(rec("ok", "fine", 0), new SinkRecord("chats", 0, null, "k", null, bad, 1))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("topic 'chats', partition 0, offset 1")
                .hasMessageContaining("field 'importance'")
                .hasMessageContaining("from 0.0 to 1.0");
        assertThat(committable(task)).isLessThanOrEqualTo(1);
        assertThatThrownBy(() -> task.put(List.of())).isInstanceOf(ConnectException.class);
    }

    @Test
    void apiRefusalsAndUnknownUsersAreReportedWithTheirReason() throws Exception {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(400));
        Map<String, Object> stranger = new HashMap<>();
        stranger.put("user_id", "no-such-user");
        stranger.put("content", "x");
        task.put(List.of(rec("refused", "r", 0), new SinkRecord("chats", 0, null, "s", null, stranger, 1),
                rec("refused", "f", 2))); // same key: runs after the refused one, in order
        await().atMost(WAIT).until(() -> committable(task) == 3);
        assertThat(ctx.reports).hasSize(2);
        Map<Long, String> reasons = new HashMap<>();
        ctx.reports.forEach(r -> reasons.put(r.record().kafkaOffset(), r.error().getMessage()));
        assertThat(reasons.get(0L)).contains("refused the blob with 400");
        assertThat(reasons.get(1L)).contains("user 'no-such-user' is unknown");
        assertThat(contents()).containsExactly("f");
        assertThat(reasons.values()).noneMatch(m -> m.contains(user.memoryKey()));

        ObjectName bean = new ObjectName("kafka.connect.memoram:type=sink-task,connector=\"" + ctx.configs.get("name") + "\",task=0");
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "RecordsReported")).isEqualTo(2L);
        ObjectName client = new ObjectName("kafka.connect.memoram:type=client-sink,connector=\"" + ctx.configs.get("name") + "\",task=0");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(client)).isTrue();
    }

    @Test
    void aRefusedWriteAfterAKeyRotationIsRetriedOnceWithTheNewKey() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("a", "old key", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        int newVersion = emu.rotateKey(user.userId());
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(400));
        task.put(List.of(rec("b", "new key", 1)));
        await().atMost(WAIT).until(() -> committable(task) == 2);
        assertThat(ctx.reports).isEmpty();
        StoredBlob b = emu.blobs(user.userId()).stream().filter(x -> x.title().equals("t-b")).findFirst().orElseThrow();
        EncryptionKey newKey = EncryptionKey.fromHex(emu.user(user.userId()).encryptionKeyHex(), newVersion);
        assertThat(ContentCiphers.forName("aes-gcm").open(b.content(), newKey)).isEqualTo("new key");
    }

    @Test
    void revokedAccessFailsTheTaskWhenConfigured() {
        MemoramSinkTask task = start(new FakeSinkContext(props("behavior.on.access.revoked", "fail"), true));
        task.put(List.of(rec("a", "before", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        emu.revoke(requestId);
        task.put(List.of(rec("b", "after", 1)));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("offset 1")
                .hasMessageContaining("not authorised")
                .hasMessageContaining("behavior.on.access.revoked=fail"));
        assertThat(committable(task)).isEqualTo(1);
        assertThat(contents()).containsExactly("before");
    }

    // --- infrastructure faults, retry bounds (docs/troubleshooting.md) ---

    @Test
    void aRedirectFromAProxyFailsTheTaskAndDeadLettersNothing() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("a", "before", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(302));
        task.put(List.of(rec("b", "redirected", 1)));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("chats-0@1")
                .hasMessageContaining("302")
                .hasMessageContaining("memoram.api.url"));
        assertThat(ctx.reports).isEmpty();
        assertThat(committable(task)).isEqualTo(1);
    }

    @Test
    void anHtmlPageInsteadOfTheApisAnswerIsRetriedAndDeadLettersNothing() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("a", "before", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.html()); // a proxy's maintenance page, with 200
        task.put(List.of(rec("b", "after the maintenance", 1)));
        await().atMost(WAIT).until(() -> committable(task) == 2);
        assertThat(emu.faults().pending()).isZero();
        assertThat(ctx.reports).isEmpty();
        assertThat(contents()).containsExactly("after the maintenance", "before");
    }

    @Test
    void aTlsHandshakeFailureIsNotTheRecordsFault() throws Exception {
        // A peer that answers every TLS ClientHello with plain text and hangs up: the handshake fails at once,
        // as it does against an expired or wrong certificate.
        try (java.net.ServerSocket notTls = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                while (!notTls.isClosed()) {
                    try (java.net.Socket c = notTls.accept()) {
                        c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (java.io.IOException e) {
                        // closed at the end of the test
                    }
                }
            }, "not-tls-peer");
            peer.setDaemon(true);
            peer.start();
            Map<String, String> props = props("memoram.api.url", "https://127.0.0.1:" + notTls.getLocalPort() + "/api/v1");
            FakeSinkContext ctx = new FakeSinkContext(props, true);
            MemoramSinkTask task = start(ctx);
            task.put(List.of(rec("a", "waits for the API", 0)));
            javax.management.ObjectName client = io.memoram.connect.util.Jmx.name("client-sink", props.get("name"), 0);
            await().atMost(WAIT).until(() -> (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(client, "IoErrors") >= 3);
            // Retried as a transient fault: not dead-lettered, not committed, and the task goes on.
            task.put(List.of());
            assertThat(ctx.reports).isEmpty();
            assertThat(committable(task)).isZero(); // nothing confirmed: the next commit starts at offset 0
            assertThat(emu.blobs(user.userId())).isEmpty();
        }
    }

    @Test
    void anApiThatStaysDownFailsTheTaskInItsStatusNamingTheRecordAndDeadLettersNothing() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        FakeSinkContext ctx = new FakeSinkContext(props("memoram.api.url", "http://127.0.0.1:" + closedPort + "/api/v1",
                "memoram.max.retries", "2"), true);
        MemoramSinkTask task = start(ctx); // starts although nothing answers
        task.put(List.of(rec("a", "waits for the API", 0)));
        // Retried while the retries last, then the task fails: Connect shows this message in the task's status.
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("offset 0")
                .hasMessageContaining("memoram.max.retries=2"));
        assertThat(ctx.reports).isEmpty();
        assertThat(committable(task)).isZero();
    }

    @Test
    void aListingAnswered404FailsTheTaskAndDeadLettersNothing() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        emu.faults().on("GET", "/memory-blobs").next(1, Fault.status(404)); // a wrong base path
        task.put(List.of(rec("a", "lost?", 0)));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("404")
                .hasMessageContaining("memoram.api.url"));
        assertThat(ctx.reports).isEmpty();
        assertThat(committable(task)).isZero();
        assertThat(emu.blobs(user.userId())).isEmpty();
    }

    @Test
    void aWriteThatAlwaysGets5xxFailsTheTaskNamingTheRecordAfterMaxRetries() {
        FakeSinkContext ctx = new FakeSinkContext(props("memoram.max.retries", "2"), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("warm-up", "w", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        int posts = emu.requestCount("POST", "/memory-blobs");
        emu.faults().on("POST", "/memory-blobs").next(100, Fault.status(503));
        task.put(List.of(rec("doomed", "d", 1)));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("topic 'chats', partition 0, offset 1")
                .hasMessageContaining("memoram.max.retries=2")
                .hasMessageContaining("503"));
        assertThat(emu.requestCount("POST", "/memory-blobs") - posts).isEqualTo(3); // the first try and 2 retries
        assertThat(ctx.reports).isEmpty();
        assertThat(committable(task)).isEqualTo(1);
    }

    @Test
    void maxRetriesAtIntegerMaxDoesNotOverflow() {
        MemoramSinkTask task = start(new FakeSinkContext(props("memoram.max.retries", "2147483647"), true));
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(503));
        task.put(List.of(rec("a", "written", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        assertThat(contents()).containsExactly("written");
    }

    @Test
    void aForbiddenWriteWhileTheRequestIsStillApprovedDoesNotRevokeTheUser() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("warm-up", "w", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.status(403));
        task.put(List.of(rec("a", "first", 1)));
        await().atMost(WAIT).until(() -> committable(task) == 2);
        task.put(List.of(rec("b", "second", 2)));
        await().atMost(WAIT).until(() -> committable(task) == 3);
        assertThat(ctx.reports).isEmpty();
        assertThat(contents()).containsExactly("first", "second", "w");
    }

    @Test
    void aSlowOldTaskStoppingLeavesTheBeansOfItsSuccessorRegistered() throws Exception {
        Map<String, String> p = props();
        MemoramSinkTask old = start(new FakeSinkContext(p, true));
        MemoramSinkTask successor = start(new FakeSinkContext(p, true));
        old.stop();
        tasks.remove(old);
        ObjectName bean = new ObjectName("kafka.connect.memoram:type=sink-task,connector=\"" + p.get("name") + "\",task=0");
        ObjectName client = new ObjectName("kafka.connect.memoram:type=client-sink,connector=\"" + p.get("name") + "\",task=0");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(bean)).isTrue();
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(client)).isTrue();
        successor.put(List.of(rec("a", "x", 0)));
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "RecordsIn")).isEqualTo(1L);
        successor.stop();
        tasks.remove(successor);
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(bean)).isFalse();
    }

    // --- documented behaviours (docs/sink.md) ---

    @Test
    void backPressurePausesConsumptionWhenTheBufferIsFullAndResumesAfter() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("warm-up", "w", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        task.limitBuffer(2, Long.MAX_VALUE, Duration.ofMillis(100));
        emu.faults().on("POST", "/memory-blobs").next(3, Fault.hold());
        task.put(List.of(rec("a", "A", 1), rec("b", "B", 2), rec("c", "C", 3)));
        assertThat(ctx.paused).containsExactly(tp);
        // Released on every check: a write that reaches the emulator after one release is let go by the next.
        await().atMost(WAIT).until(() -> released() && committable(task) == 4 && ctx.paused.isEmpty());
        assertThat(contents()).containsExactly("A", "B", "C", "w");
    }

    @Test
    void theBufferIsBoundedInBytesNotOnlyInRecords() {
        FakeSinkContext ctx = new FakeSinkContext(props(), true);
        MemoramSinkTask task = start(ctx);
        task.put(List.of(rec("warm-up", "w", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        task.limitBuffer(10_000, 1_000_000, Duration.ofMillis(100));
        emu.faults().on("POST", "/memory-blobs").next(2, Fault.hold());
        String big = "x".repeat(300_000); // about 600 KB each on the heap
        task.put(List.of(rec("a", big, 1), rec("b", big, 2)));
        assertThat(ctx.paused).containsExactly(tp);
        await().atMost(WAIT).until(() -> released() && committable(task) == 3 && ctx.paused.isEmpty());
    }

    @Test
    void aRecordWithAnIdPatchesThatBlobInBothModesLeavingAbsentFieldsAlone() {
        for (String mode : List.of("upsert", "insert")) {
            String id = emu.putBlob(user.userId(), "original " + mode, "title " + mode, "summary " + mode,
                    List.of("old-1", "old-2"), 0.5, 0.25, "elsewhere");
            MemoramSinkTask task = start(new FakeSinkContext(props("memoram.write.mode", mode), true));
            Map<String, Object> v = new HashMap<>();
            v.put("user_id", user.userId());
            v.put("id", id);
            v.put("content", "patched " + mode);
            v.put("tags", List.of("new"));
            task.put(List.of(new SinkRecord(tp.topic(), tp.partition(), null, "k-" + mode, null, v, 0)));
            await().atMost(WAIT).until(() -> committable(task) == 1);
            StoredBlob b = emu.blob(user.userId(), id);
            assertThat(emu.decrypt(user.userId(), b.content())).as(mode).isEqualTo("patched " + mode);
            assertThat(b.tags()).as(mode).containsExactly("new");
            assertThat(b.title()).as(mode).isEqualTo("title " + mode);
            assertThat(b.summary()).as(mode).isEqualTo("summary " + mode);
            assertThat(b.importance()).as(mode).isEqualTo(0.5);
            assertThat(b.confidence()).as(mode).isEqualTo(0.25);
            assertThat(b.source()).as(mode).isEqualTo("elsewhere");
            assertThat(task.metrics().getBlobsUpdated()).as(mode).isEqualTo(1);
            assertThat(task.metrics().getBlobsCreated()).as(mode).isZero();
        }
        assertThat(emu.blobs(user.userId())).hasSize(2);
    }

    @Test
    void oneClientPerTaskFetchesOneTokenForReadsCreatesAndPatches() {
        int tokens = emu.requestCount("POST", "/auth/token");
        MemoramSinkTask task = start(new FakeSinkContext(props(), true));
        task.put(List.of(rec("a", "created", 0)));
        await().atMost(WAIT).until(() -> committable(task) == 1);
        task.put(List.of(rec("a", "patched", 1)));
        await().atMost(WAIT).until(() -> committable(task) == 2);
        assertThat(task.metrics().getBlobsCreated()).isEqualTo(1);
        assertThat(task.metrics().getBlobsUpdated()).isEqualTo(1);
        // Credentials, listing, create and patch share one token (and one rate limiter, one circuit breaker).
        assertThat(emu.requestCount("POST", "/auth/token") - tokens).isEqualTo(1);
    }
}
