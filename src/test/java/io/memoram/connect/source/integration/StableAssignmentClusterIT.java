package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.readAll;
import static io.memoram.connect.source.SourceKit.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import io.memoram.connect.source.TaskStarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users that never move (docs/source.md, "Tasks and users"): with discovery on two real Connect
 * workers, approvals and revocations restart no task. Task starts are counted from outside the
 * connector, by the registrations of its tasks' MBeans (every start registers one), so a
 * reconfiguration cannot go unseen. Deletions are still tombstoned while approvals keep arriving.
 */
public class StableAssignmentClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String OURS = "Acme analytics would like to copy your memories into its warehouse";

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared().clearingFaultsOf(emu);
    private static EmbeddedConnectCluster connect; // filled by the extension before the tests

    private static Set<String> ids(List<Rec> recs, boolean tombstones) {
        return recs.stream().filter(r -> r.tombstone() == tombstones).map(Rec::id).collect(Collectors.toSet());
    }

    private static String status(List<Rec> access, String requestId) {
        String last = null;
        for (Rec r : access) {
            if (requestId.equals(r.keyText()) && r.value() != null) {
                last = r.value().get("status").asText();
            }
        }
        return last;
    }

    @Test
    void twentyApprovalsAndFiveRevocationsRestartNoTaskAndDeletionsGoOn() throws Exception {
        String apiKey = emu.createApiKey();
        List<EmulatedUser> users = new ArrayList<>();
        Map<String, String> requestOf = new HashMap<>();
        Map<String, String> blobs = new HashMap<>();
        Map<String, String> firstBlobOf = new HashMap<>();
        for (int u = 0; u < 8; u++) {
            EmulatedUser user = emu.createUser();
            users.add(user);
            Map<String, String> seeded = SourceKit.seed(emu, user, 3, "user" + u);
            blobs.putAll(seeded);
            firstBlobOf.put(user.userId(), seeded.keySet().iterator().next());
            String id = emu.requestAccess(apiKey, user, OURS);
            emu.approve(id);
            requestOf.put(user.userId(), id);
        }
        List<EmulatedUser> newcomers = new ArrayList<>();
        Map<String, String> newcomerBlob = new HashMap<>();
        for (int n = 0; n < 20; n++) {
            EmulatedUser user = emu.createUser();
            newcomers.add(user);
            newcomerBlob.put(user.userId(), emu.putBlob(user.userId(), "newcomer " + n, "new", List.of()));
            requestOf.put(user.userId(), emu.requestAccess(apiKey, user, OURS));
        }

        String name = "stable-assignment";
        String prefix = "stable";
        SourceKit.createTopics(connect, prefix);
        Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
        config.put("memoram.access.discovery", "reason");
        config.put("memoram.access.request.reason", OURS);
        config.put("tasks.max", "2");
        String memories = prefix + ".memories";
        try (TaskStarts starts = new TaskStarts(name)) {
            connect.configureConnector(name, config);
            await().atMost(TIMEOUT).until(() -> running(connect, name, 2));
            await().atMost(TIMEOUT).until(() -> ids(readAll(connect, memories), false).containsAll(blobs.keySet()));
            int startsBefore = starts.count();
            assertThat(startsBefore).as("both tasks started").isGreaterThanOrEqualTo(2);

            // Deleted while approvals arrive: their tombstones need two complete listings without a restart.
            List<String> deleted = new ArrayList<>();
            for (EmulatedUser keeps : users.subList(5, 8)) {
                String id = firstBlobOf.get(keeps.userId());
                assertThat(emu.deleteBlob(keeps.userId(), id)).isTrue();
                deleted.add(id);
            }
            Set<String> revokedUsers = new HashSet<>();
            for (int n = 0; n < newcomers.size(); n++) {
                EmulatedUser newcomer = newcomers.get(n);
                emu.approve(requestOf.get(newcomer.userId()));
                if (n % 4 == 0) {
                    EmulatedUser leaving = users.get(n / 4);
                    emu.revoke(requestOf.get(leaving.userId()));
                    revokedUsers.add(leaving.userId());
                }
                String blob = newcomerBlob.get(newcomer.userId());
                await().atMost(TIMEOUT).until(() -> ids(readAll(connect, memories), false).contains(blob));
            }
            await().atMost(TIMEOUT).until(() -> ids(readAll(connect, memories), true).containsAll(deleted));
            // Each revocation is recorded and ends that user's stream.
            await().atMost(TIMEOUT).until(() -> {
                List<Rec> access = readAll(connect, prefix + ".access");
                return revokedUsers.stream().allMatch(u -> "revoked".equals(status(access, requestOf.get(u))));
            });
            List<String> late = new ArrayList<>();
            for (String u : revokedUsers) {
                late.add(emu.putBlob(u, "after the revocation", "late", List.of()));
            }
            String stillFlowing = emu.putBlob(users.get(7).userId(), "still flowing", "late", List.of());
            await().atMost(TIMEOUT).until(() -> ids(readAll(connect, memories), false).contains(stillFlowing));
            long passes = SourceKit.passes(name);
            await().atMost(TIMEOUT).until(() -> SourceKit.passes(name) >= passes + 6);
            List<Rec> recs = readAll(connect, memories);
            assertThat(recs).noneMatch(r -> late.contains(r.id()));
            assertThat(SourceKit.taskMetric(name, "UsersActive")).isEqualTo(8 - 5 + 20);
            assertThat(SourceKit.taskMetric(name, "UsersRevoked")).isEqualTo(5);

            assertThat(starts.count() - startsBefore).as("task starts during 20 approvals and 5 revocations").isZero();
            // Nothing emitted twice: without restarts, no blob is re-read from older offsets.
            Map<String, Long> perBlob = recs.stream().filter(r -> !r.tombstone())
                    .collect(Collectors.groupingBy(Rec::id, Collectors.counting()));
            assertThat(perBlob).allSatisfy((id, count) -> assertThat(count).as("records of blob %s", id).isEqualTo(1L));
        }
    }
}
