package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.readAll;
import static io.memoram.connect.source.SourceKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessShare;
import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.source.SourceKit;
import io.memoram.connect.util.Jmx;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users arriving and leaving while the source runs, on two real Connect workers: discovery of a new
 * approval (no config change, no user moves: each user stays with the task of its hash), a
 * revocation that stops one user while the others go on, with no duplicate and no gap, a user
 * removed by updating the config, and a memory key the API refuses.
 */
class DiscoveryClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String OURS = "Acme analytics would like to copy your memories into its warehouse";

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared().clearingFaultsOf(emu);
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    /**
     * Which task serves each user now, from the tasks' MBeans (each lists the users it knows, with
     * the time since their last pass); a user known to two tasks fails the test.
     */
    static Map<String, Integer> taskOfUser(String name) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Integer> out = new HashMap<>();
        for (ObjectName n : server.queryNames(new ObjectName(Jmx.DOMAIN + ":type=source-task,connector="
                + ObjectName.quote(name) + ",*"), null)) {
            int task = Integer.parseInt(n.getKeyProperty("task"));
            TabularData users;
            try {
                users = (TabularData) server.getAttribute(n, "SecondsSinceLastPass");
            } catch (javax.management.InstanceNotFoundException gone) {
                continue; // stopped meanwhile
            }
            for (Object row : users.values()) {
                String user = (String) ((CompositeData) row).get("key");
                assertThat(out.put(user, task)).as("user %s served by one task", user).isIn(null, task);
            }
        }
        return out;
    }

    private static Map<String, String> contentById(List<Rec> recs) {
        return recs.stream().filter(r -> !r.tombstone()).collect(Collectors.toMap(Rec::id, Rec::content, (a, b) -> b));
    }

    @Test
    void approvalsAndRevocationsWhileRunningMoveNoUserWithNoDuplicateAndNoGap() throws Exception {
        String apiKey = emu.createApiKey();
        List<EmulatedUser> users = new ArrayList<>();
        Map<String, String> expected = new HashMap<>();
        Map<String, String> requestOf = new HashMap<>();
        for (int u = 0; u < 3; u++) {
            EmulatedUser user = emu.createUser();
            users.add(user);
            expected.putAll(SourceKit.seed(emu, user, 4, "user" + u));
            String id = emu.requestAccess(apiKey, user, OURS);
            emu.approve(id);
            requestOf.put(user.userId(), id);
        }
        EmulatedUser otherPipeline = emu.createUser();
        SourceKit.seed(emu, otherPipeline, 2, "other");
        emu.approve(emu.requestAccess(apiKey, otherPipeline, "Another pipeline of the same developer account"));
        // The newcomer sorts before everyone: under the old round-robin its arrival moved users between tasks.
        String first = users.stream().map(EmulatedUser::userId).min(Comparator.naturalOrder()).orElseThrow();
        EmulatedUser candidate = emu.createUser();
        while (candidate.userId().compareTo(first) >= 0) {
            candidate = emu.createUser();
        }
        EmulatedUser newcomer = candidate;
        Map<String, String> newcomerBlobs = SourceKit.seed(emu, newcomer, 4, "newcomer");
        String newcomerRequest = emu.requestAccess(apiKey, newcomer, OURS);

        String name = "discovery-2w";
        String prefix = "disc";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.discovery", "reason");
        config.put("memoram.access.request.reason", OURS);
        config.put("tasks.max", "2");
        connect.configureConnector(name, config);
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> running(connect, name, 2));
        await().atMost(TIMEOUT).until(() -> contentById(readAll(connect, memories)).keySet().containsAll(expected.keySet()));
        Map<String, Integer> before = taskOfUser(name);
        assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(users.stream().map(EmulatedUser::userId).toList());
        before.forEach((user, task) -> assertThat(task).as("task of %s", user).isEqualTo(AccessShare.owner(user, 2)));
        List<Map<String, String>> configsBefore = connect.taskConfigs(name).stream().map(TaskInfo::config).toList();

        // Approve while running: no config change, no restart, no user moves.
        emu.approve(newcomerRequest);
        expected.putAll(newcomerBlobs);
        expected.putAll(SourceKit.seed(emu, users.get(0), 2, "during"));
        await().atMost(TIMEOUT).until(() -> taskOfUser(name).containsKey(newcomer.userId()));
        Map<String, Integer> after = taskOfUser(name);
        assertThat(after).hasSize(4).containsAllEntriesOf(before)
                .containsEntry(newcomer.userId(), AccessShare.owner(newcomer.userId(), 2));
        assertThat(connect.taskConfigs(name).stream().map(TaskInfo::config).toList()).isEqualTo(configsBefore);
        await().atMost(TIMEOUT).until(() -> contentById(readAll(connect, memories)).keySet().containsAll(expected.keySet()));

        // Revoke one: it stops, the others go on, and the access topic says so.
        EmulatedUser leaving = users.get(1);
        emu.revoke(requestOf.get(leaving.userId()));
        String afterRevocation = emu.putBlob(leaving.userId(), "written after the revocation", "late", List.of());
        Map<String, String> stillFlowing = SourceKit.seed(emu, users.get(2), 1, "still");
        expected.putAll(stillFlowing);
        await().atMost(TIMEOUT).until(() -> readAll(connect, prefix + ".access").stream()
                .anyMatch(r -> requestOf.get(leaving.userId()).equals(r.keyText()) && "revoked".equals(r.value().get("status").asText())));
        // Seen by the connector: from now on it must not ask for that user's blobs (the emulator would refuse them anyway).
        int leavingCalls = emu.requestCount(null, null, leaving.userId());
        await().atMost(TIMEOUT).until(() -> contentById(readAll(connect, memories)).keySet().containsAll(stillFlowing.keySet()));
        long passes = SourceKit.passes(name);
        await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= passes + 6);
        assertThat(emu.requestCount(null, null, leaving.userId())).as("calls for the revoked user's blobs after the revocation was seen")
                .isEqualTo(leavingCalls);

        List<Rec> recs = readAll(connect, memories);
        // No duplicate: every blob was emitted exactly once.
        Map<String, Long> perBlob = recs.stream().collect(Collectors.groupingBy(Rec::id, Collectors.counting()));
        assertThat(perBlob).allSatisfy((id, n) -> assertThat(n).as("records of blob %s", id).isEqualTo(1L));
        // No gap, and only this pipeline's users: the topic is exactly the emulator's state of the served users.
        assertThat(contentById(recs)).isEqualTo(expected);
        assertThat(recs).noneMatch(r -> r.id().equals(afterRevocation) || r.userId().equals(otherPipeline.userId()));
        assertThat(SourceKit.taskMetric(name, "UsersRevoked")).isEqualTo(1);
        ConnectorStateInfo status = connect.connectorStatus(name);
        assertThat(status.tasks()).allMatch(t -> t.state().equals("RUNNING"));
    }

    @Test
    void removingAUserFromARunningConnectorsConfigStopsThatUserOnly() {
        String apiKey = emu.createApiKey();
        EmulatedUser staying = emu.createUser();
        EmulatedUser removed = emu.createUser();
        String stayingRequest = emu.grantAccess(apiKey, staying);
        String removedRequest = emu.grantAccess(apiKey, removed);
        Map<String, String> expected = new HashMap<>(SourceKit.seed(emu, staying, 2, "staying"));
        Map<String, String> removedBefore = SourceKit.seed(emu, removed, 2, "removed");

        String name = "remove-user";
        String prefix = "rmuser";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.request.ids", stayingRequest + "," + removedRequest);
        connect.configureConnector(name, config);
        String memories = prefix + ".memories";
        await().atMost(TIMEOUT).until(() -> contentById(readAll(connect, memories)).keySet()
                .containsAll(expected.keySet()) && contentById(readAll(connect, memories)).keySet().containsAll(removedBefore.keySet()));

        config.put("memoram.access.request.ids", stayingRequest);
        connect.configureConnector(name, config);
        await().atMost(TIMEOUT).until(() -> connect.taskConfigs(name).stream()
                .allMatch(t -> AccessTaskConfig.requestIds(t.config()).equals(List.of(stayingRequest))));
        await().atMost(TIMEOUT).until(() -> running(connect, name, 1) && taskOfUser(name).keySet().equals(java.util.Set.of(staying.userId())));
        String late = emu.putBlob(removed.userId(), "after removal", "late", List.of());
        expected.putAll(SourceKit.seed(emu, staying, 1, "staying-late"));
        await().atMost(TIMEOUT).until(() -> contentById(readAll(connect, memories)).keySet().containsAll(expected.keySet()));
        long passes = SourceKit.passes(name);
        await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= passes + 3);
        assertThat(readAll(connect, memories)).noneMatch(r -> r.id().equals(late));
    }

    @Test
    void aMemoryKeyTheApiRefusesFailsTheConnectorWithoutNamingTheKey() {
        String apiKey = emu.createApiKey();
        String unknownKey = "mk_" + "9".repeat(40);
        String name = "refused-key";
        Map<String, String> config = SourceKit.config(emu, apiKey, "refused");
        config.put("memoram.memory.keys", unknownKey);
        connect.configureConnector(name, config);
        await().atMost(TIMEOUT).until(() -> {
            try {
                return connect.connectorStatus(name).connector().state().equals("FAILED");
            } catch (RuntimeException e) {
                return false;
            }
        });
        String trace = connect.connectorStatus(name).connector().trace();
        assertThat(trace).contains("refused the memory key").contains("memoram.memory.keys").doesNotContain(unknownKey);
    }
}
