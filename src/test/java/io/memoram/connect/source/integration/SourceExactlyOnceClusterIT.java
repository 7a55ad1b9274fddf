package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.readAll;
import static io.memoram.connect.source.SourceKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exactly-once delivery on a worker with exactly.once.source.support=enabled, across a task restart mid-load. */
class SourceExactlyOnceClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.own("memoram-source-eos", 1, Map.of("exactly.once.source.support", "enabled"));
    private static EmbeddedConnectCluster connect;

    @Test
    void aTaskRestartMidLoadLeavesNoDuplicates() {
        String apiKey = emu.createApiKey();
        Map<String, String> expected = new HashMap<>();
        StringBuilder ids = new StringBuilder();
        for (int u = 0; u < 2; u++) {
            EmulatedUser user = emu.createUser();
            for (int i = 0; i < 40; i++) {
                String text = "user " + u + " memory " + i;
                expected.put(emu.putBlob(user.userId(), text, "t" + i, List.of()), text);
            }
            ids.append(ids.length() == 0 ? "" : ",").append(emu.grantAccess(apiKey, user));
        }
        String name = "src-eos";
        String prefix = "eos";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", ids.toString());
        config.put("exactly.once.support", "required");
        config.put("memoram.page.size", "2");
        config.put("memoram.tags.enabled", "false");
        // A slow listing keeps the load going long enough for the restart to land in the middle of it.
        emu.faults().on("GET", "/memory-blobs").next(1_000, Fault.delay(Duration.ofMillis(60)));
        connect.configureConnector(name, config);

        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(connect, memories).size() >= 10);
        connect.restartTask(name, 0);
        assertThat(readAll(connect, memories).size()).as("restarted mid-load").isLessThan(80);
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1));

        await().atMost(TIMEOUT).until(() -> readAll(connect, memories).size() >= 80);
        emu.faults().clear();
        long base = SourceKit.passes(name);
        await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= base + 4);
        List<Rec> recs = readAll(connect, memories);
        assertThat(recs).hasSize(80);
        assertThat(recs.stream().collect(Collectors.toMap(Rec::id, Rec::content))).isEqualTo(expected);
        connect.deleteConnector(name);
    }
}
