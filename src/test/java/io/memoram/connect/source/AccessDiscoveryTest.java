package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery of approved access requests against the emulator without a cluster: the connector, its
 * task configs and real tasks that each read the account's listing and serve their own share.
 */
class AccessDiscoveryTest {
    private static final String OURS = "Acme analytics would like to copy your memories into its warehouse";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private MemoramSourceConnector connector;
    private final List<MemoramSourceTask> tasks = new ArrayList<>();
    /** Every record the tasks returned, per task. */
    private final Map<MemoramSourceTask, List<SourceRecord>> polled = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        tasks.forEach(MemoramSourceTask::stop);
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
        p.put("poll.interval.ms", "100");
        p.put("memoram.tags.enabled", "false");
        return p;
    }

    private MemoramSourceConnector start(Fakes.ConnectorContext ctx, Map<String, String> props) {
        connector = new MemoramSourceConnector();
        connector.initialize(ctx);
        connector.start(props);
        return connector;
    }

    /** Starts one task per config, as a worker would. */
    private List<MemoramSourceTask> startTasks(List<Map<String, String>> configs) {
        List<MemoramSourceTask> started = new ArrayList<>();
        for (Map<String, String> c : configs) {
            MemoramSourceTask t = new MemoramSourceTask();
            t.initialize(new Fakes.TaskContext(c));
            tasks.add(t);
            t.start(c);
            polled.put(t, new ArrayList<>());
            started.add(t);
        }
        return started;
    }

    private void pollAll() throws InterruptedException {
        for (MemoramSourceTask t : tasks) {
            List<SourceRecord> got = Fakes.pollCommitted(t); // offsets written at once: the gate lets new ids go
            if (got != null) {
                polled.get(t).addAll(got);
            }
        }
    }

    /** The users whose memories a task emitted. */
    private Set<String> usersEmittedBy(MemoramSourceTask t) {
        Set<String> out = new HashSet<>();
        for (SourceRecord r : polled.get(t)) {
            if (r.key() instanceof Struct k && r.topic().endsWith("memories")) {
                out.add(k.getString("user_id"));
            }
        }
        return out;
    }

    private static void awaitListings(int more) {
        int before = emu.requestCount("GET", "/access-requests");
        await().atMost(Duration.ofSeconds(20)).until(() -> emu.requestCount("GET", "/access-requests") >= before + more);
    }

    @Test
    void approvalsNeverReconfigureTheConnector() {
        String apiKey = emu.createApiKey();
        EmulatedUser alice = emu.createUser();
        EmulatedUser carol = emu.createUser();
        emu.approve(emu.requestAccess(apiKey, alice, OURS));
        String forCarol = emu.requestAccess(apiKey, carol, OURS);

        Fakes.ConnectorContext ctx = new Fakes.ConnectorContext();
        MemoramSourceConnector c = start(ctx, props(apiKey, "reason"));
        List<Map<String, String>> configs = c.taskConfigs(2);
        assertThat(configs).hasSize(2);
        assertThat(configs).allSatisfy(cfg -> assertThat(AccessTaskConfig.parse(cfg).requests()).isEmpty());

        startTasks(configs);
        emu.approve(forCarol);
        awaitListings(3);
        assertThat(ctx.reconfigurations.get()).as("an approval is the tasks' business").isZero();
        assertThat(c.taskConfigs(2)).isEqualTo(configs);
        assertThat(ctx.errors).isEmpty();
    }

    @Test
    void twoTasksServeDisjointSharesAndAnApprovalMovesNoOtherUser() throws Exception {
        String apiKey = emu.createApiKey();
        Map<String, String> requestOf = new HashMap<>();
        List<EmulatedUser> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            EmulatedUser u = emu.createUser();
            emu.putBlob(u.userId(), "memory of " + i, "t", List.of());
            String id = emu.requestAccess(apiKey, u, OURS);
            emu.approve(id);
            requestOf.put(u.userId(), id);
            users.add(u);
        }
        EmulatedUser elsewhere = emu.createUser();
        emu.putBlob(elsewhere.userId(), "not ours", "t", List.of());
        emu.approve(emu.requestAccess(apiKey, elsewhere, "Another pipeline of the same account"));

        List<MemoramSourceTask> started = startTasks(start(new Fakes.ConnectorContext(), props(apiKey, "reason")).taskConfigs(2));
        await().atMost(WAIT).until(() -> {
            pollAll();
            return usersEmittedBy(started.get(0)).size() + usersEmittedBy(started.get(1)).size() == 12;
        });
        for (int t = 0; t < 2; t++) {
            for (String u : usersEmittedBy(started.get(t))) {
                assertThat(io.memoram.connect.access.AccessShare.owner(u, 2)).as("task of %s", u).isEqualTo(t);
            }
        }
        Set<String> knownBefore0 = started.get(0).metrics().getSecondsSinceLastPass().keySet();
        Set<String> knownBefore1 = started.get(1).metrics().getSecondsSinceLastPass().keySet();
        assertThat(knownBefore0).doesNotContainAnyElementsOf(knownBefore1).doesNotContain(elsewhere.userId());

        // A newcomer joins the task of its hash while the tasks run; nobody else moves.
        EmulatedUser newcomer = emu.createUser();
        emu.putBlob(newcomer.userId(), "newcomer", "t", List.of());
        emu.approve(emu.requestAccess(apiKey, newcomer, OURS));
        MemoramSourceTask owner = started.get(io.memoram.connect.access.AccessShare.owner(newcomer.userId(), 2));
        await().atMost(WAIT).until(() -> {
            pollAll();
            return usersEmittedBy(owner).contains(newcomer.userId());
        });
        assertThat(started.get(0).metrics().getSecondsSinceLastPass().keySet()).containsAll(knownBefore0);
        assertThat(started.get(1).metrics().getSecondsSinceLastPass().keySet()).containsAll(knownBefore1);
        assertThat(started.get(0).metrics().getUsersActive() + started.get(1).metrics().getUsersActive()).isEqualTo(13);

        // A revocation ends that user's stream in its task, with its access record.
        EmulatedUser leaving = users.get(0);
        MemoramSourceTask leavingTask = started.get(io.memoram.connect.access.AccessShare.owner(leaving.userId(), 2));
        emu.revoke(requestOf.get(leaving.userId()));
        await().atMost(WAIT).until(() -> {
            pollAll();
            return polled.get(leavingTask).stream().anyMatch(r -> requestOf.get(leaving.userId()).equals(r.key())
                    && "revoked".equals(((Struct) r.value()).getString("status")));
        });
        assertThat(leavingTask.metrics().getUsersRevoked()).isEqualTo(1);
        assertThat(started.get(0).metrics().getUsersActive() + started.get(1).metrics().getUsersActive()).isEqualTo(12);

        // A listing that holds part of the account proves nothing about the rest: nobody is dropped.
        emu.accessRequestListCap(3);
        awaitListings(6);
        pollAll();
        assertThat(started.get(0).metrics().getUsersActive() + started.get(1).metrics().getUsersActive()).isEqualTo(12);
    }

    /** The API calls request ids opaque: configured and discovered ids with dots, colons, commas and non-ASCII are served. */
    @Test
    void opaqueRequestIdsGoFromTheConnectorThroughTaskConfigsToTheTask() throws Exception {
        String apiKey = emu.createApiKey();
        List<String> configured = List.of("req.42", "urn:memoram:req:7");
        List<String> discovered = List.of("a,b", "zürich-ü-請求");
        Map<String, String> userOf = new HashMap<>();
        for (String id : concat(configured, discovered)) {
            EmulatedUser u = emu.createUser();
            emu.putBlob(u.userId(), "memory for " + id, "t", List.of());
            emu.approve(emu.requestAccessWithId(apiKey, u, OURS, id));
            userOf.put(u.userId(), id);
        }
        Map<String, String> p = props(apiKey, "all");
        p.put("memoram.access.request.ids", String.join(",", configured));
        List<Map<String, String>> configs = start(new Fakes.ConnectorContext(), p).taskConfigs(1);
        MemoramSourceTask task = startTasks(configs).get(0);
        await().atMost(WAIT).until(() -> {
            pollAll();
            return usersEmittedBy(task).equals(userOf.keySet());
        });
        Set<Object> approvedIds = new HashSet<>();
        for (SourceRecord r : polled.get(task)) {
            if (r.topic().endsWith("access") && "approved".equals(((Struct) r.value()).getString("status"))) {
                approvedIds.add(r.key());
            }
        }
        assertThat(approvedIds).containsExactlyInAnyOrderElementsOf(concat(configured, discovered));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
