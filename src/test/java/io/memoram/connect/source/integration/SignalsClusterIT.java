package io.memoram.connect.source.integration;

import static io.memoram.connect.source.integration.SignalsKit.counts;
import static io.memoram.connect.source.integration.SignalsKit.restream;
import static io.memoram.connect.source.integration.SignalsKit.rereads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.integration.SignalsKit.Rec;
import io.memoram.connect.util.Jmx;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signals on a real Connect cluster against the emulator (docs/source.md, "Signals"): a re-stream
 * of one user emits exactly that user's live blobs and tags once more, as re-reads (op r), while
 * changes keep flowing; it is announced and finished by notifications carrying its id; the same
 * signal sent twice runs once, a malformed one is skipped, and a restart of the workers in the
 * middle of a re-stream completes it exactly once.
 */
class SignalsClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    @AfterEach
    void noLatency() {
        emu.latency(Duration.ZERO);
    }

    private static List<Rec> readAll(String topic) {
        return SignalsKit.readAll(connect, topic);
    }

    private static List<Rec> notifications(String prefix, String type, String signalId) {
        return SignalsKit.notifications(connect, prefix, type, signalId);
    }

    private static boolean running(String connector) {
        return SignalsKit.running(connect, connector);
    }

    private static void signal(String signalTopic, String connector, String json) {
        connect.kafka().produce(signalTopic, connector, json);
    }

    private Map<String, String> start(String name, String prefix, String apiKey, List<EmulatedUser> users) {
        return SignalsKit.start(connect, emu, name, prefix, apiKey, users, Map.of());
    }

    @Test
    void restreamOfOneUserEmitsItsLiveBlobsOnceWhileChangesFlowAndRunsEachSignalOnce() {
        String apiKey = emu.createApiKey();
        EmulatedUser a = emu.createUser();
        EmulatedUser b = emu.createUser();
        List<String> blobsOfA = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            blobsOfA.add(emu.putBlob(a.userId(), "a memory " + i, "a" + i, List.of("alpha")));
        }
        for (int i = 0; i < 10; i++) {
            emu.putBlob(b.userId(), "b memory " + i, "b" + i, List.of("beta"));
        }
        String name = "signals-restream";
        String prefix = "sigrs";
        start(name, prefix, apiKey, List.of(a, b));
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(memories).size() == 20);
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "initial_load_complete", null).size() == 2);
        long recordsOfB = readAll(memories).stream().filter(r -> r.userId().equals(b.userId())).count();

        // Slow pages, so the changes below land while the re-stream runs.
        emu.latency(Duration.ofMillis(150));
        signal(prefix + ".signals", name, restream("rs-1", a.userId()));
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "restream_started", "rs-1").size() == 1);
        String added = emu.putBlob(a.userId(), "added during the re-stream", "new", List.of());
        emu.updateBlob(a.userId(), blobsOfA.get(9), "changed during the re-stream");
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "restream_complete", "rs-1").size() == 1);
        emu.latency(Duration.ZERO);
        await().atMost(TIMEOUT).until(() -> readAll(memories).stream().anyMatch(r -> added.equals(r.id())));
        await().atMost(TIMEOUT).until(() -> readAll(memories).stream().filter(r -> blobsOfA.get(9).equals(r.id()))
                .reduce((x, y) -> y).map(r -> r.value().get("content").asText()).orElse("").equals("changed during the re-stream"));

        List<Rec> recs = readAll(memories);
        assertThat(counts(rereads(recs, a.userId()))).as("re-reads of user A").containsOnlyKeys(blobsOfA)
                .allSatisfy((id, n) -> assertThat(n).as("re-reads of %s", id).isEqualTo(1L));
        assertThat(recs.stream().filter(r -> r.userId().equals(b.userId())).count()).as("records of user B").isEqualTo(recordsOfB);
        assertThat(rereads(readAll(prefix + ".tags"), a.userId())).as("tags of A re-read").hasSize(1);
        assertThat(rereads(readAll(prefix + ".tags"), b.userId())).as("tags of B re-read").isEmpty();
        Rec complete = notifications(prefix, "restream_complete", "rs-1").get(0);
        assertThat(complete.value().get("user_id").asText()).isEqualTo(a.userId());
        assertThat(complete.value().get("blobs").asLong()).isEqualTo(10);

        // The same signal again, then two that cannot run, then a new one: the task goes on, only the new one runs.
        signal(prefix + ".signals", name, restream("rs-1", a.userId()));
        signal(prefix + ".signals", name, "{not json at all");
        signal(prefix + ".signals", name, "{\"id\":\"odd\",\"type\":\"explode\",\"data\":{}}");
        signal(prefix + ".signals", name, restream("rs-2", a.userId()));
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "restream_complete", "rs-2").size() == 1);
        assertThat(running(name)).as("task running after malformed signals").isTrue();
        assertThat(notifications(prefix, "restream_started", "rs-1")).as("rs-1 started once").hasSize(1);
        List<String> liveOfA = new ArrayList<>(blobsOfA);
        liveOfA.add(added);
        assertThat(counts(rereads(readAll(memories), a.userId()))).containsOnlyKeys(liveOfA)
                .allSatisfy((id, n) -> assertThat(n).as("re-reads of %s", id).isEqualTo(id.equals(added) ? 1L : 2L));
    }

    @Test
    void aWorkerRestartInTheMiddleOfARestreamCompletesItExactlyOnce() {
        String apiKey = emu.createApiKey();
        EmulatedUser a = emu.createUser();
        List<String> blobsOfA = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blobsOfA.add(emu.putBlob(a.userId(), "a memory " + i, "a" + i, List.of()));
        }
        String name = "signals-restart";
        String prefix = "sigrestart";
        start(name, prefix, apiKey, List.of(a));
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(memories).size() == 40);

        // 10 pages of 4 at 400 ms each: the workers go down with part of the re-stream out.
        emu.latency(Duration.ofMillis(400));
        signal(prefix + ".signals", name, restream("rs-restart", a.userId()));
        await().atMost(TIMEOUT).until(() -> rereads(readAll(memories), a.userId()).size() >= 8);
        assertThat(notifications(prefix, "restream_complete", "rs-restart")).as("not complete before the restart").isEmpty();
        int workers = connect.workers().size();
        for (var w : List.copyOf(connect.workers())) {
            connect.removeWorker(w);
        }
        emu.latency(Duration.ZERO);
        for (int i = 0; i < workers; i++) {
            connect.addWorker();
        }
        await().atMost(TIMEOUT).until(() -> running(name));
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "restream_complete", "rs-restart").size() == 1);
        assertThat(counts(rereads(readAll(memories), a.userId()))).containsOnlyKeys(blobsOfA)
                .allSatisfy((id, n) -> assertThat(n).as("re-reads of %s", id).isEqualTo(1L));

        // Done is done: a restart after it repeats nothing.
        connect.restartConnectorAndTasks(name, false, true, false);
        await().atMost(TIMEOUT).until(() -> running(name));
        String marker = emu.putBlob(a.userId(), "after the restart", "marker", List.of());
        await().atMost(TIMEOUT).until(() -> readAll(memories).stream().anyMatch(r -> marker.equals(r.id())));
        assertThat(rereads(readAll(memories), a.userId())).hasSize(40);
        assertThat(notifications(prefix, "restream_started", "rs-restart")).hasSize(1);
        assertThat(notifications(prefix, "restream_complete", "rs-restart")).hasSize(1);
    }

    @Test
    void aPauseHoldsAUserAcrossARestartUntilResumedThroughJmx() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser a = emu.createUser();
        EmulatedUser b = emu.createUser();
        emu.putBlob(a.userId(), "a memory", "a", List.of());
        emu.putBlob(b.userId(), "b memory", "b", List.of());
        String name = "signals-pause";
        String prefix = "sigpause";
        start(name, prefix, apiKey, List.of(a, b));
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(memories).size() == 2);

        signal(prefix + ".signals", name, "{\"id\":\"p-1\",\"type\":\"pause\",\"data\":{\"user\":\"" + a.userId() + "\"}}");
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "paused", "p-1").size() == 1);
        String held = emu.putBlob(a.userId(), "written while paused", "held", List.of());
        // B keeps flowing for two more arrivals (passes of the task that serves both), A's new blob does not.
        for (int i = 0; i < 2; i++) {
            String flows = emu.putBlob(b.userId(), "b flows " + i, "flows", List.of());
            await().atMost(TIMEOUT).until(() -> readAll(memories).stream().anyMatch(r -> flows.equals(r.id())));
        }
        assertThat(readAll(memories)).noneMatch(r -> held.equals(r.id()));

        // Kept across a restart.
        connect.restartConnectorAndTasks(name, false, true, false);
        await().atMost(TIMEOUT).until(() -> running(name));
        String afterRestart = emu.putBlob(b.userId(), "b after the restart", "flows", List.of());
        await().atMost(TIMEOUT).until(() -> readAll(memories).stream().anyMatch(r -> afterRestart.equals(r.id())));
        assertThat(readAll(memories)).noneMatch(r -> held.equals(r.id()));

        // Resumed through JMX (the operator without topic access); a malformed one is refused without quoting it.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName bean = Jmx.name("source-signals", name, 0);
        Object[] answer = new Object[1];
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            answer[0] = server.invoke(bean, "signal", new Object[] {"{oops secret-ish"}, new String[] {String.class.getName()});
            return answer[0] != null;
        });
        assertThat((String) answer[0]).startsWith("rejected").doesNotContain("secret-ish");
        String resume = "{\"id\":\"r-1\",\"type\":\"resume\",\"data\":{\"user\":\"" + a.userId() + "\"}}";
        assertThat((String) server.invoke(bean, "signal", new Object[] {resume}, new String[] {String.class.getName()}))
                .isEqualTo("accepted: 1 users of this task");
        await().atMost(TIMEOUT).until(() -> readAll(memories).stream().anyMatch(r -> held.equals(r.id())));
        assertThat(notifications(prefix, "resumed", "r-1")).hasSize(1);
        assertThat(running(name)).isTrue();

        // A re-stream of all the connector's users: one complete notification per user, each live blob re-read once.
        signal(prefix + ".signals", name, "{\"id\":\"all-1\",\"type\":\"restream\",\"data\":{\"all\":true}}");
        await().atMost(TIMEOUT).until(() -> notifications(prefix, "restream_complete", "all-1").size() == 2);
        List<Rec> recs = readAll(memories);
        for (EmulatedUser u : List.of(a, b)) {
            List<String> live = emu.blobs(u.userId()).stream().map(x -> x.id()).collect(java.util.stream.Collectors.toList());
            assertThat(counts(rereads(recs, u.userId()))).as("re-reads of %s", u.userId()).containsOnlyKeys(live)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        }
    }
}
