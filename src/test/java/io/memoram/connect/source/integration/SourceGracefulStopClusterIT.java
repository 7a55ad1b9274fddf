package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A graceful stop in the middle of an initial load, with slow calls in flight and a full fetch
 * buffer: the task's stop must return at once (never wait on HTTP), so that Connect's final offset
 * commit, within its graceful timeout, covers every record the task returned. The worker's periodic
 * offset flush is 3 s apart here, so without that final commit the records emitted since the last
 * flush would come again: after the restart, no memory may come twice. (New ids wait for an offset
 * flush before they go out, at most the task's buffer bound at a time: the load takes a few flushes.)
 */
class SourceGracefulStopClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Connect's default task.shutdown.graceful.timeout.ms: a stop slower than this loses the final commit. */
    private static final long GRACEFUL_TIMEOUT_MS = 5_000;
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.own("memoram-source-stop", 1,
            Map.of("offset.flush.interval.ms", "3000"));
    private static EmbeddedConnectCluster connect;

    @Test
    void aStopUnderLoadCommitsEverythingReturnedWithinTheGracefulTimeout() {
        String apiKey = emu.createApiKey();
        Set<String> expected = new HashSet<>();
        StringBuilder ids = new StringBuilder();
        String text = "m".repeat(2_000);
        for (int u = 0; u < 3; u++) {
            EmulatedUser user = emu.createUser();
            for (int i = 0; i < 40; i++) {
                expected.add(emu.putBlob(user.userId(), text + i, "t" + i, List.of()));
            }
            ids.append(ids.length() == 0 ? "" : ",").append(emu.grantAccess(apiKey, user));
        }
        String name = "src-stop";
        String prefix = "stop";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", ids.toString());
        config.put("memoram.page.size", "2");
        config.put("memoram.tags.enabled", "false");
        config.put("memoram.max.in.flight.requests", "4");
        // About 14 pages: the buffer fills while new ids wait for an offset flush, and the calls wait 400 ms each.
        config.put("memoram.fetch.buffer.max.bytes", Integer.toString(64 * 1024));
        emu.latency(Duration.ofMillis(400));
        try {
            connect.configureConnector(name, config);
            String memories = prefix + ".memories";
            await().atMost(TIMEOUT).until(() -> readAll(connect, memories).size() >= 10);
            await().atMost(TIMEOUT).until(() -> SourceKit.taskMetric(name, "FetchBufferBytes") >= 40_000);

            long start = System.nanoTime();
            connect.stopConnector(name);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> isStopped(name));
            long stopMs = (System.nanoTime() - start) / 1_000_000;
            List<Rec> beforeRestart = readAll(connect, memories);
            System.out.printf("graceful stop under load: %d ms (%d of %d memories out)%n", stopMs, beforeRestart.size(), expected.size());
            assertThat(stopMs).as("stop under load, ms").isLessThan(GRACEFUL_TIMEOUT_MS);
            assertThat(beforeRestart.size()).as("stopped mid-load").isLessThan(expected.size());

            emu.latency(Duration.ZERO);
            connect.resumeConnector(name);
            await().atMost(TIMEOUT).until(() -> readAll(connect, memories).stream().map(Rec::id).collect(Collectors.toSet())
                    .containsAll(expected));
            long passes = SourceKit.passes(name);
            await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= passes + 6);
            List<Rec> all = readAll(connect, memories);
            Map<String, Long> copies = all.stream().collect(Collectors.groupingBy(Rec::id, Collectors.counting()));
            assertThat(copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("memories emitted again after the graceful stop").isEmpty();
            assertThat(copies.keySet()).isEqualTo(expected);
        } finally {
            emu.latency(Duration.ZERO);
            if (connect.connectors().contains(name)) {
                connect.deleteConnector(name);
            }
        }
    }

    private static boolean isStopped(String name) {
        try {
            var s = connect.connectorStatus(name);
            return "STOPPED".equals(s.connector().state()) && s.tasks().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }
}
