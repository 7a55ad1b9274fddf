package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.passes;
import static io.memoram.connect.source.SourceKit.readAll;
import static io.memoram.connect.source.SourceKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source connector on a real Connect worker (EmbeddedConnectCluster) against the Memoram
 * emulator over HTTP. One cluster for the class; each test has its own API key, users, connector
 * name and topic prefix.
 */
class SourceClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    /** Seeds {@code n} blobs; returns blob id to plaintext. */
    private static Map<String, String> seed(EmulatedUser u, int n, String label) {
        Map<String, String> plain = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String text = label + " memory " + i + " \u00e9\u6f22";
            plain.put(emu.putBlob(u.userId(), text, label + " title " + i, List.of(label, "common")), text);
        }
        return plain;
    }

    private static void awaitPasses(String connector, int more) {
        long base = passes(connector);
        await().atMost(TIMEOUT).until(() -> passes(connector) >= base + more);
    }

    private static void awaitState(String connector, String state) {
        await().atMost(TIMEOUT).until(() -> {
            try {
                return connect.connectorStatus(connector).connector().state().equals(state);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static List<Rec> awaitRecords(String topic, int count) {
        await().atMost(TIMEOUT).until(() -> readAll(connect, topic).size() >= count);
        return readAll(connect, topic);
    }

    private static Map<String, String> contentById(List<Rec> recs) {
        Map<String, String> m = new HashMap<>();
        recs.forEach(r -> m.put(r.id(), r.content()));
        return m;
    }

    @Test
    void initialLoadThenExactlyTheChangesAndNothingTwiceAcrossStopAndResume() {
        String apiKey = emu.createApiKey();
        String name = "src-load";
        String prefix = "load";
        EmulatedUser a = emu.createUser();
        EmulatedUser b = emu.createUser();
        EmulatedUser c = emu.createUser();
        Map<String, String> expected = new HashMap<>(seed(a, 11, "alpha"));
        expected.putAll(seed(b, 6, "beta"));
        String ids = String.join(",", emu.grantAccess(apiKey, a), emu.grantAccess(apiKey, b), emu.grantAccess(apiKey, c));
        // The task must ride out failures with its own backoff.
        emu.faults().on("GET", "/memory-blobs").next(2, Fault.status(503));

        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", ids);
        connect.configureConnector(name, config);

        String memories = prefix + ".memories";
        List<Rec> initial = awaitRecords(memories, 17);
        assertThat(initial).hasSize(17);
        assertThat(contentById(initial)).isEqualTo(expected);
        assertThat(initial).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo("c");
            assertThat(r.value().get("user_id").asText()).isEqualTo(r.userId());
            assertThat(r.value().get("title").asText()).contains("title");
            assertThat(r.value().get("tags").get(0).asText()).isIn("alpha", "beta");
            assertThat(r.value().get("key_version").asInt()).isEqualTo(1);
            assertThat(r.value().get("updated_at").asLong()).isEqualTo(r.timestamp());
        });
        assertThat(initial.stream().filter(r -> r.userId().equals(a.userId()))).hasSize(11);
        List<Rec> tags = awaitRecords(prefix + ".tags", 4);
        assertThat(tags).extracting(r -> r.userId() + "/" + r.value().get("name").asText())
                .containsExactlyInAnyOrder(a.userId() + "/alpha", a.userId() + "/common", b.userId() + "/beta", b.userId() + "/common");
        List<Rec> access = awaitRecords(prefix + ".access", 3);
        assertThat(access).extracting(r -> r.value().get("status").asText()).containsOnly("approved");

        awaitPasses(name, 6);
        assertThat(readAll(connect, memories)).as("nothing unchanged is emitted again").hasSize(17);

        String a0 = initial.stream().filter(r -> r.userId().equals(a.userId())).findFirst().orElseThrow().id();
        String b0 = initial.stream().filter(r -> r.userId().equals(b.userId())).findFirst().orElseThrow().id();
        emu.updateBlob(a.userId(), a0, "alpha changed");
        emu.deleteBlob(b.userId(), b0);
        String fresh = emu.putBlob(c.userId(), "gamma fresh", "gamma title", List.of("gamma"));

        List<Rec> changes = awaitRecords(memories, 20).subList(17, 20);
        awaitPasses(name, 6);
        assertThat(readAll(connect, memories)).hasSize(20);
        assertThat(changes).extracting(r -> r.id() + "/" + r.op() + "/" + r.content())
                .containsExactlyInAnyOrder(a0 + "/u/alpha changed", b0 + "/d/null", fresh + "/c/gamma fresh");
        assertThat(changes.stream().filter(Rec::tombstone).findFirst().orElseThrow().userId()).isEqualTo(b.userId());

        // Stopped: offsets are committed; a deletion made meanwhile is found after resume.
        connect.stopConnector(name);
        awaitState(name, "STOPPED");
        String a1 = initial.stream().filter(r -> r.userId().equals(a.userId()) && !r.id().equals(a0)).findFirst().orElseThrow().id();
        emu.deleteBlob(a.userId(), a1);
        connect.resumeConnector(name);
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1));

        List<Rec> afterResume = awaitRecords(memories, 21);
        awaitPasses(name, 6);
        assertThat(readAll(connect, memories)).hasSize(21);
        Rec last = afterResume.get(20);
        assertThat(last.id()).isEqualTo(a1);
        assertThat(last.tombstone()).isTrue();
        assertThat(last.op()).isEqualTo("d");
        assertThat(readAll(connect, prefix + ".tags")).as("tags: only gamma is new").hasSize(5);
        connect.deleteConnector(name);
    }

    @Test
    void memoryKeyFlowFilesOneRequestAcrossRestartsAndStreamsAfterApproval() {
        String apiKey = emu.createApiKey();
        String name = "src-keys";
        String prefix = "keys";
        EmulatedUser d = emu.createUser();
        Map<String, String> expected = seed(d, 3, "delta");
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.memory.keys", d.memoryKey());
        connect.configureConnector(name, config);

        await().atMost(TIMEOUT).until(() -> requestsFor(d).size() == 1);
        String requestId = requestsFor(d).get(0);
        List<Rec> pending = awaitRecords(prefix + ".access", 1);
        assertThat(pending.get(0).keyText()).isEqualTo(requestId);
        assertThat(pending.get(0).value().get("status").asText()).isEqualTo("pending");
        assertThat(pending.get(0).value().toString()).doesNotContain(d.memoryKey());
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1));
        assertThat(connect.taskConfigs(name).toString()).doesNotContain(d.memoryKey());

        int posts = emu.requestCount("POST", "/access-requests");
        connect.stopConnector(name);
        awaitState(name, "STOPPED");
        connect.resumeConnector(name);
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1));
        connect.restartConnectorAndTasks(name, false, true, false);
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1));
        assertThat(requestsFor(d)).containsExactly(requestId);
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(posts);
        assertThat(readAll(connect, prefix + ".memories")).isEmpty();

        emu.approve(requestId);
        List<Rec> recs = awaitRecords(prefix + ".memories", 3);
        assertThat(contentById(recs)).isEqualTo(expected);
        await().atMost(TIMEOUT).until(() -> readAll(connect, prefix + ".access").stream()
                .anyMatch(r -> r.value().get("status").asText().equals("approved")
                        && r.value().get("user_id").asText().equals(d.userId())));
        assertThat(requestsFor(d)).hasSize(1);
        connect.deleteConnector(name);
    }

    private static List<String> requestsFor(EmulatedUser u) {
        return emu.accessRequests().stream().filter(r -> u.memoryKey().equals(r.memoryKey())).map(r -> r.id()).toList();
    }

    @Test
    void aRevokedUserIsSkippedWhileTheOthersFlowAndResumesWhenApprovedAgain() {
        String apiKey = emu.createApiKey();
        String name = "src-revoke";
        String prefix = "revoke";
        EmulatedUser e = emu.createUser();
        EmulatedUser f = emu.createUser();
        seed(e, 2, "epsilon");
        seed(f, 2, "phi");
        String reqE = emu.grantAccess(apiKey, e);
        String reqF = emu.grantAccess(apiKey, f);
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", reqE + "," + reqF);
        connect.configureConnector(name, config);
        String memories = prefix + ".memories";
        awaitRecords(memories, 4);

        emu.revoke(reqE);
        String eNew = emu.putBlob(e.userId(), "epsilon after revoke", "t", List.of());
        await().atMost(TIMEOUT).until(() -> readAll(connect, prefix + ".access").stream()
                .anyMatch(r -> r.keyText().equals(reqE) && r.value().get("status").asText().equals("revoked")));
        // The connector has seen the revocation (its access record says so). The emulator would refuse
        // the user's blobs anyway, so what counts is that the connector no longer asks for them.
        int eCalls = emu.requestCount(null, null, e.userId());
        String fNew = emu.putBlob(f.userId(), "phi new", "t", List.of());
        List<Rec> recs = awaitRecords(memories, 5);
        awaitPasses(name, 3);
        recs = readAll(connect, memories);
        assertThat(recs).extracting(Rec::id).contains(fNew).doesNotContain(eNew);
        assertThat(emu.requestCount(null, null, e.userId())).as("calls for the revoked user's blobs after the revocation was seen")
                .isEqualTo(eCalls);
        assertThat(running(connect, name, 1)).isTrue();
        assertThat(SourceKit.taskMetric(name, "UsersRevoked")).isEqualTo(1);

        emu.approve(reqE);
        await().atMost(TIMEOUT).until(() -> readAll(connect, memories).stream().anyMatch(r -> eNew.equals(r.id())));
        assertThat(readAll(connect, memories)).hasSize(6);
        connect.deleteConnector(name);
    }

    @Test
    void decryptionErrorPolicies() {
        String apiKey = emu.createApiKey();
        EmulatedUser g = emu.createUser();
        String good = emu.putBlob(g.userId(), "readable", "good", List.of());
        String bad = emu.putRawBlob(g.userId(), "this is not ciphertext", "bad", List.of());
        String req = emu.grantAccess(apiKey, g);

        Map<String, String> skip = SourceKit.config(emu, apiKey, "dec-skip");
        skip.put("memoram.access.request.ids", req);
        skip.put("behavior.on.decryption.error", "skip");
        skip.put("value.converter.schemas.enable", "true");
        skip.put("key.converter.schemas.enable", "true");
        Map<String, String> raw = new HashMap<>(skip);
        raw.put("topic.prefix", "dec-raw");
        raw.put("behavior.on.decryption.error", "raw");
        Map<String, String> fail = new HashMap<>(skip);
        fail.put("topic.prefix", "dec-fail");
        fail.put("behavior.on.decryption.error", "fail");
        for (String p : List.of("dec-skip", "dec-raw", "dec-fail")) {
            SourceKit.createTopics(connect, p);
        }
        connect.configureConnector("src-dec-skip", skip);
        connect.configureConnector("src-dec-raw", raw);
        connect.configureConnector("src-dec-fail", fail);

        List<Rec> skipped = awaitRecords("dec-skip.memories", 1);
        awaitPasses("src-dec-skip", 3);
        assertThat(readAll(connect, "dec-skip.memories")).extracting(Rec::id).containsExactly(good);
        assertThat(skipped.get(0).content()).isEqualTo("readable");
        assertThat(SourceKit.taskMetric("src-dec-skip", "DecryptionFailures")).isEqualTo(1);

        List<Rec> rawRecs = awaitRecords("dec-raw.memories", 2);
        Rec sealed = rawRecs.stream().filter(r -> r.id().equals(bad)).findFirst().orElseThrow();
        assertThat(sealed.raw()).isTrue();
        assertThat(sealed.content()).isEqualTo("this is not ciphertext");
        assertThat(sealed.value().get("key_version").isNull()).isTrue();
        assertThat(rawRecs.stream().filter(r -> r.id().equals(good)).findFirst().orElseThrow().raw()).isFalse();

        await().atMost(TIMEOUT).until(() -> {
            ConnectorStateInfo s = connect.connectorStatus("src-dec-fail");
            return s.tasks().size() == 1 && s.tasks().get(0).state().equals("FAILED");
        });
        String trace = connect.connectorStatus("src-dec-fail").tasks().get(0).trace();
        assertThat(trace).contains(bad).contains(g.userId()).doesNotContain("this is not ciphertext");
        for (String n : List.of("src-dec-skip", "src-dec-raw", "src-dec-fail")) {
            connect.deleteConnector(n);
        }
    }

    @Test
    void alteredOffsetsReReadAUserAndMalformedOnesAreRefused() {
        String apiKey = emu.createApiKey();
        String name = "src-alter";
        String prefix = "alter";
        EmulatedUser h = emu.createUser();
        EmulatedUser i = emu.createUser();
        Map<String, String> hBlobs = seed(h, 3, "eta");
        seed(i, 2, "iota");
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", emu.grantAccess(apiKey, h) + "," + emu.grantAccess(apiKey, i));
        config.put("memoram.tags.enabled", "false");
        connect.configureConnector(name, config);
        String memories = prefix + ".memories";
        awaitRecords(memories, 5);

        connect.stopConnector(name);
        awaitState(name, "STOPPED");
        assertThatThrownBy(() -> connect.alterSourceConnectorOffset(name, Map.of("user_id", h.userId(), "stream", "memories",
                "bucket", "z"), Map.of("v", 1, "manifest", ""))).hasMessageContaining("bucket");
        // As an operator would: take the user's partitions from GET /offsets and reset them.
        List<ConnectorOffset> resets = new ArrayList<>();
        for (ConnectorOffset o : connect.connectorOffsets(name).offsets()) {
            if (h.userId().equals(o.partition().get("user_id"))) {
                resets.add(new ConnectorOffset(o.partition(), null));
            }
        }
        assertThat(resets).isNotEmpty();
        connect.alterConnectorOffsets(name, new ConnectorOffsets(resets));
        connect.resumeConnector(name);

        List<Rec> recs = awaitRecords(memories, 8);
        awaitPasses(name, 4);
        recs = readAll(connect, memories);
        assertThat(recs).hasSize(8);
        List<Rec> reread = recs.subList(5, 8);
        assertThat(reread).allSatisfy(r -> assertThat(r.userId()).isEqualTo(h.userId()));
        assertThat(reread.stream().collect(Collectors.toMap(Rec::id, Rec::content))).isEqualTo(hBlobs);
        assertThat(reread).extracting(Rec::op).containsOnly("c");
        connect.deleteConnector(name);
    }

    @Test
    void aKeyRotationIsFollowedAndOldBlobsStillOpen() {
        String apiKey = emu.createApiKey();
        String name = "src-rotate";
        String prefix = "rotate";
        EmulatedUser k = emu.createUser();
        String old = emu.putBlob(k.userId(), "sealed with v1", "t", List.of());
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", emu.grantAccess(apiKey, k));
        connect.configureConnector(name, config);
        String memories = prefix + ".memories";
        assertThat(awaitRecords(memories, 1).get(0).value().get("key_version").asInt()).isEqualTo(1);

        String sealedWithV1 = emu.seal(k.userId(), "still sealed with v1");
        assertThat(emu.rotateKey(k.userId())).isEqualTo(2);
        String fresh = emu.putBlob(k.userId(), "sealed with v2", "t", List.of());
        emu.updateBlob(k.userId(), old, "old blob, re-sealed with v2");
        // Stored as given: a blob written after the rotation by a client that still had the old key.
        String stillOld = emu.putRawBlob(k.userId(), sealedWithV1, "t", List.of());
        List<Rec> recs = awaitRecords(memories, 4);
        Map<String, String> byId = recs.subList(1, recs.size()).stream()
                .collect(Collectors.toMap(Rec::id, r -> r.content() + "@" + r.value().get("key_version").asInt()));
        assertThat(byId).containsEntry(fresh, "sealed with v2@2").containsEntry(old, "old blob, re-sealed with v2@2")
                .containsEntry(stillOld, "still sealed with v1@1");
        connect.deleteConnector(name);
    }
}
