package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.config.MemoramCommonConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskAssignmentTest {
    private static final String KEY = "mk_secret_value_1234";

    private static Map<String, String> connectorProps() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "src");
        p.put(MemoramCommonConfig.MEMORY_KEYS_CONFIG, KEY);
        p.put(MemoramCommonConfig.API_KEY_CONFIG, "mem_x");
        return p;
    }

    @Test
    void requestsOfOneUserStayTogetherAndUnknownUsersStandAlone() {
        List<AccessTaskConfig.Request> rs = List.of(
                new AccessTaskConfig.Request("r1", "alice", null),
                new AccessTaskConfig.Request("r2", "bob", null),
                new AccessTaskConfig.Request("r3", "alice", "f".repeat(64)),
                new AccessTaskConfig.Request("r4", null, "e".repeat(64)),
                new AccessTaskConfig.Request("r5", null, null));
        List<List<AccessTaskConfig.Request>> groups = TaskAssignment.groups(rs);
        assertThat(groups).hasSize(4);
        assertThat(groups).anySatisfy(g -> assertThat(g).extracting(AccessTaskConfig.Request::requestId).containsExactly("r1", "r3"));

        List<Map<String, String>> configs = TaskAssignment.taskConfigs(connectorProps(), groups, 3);
        assertThat(configs).hasSize(3);
        Map<String, Integer> taskOfUser = new HashMap<>();
        List<String> allIds = new ArrayList<>();
        for (int t = 0; t < configs.size(); t++) {
            Map<String, String> c = configs.get(t);
            assertThat(c).doesNotContainKey(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            assertThat(c.values()).noneMatch(v -> v.contains(KEY));
            assertThat(c.get(TaskAssignment.TASK_NUMBER)).isEqualTo(Integer.toString(t));
            for (AccessTaskConfig.Request r : TaskAssignment.parse(c)) {
                allIds.add(r.requestId());
                if (r.userId() != null) {
                    Integer prev = taskOfUser.put(r.userId(), t);
                    assertThat(prev == null || prev == t).as("user %s in one task", r.userId()).isTrue();
                }
            }
        }
        assertThat(allIds).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5");
        AccessTaskConfig.Request r3 = configs.stream().flatMap(c -> TaskAssignment.parse(c).stream())
                .filter(r -> r.requestId().equals("r3")).findFirst().orElseThrow();
        assertThat(r3).isEqualTo(new AccessTaskConfig.Request("r3", "alice", "f".repeat(64)));
    }

    @Test
    void neverMoreTasksThanGroupsAndStableOrder() {
        List<AccessTaskConfig.Request> rs = List.of(new AccessTaskConfig.Request("r2", "bob", null), new AccessTaskConfig.Request("r1", "amy", null));
        assertThat(TaskAssignment.taskConfigs(connectorProps(), TaskAssignment.groups(rs), 8)).hasSize(2);
        assertThat(TaskAssignment.groups(rs)).isEqualTo(TaskAssignment.groups(List.of(rs.get(1), rs.get(0))));
        assertThat(TaskAssignment.taskConfigs(connectorProps(), List.of(), 4)).isEmpty();
    }

    @Test
    void taskKeysAreTypedAndAMalformedValueIsNamed() {
        List<AccessTaskConfig.Request> rs = List.of(new AccessTaskConfig.Request("r1", "alice", "f".repeat(64)));
        Map<String, String> c = TaskAssignment.taskConfigs(connectorProps(), TaskAssignment.groups(rs), 1).get(0);
        assertThat(c).containsEntry("memoram.task.access.request.ids", "r1")
                .containsEntry("memoram.task.access.request.r1.user.id", "alice")
                .containsEntry("memoram.task.access.request.r1.memory.key.sha256", "f".repeat(64))
                .containsEntry("memoram.task.number", "0");
        assertThat(io.memoram.connect.access.AccessTaskConfig.parse(c).taskNumber()).isZero();

        Map<String, String> bad = new HashMap<>(c);
        bad.put("memoram.task.access.request.r1.memory.key.sha256", "not-a-fingerprint");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskAssignment.parse(bad))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("memoram.task.access.request.r1.memory.key.sha256");
        Map<String, String> foreign = new HashMap<>(connectorProps());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskAssignment.parse(foreign))
                .hasMessageContaining("memoram.task.access.request.ids");
    }
}
