package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source connector's discovery of approved access requests, against the emulator without a cluster. */
class AccessDiscoveryTest {
    private static final String OURS = "Acme analytics would like to copy your memories into its warehouse";

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private MemoramSourceConnector connector;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
        emu.accessRequestListCap(0);
    }

    private static Map<String, String> props(String apiKey, String discovery) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "discovery");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.discovery", discovery);
        p.put("memoram.access.request.reason", OURS);
        p.put("memoram.access.check.interval.ms", "100");
        return p;
    }

    private MemoramSourceConnector start(Fakes.ConnectorContext ctx, Map<String, String> props) {
        connector = new MemoramSourceConnector();
        connector.initialize(ctx);
        connector.start(props);
        return connector;
    }

    private static Map<String, String> usersByRequest(List<Map<String, String>> configs) {
        Map<String, String> out = new HashMap<>();
        for (Map<String, String> c : configs) {
            TaskAssignment.parse(c).forEach(r -> out.put(r.requestId(), r.userId()));
        }
        return out;
    }

    private static void awaitListings(int more) {
        int before = emu.requestCount("GET", "/access-requests");
        await().atMost(Duration.ofSeconds(20)).until(() -> emu.requestCount("GET", "/access-requests") >= before + more);
    }

    @Test
    void servesTheApprovedRequestsWithItsReasonAndReconfiguresOnlyWhenTheUsersChange() {
        String apiKey = emu.createApiKey();
        EmulatedUser alice = emu.createUser();
        EmulatedUser other = emu.createUser();
        EmulatedUser carol = emu.createUser();
        EmulatedUser dave = emu.createUser();
        String forAlice = emu.requestAccess(apiKey, alice, OURS);
        emu.approve(forAlice);
        emu.approve(emu.requestAccess(apiKey, other, "Another pipeline of the same account"));
        String forCarol = emu.requestAccess(apiKey, carol, OURS);
        String forDave = emu.requestAccess(apiKey, dave, OURS);
        emu.approve(forDave);
        emu.revoke(forDave);

        Fakes.ConnectorContext ctx = new Fakes.ConnectorContext();
        MemoramSourceConnector c = start(ctx, props(apiKey, "reason"));
        List<Map<String, String>> configs = c.taskConfigs(2);
        // Pending (carol) has no user yet; another reason is another pipeline; a revoked user stays
        // with a task, which reports the revocation and resumes the user if they approve again.
        assertThat(usersByRequest(configs)).isEqualTo(Map.of(forAlice, alice.userId(), forDave, dave.userId()));
        for (Map<String, String> config : configs) {
            for (EmulatedUser u : List.of(alice, other, carol, dave)) {
                assertThat(config.values()).noneMatch(v -> v.contains(u.memoryKey()));
            }
        }

        awaitListings(3);
        assertThat(ctx.reconfigurations.get()).as("no change, no reconfiguration").isZero();

        emu.approve(forCarol);
        await().atMost(Duration.ofSeconds(20)).until(() -> ctx.reconfigurations.get() == 1);
        configs = c.taskConfigs(2);
        assertThat(usersByRequest(configs)).containsEntry(forCarol, carol.userId()).hasSize(3);
        assertThat(configs).extracting(cfg -> TaskAssignment.parse(cfg).size()).containsExactlyInAnyOrder(2, 1);

        awaitListings(3);
        assertThat(ctx.reconfigurations.get()).isEqualTo(1);
        assertThat(ctx.errors).isEmpty();
    }

    @Test
    void allTakesEveryReasonAndListedIdsStillWork() {
        String apiKey = emu.createApiKey();
        EmulatedUser listed = emu.createUser();
        EmulatedUser found = emu.createUser();
        String listedId = emu.grantAccess(apiKey, listed);
        String foundId = emu.requestAccess(apiKey, found, "Whatever reason");
        emu.approve(foundId);

        Map<String, String> p = props(apiKey, "all");
        p.put("memoram.access.request.ids", listedId);
        MemoramSourceConnector c = start(new Fakes.ConnectorContext(), p);
        assertThat(usersByRequest(c.taskConfigs(4))).isEqualTo(Map.of(listedId, listed.userId(), foundId, found.userId()));
    }

    @Test
    void aThousandUsersInOneListingAreSpreadEvenlyAndAnIncompleteListingDropsNobody() {
        String apiKey = emu.createApiKey();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            EmulatedUser u = emu.createUser();
            String id = emu.requestAccess(apiKey, u, OURS);
            emu.approve(id);
            expected.put(id, u.userId());
        }
        Fakes.ConnectorContext ctx = new Fakes.ConnectorContext();
        MemoramSourceConnector c = start(ctx, props(apiKey, "reason"));
        List<Map<String, String>> configs = c.taskConfigs(3);
        assertThat(usersByRequest(configs)).isEqualTo(expected);
        assertThat(configs).extracting(cfg -> TaskAssignment.parse(cfg).size()).containsExactlyInAnyOrder(334, 333, 333);

        // A server that returned part of the list (total > items) proves nothing about the rest.
        emu.accessRequestListCap(10);
        awaitListings(3);
        assertThat(ctx.reconfigurations.get()).isZero();
        assertThat(usersByRequest(c.taskConfigs(3))).isEqualTo(expected);
        List<String> tasksOfFirstConfigs = new ArrayList<>();
        configs.forEach(cfg -> tasksOfFirstConfigs.add(cfg.get(TaskAssignment.TASK_REQUEST_IDS)));
        assertThat(c.taskConfigs(3)).extracting(cfg -> cfg.get(TaskAssignment.TASK_REQUEST_IDS)).isEqualTo(tasksOfFirstConfigs);
    }
}
