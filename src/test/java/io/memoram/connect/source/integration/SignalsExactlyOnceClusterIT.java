package io.memoram.connect.source.integration;

import static io.memoram.connect.source.integration.SignalsKit.TIMEOUT;
import static io.memoram.connect.source.integration.SignalsKit.counts;
import static io.memoram.connect.source.integration.SignalsKit.notifications;
import static io.memoram.connect.source.integration.SignalsKit.readAll;
import static io.memoram.connect.source.integration.SignalsKit.rereads;
import static io.memoram.connect.source.integration.SignalsKit.restream;
import static io.memoram.connect.source.integration.SignalsKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A re-stream with exactly-once source support (docs/source.md, "Signals"): its records,
 * notifications and offsets are committed in the same transactions, so a task restarted in the
 * middle resumes it and, read_committed, every live blob of the user is re-read exactly once.
 */
class SignalsExactlyOnceClusterIT {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.own("memoram-signals-eos", 1,
            Map.of("exactly.once.source.support", "enabled"));
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    @AfterEach
    void noLatency() {
        emu.latency(Duration.ZERO);
    }

    @Test
    void aRestreamRestartedInTheMiddleReReadsEveryLiveBlobExactlyOnce() {
        String apiKey = emu.createApiKey();
        EmulatedUser a = emu.createUser();
        EmulatedUser b = emu.createUser();
        List<String> blobsOfA = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            blobsOfA.add(emu.putBlob(a.userId(), "a memory " + i, "a" + i, List.of()));
        }
        emu.putBlob(b.userId(), "b memory", "b", List.of());
        String name = "signals-eos";
        String prefix = "sigeos";
        SignalsKit.start(connect, emu, name, prefix, apiKey, List.of(a, b),
                Map.of("exactly.once.support", "required", "memoram.tags.enabled", "false"));
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(connect, memories).size() == 31);

        emu.latency(Duration.ofMillis(300));
        connect.kafka().produce(prefix + ".signals", name, restream("rs-eos", a.userId()));
        await().atMost(TIMEOUT).until(() -> rereads(readAll(connect, memories), a.userId()).size() >= 8);
        connect.restartConnectorAndTasks(name, false, true, false);
        emu.latency(Duration.ZERO);
        await().atMost(TIMEOUT).until(() -> running(connect, name));
        await().atMost(TIMEOUT).until(() -> notifications(connect, prefix, "restream_complete", "rs-eos").size() == 1);
        assertThat(counts(rereads(readAll(connect, memories), a.userId()))).containsOnlyKeys(blobsOfA)
                .allSatisfy((id, n) -> assertThat(n).as("re-reads of %s", id).isEqualTo(1L));
        assertThat(rereads(readAll(connect, memories), b.userId())).isEmpty();
        assertThat(notifications(connect, prefix, "restream_started", "rs-eos")).hasSize(1);
    }
}
