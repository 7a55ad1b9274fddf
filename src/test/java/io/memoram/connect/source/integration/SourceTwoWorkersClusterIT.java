package io.memoram.connect.source.integration;

import io.memoram.connect.access.AccessTaskConfig;

import static io.memoram.connect.source.SourceKit.readAll;
import static io.memoram.connect.source.SourceKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two workers, two tasks: the users are split, each served by exactly one task. */
class SourceTwoWorkersClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    @Test
    void usersAreSplitOverTwoTasksOnTwoWorkers() {
        String apiKey = emu.createApiKey();
        Map<String, String> expected = new HashMap<>();
        List<String> ids = new ArrayList<>();
        Set<String> userIds = new HashSet<>();
        for (int u = 0; u < 4; u++) {
            EmulatedUser user = emu.createUser();
            userIds.add(user.userId());
            for (int i = 0; i < 5; i++) {
                String text = "user " + u + " memory " + i;
                expected.put(emu.putBlob(user.userId(), text, "t", List.of()), text);
            }
            ids.add(emu.grantAccess(apiKey, user));
        }
        String name = "src-2w";
        String prefix = "twow";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", String.join(",", ids));
        config.put("tasks.max", "2");
        connect.configureConnector(name, config);
        await().atMost(TIMEOUT).until(() -> running(connect, name, 2));

        // Every task is given every request and serves the users its share owns (a stable hash of the user id).
        for (TaskInfo t : connect.taskConfigs(name)) {
            assertThat(AccessTaskConfig.requestIds(t.config())).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(AccessTaskConfig.parse(t.config()).taskCount()).isEqualTo(2);
        }
        ConnectorStateInfo status = connect.connectorStatus(name);
        assertThat(status.tasks().stream().map(ConnectorStateInfo.AbstractState::workerId).collect(Collectors.toSet())).hasSize(2);

        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> readAll(connect, memories).size() >= 20);
        long base = SourceKit.passes(name);
        await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= base + 8);
        List<Rec> recs = readAll(connect, memories);
        assertThat(recs).hasSize(20);
        assertThat(recs.stream().collect(Collectors.toMap(Rec::id, Rec::content))).isEqualTo(expected);
        assertThat(SourceKit.taskMetric(name, "UsersActive")).isEqualTo(4);
        connect.deleteConnector(name);
    }
}
