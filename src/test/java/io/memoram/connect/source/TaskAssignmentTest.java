package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.config.MemoramCommonConfig;
import io.memoram.connect.config.MemoramSourceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
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
    void everyTaskIsGivenEveryRequestWithoutUsersOrKeys() {
        List<AccessTaskConfig.Request> rs = List.of(
                new AccessTaskConfig.Request("r1", "alice", null),
                new AccessTaskConfig.Request("r2", null, "e".repeat(64)));
        List<Map<String, String>> configs = AccessTaskConfig.taskConfigs(connectorProps(), rs, 3);
        assertThat(configs).hasSize(3);
        for (int t = 0; t < 3; t++) {
            Map<String, String> c = configs.get(t);
            assertThat(c).doesNotContainKey(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
            assertThat(c.values()).noneMatch(v -> v.contains(KEY));
            AccessTaskConfig parsed = AccessTaskConfig.parse(c);
            assertThat(parsed.taskNumber()).isEqualTo(t);
            assertThat(parsed.taskCount()).isEqualTo(3);
            // Users are each task's own finding: a user learned by the connector never changes a task config.
            assertThat(parsed.requests()).containsExactly(new AccessTaskConfig.Request("r1", null, null),
                    new AccessTaskConfig.Request("r2", null, "e".repeat(64)));
        }
    }

    @Test
    void taskCountIsTasksMaxWithDiscoveryElseNoMoreThanTheConfiguredRequests() {
        assertThat(TaskAssignment.taskCount(4, true, 0)).isEqualTo(4);
        assertThat(TaskAssignment.taskCount(4, true, 1)).isEqualTo(4);
        assertThat(TaskAssignment.taskCount(4, false, 2)).isEqualTo(2);
        assertThat(TaskAssignment.taskCount(4, false, 9)).isEqualTo(4);
        assertThat(TaskAssignment.taskCount(0, false, 0)).isEqualTo(1);
    }

    /** The API calls request ids opaque: whatever it hands out must reach the task as it was. */
    @Test
    void opaqueIdsWithDotsColonsCommasAndNonAsciiSurviveTheTaskConfig() {
        List<String> ids = List.of("req.42", "urn:memoram:req:7", "a,b", "zürich-ü", "請求-1", "with space", "quote\"d", "{json}");
        List<AccessTaskConfig.Request> rs = ids.stream().map(id -> new AccessTaskConfig.Request(id, null, null)).toList();
        Map<String, String> c = AccessTaskConfig.taskConfigs(connectorProps(), rs, 2).get(1);
        assertThat(AccessTaskConfig.requestIds(c)).containsExactlyElementsOf(ids);
    }

    @Test
    void aMalformedTaskKeyIsNamed() {
        Map<String, String> c = AccessTaskConfig.taskConfigs(connectorProps(),
                List.of(new AccessTaskConfig.Request("r1", null, "f".repeat(64))), 1).get(0);
        Map<String, String> bad = new HashMap<>(c);
        bad.put(AccessTaskConfig.REQUEST_IDS_CONFIG, "[{\"id\":\"r1\",\"memory_key_sha256\":\"not-a-fingerprint\"}]");
        assertThatThrownBy(() -> AccessTaskConfig.parse(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AccessTaskConfig.REQUEST_IDS_CONFIG).hasMessageContaining("memory_key_sha256");
        bad.put(AccessTaskConfig.REQUEST_IDS_CONFIG, "r1,r2");
        assertThatThrownBy(() -> AccessTaskConfig.parse(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AccessTaskConfig.REQUEST_IDS_CONFIG);
        bad.put(AccessTaskConfig.REQUEST_IDS_CONFIG, "[{\"id\":\"\"}]");
        assertThatThrownBy(() -> AccessTaskConfig.parse(bad)).isInstanceOf(ConfigException.class);
        bad.put(AccessTaskConfig.REQUEST_IDS_CONFIG, "[]");
        bad.put(AccessTaskConfig.TASK_COUNT_CONFIG, "0");
        assertThatThrownBy(() -> AccessTaskConfig.parse(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AccessTaskConfig.TASK_COUNT_CONFIG);
        Map<String, String> foreign = new HashMap<>(connectorProps());
        assertThatThrownBy(() -> AccessTaskConfig.parse(foreign)).hasMessageContaining(AccessTaskConfig.REQUEST_IDS_CONFIG);
    }

    @Test
    void theTaskConfigClassParsesTheConnectorsSettingsAndTheTaskKeysInOnePass() {
        Map<String, String> c = AccessTaskConfig.taskConfigs(connectorProps(),
                List.of(new AccessTaskConfig.Request("r1", "alice", null)), 3).get(2);
        MemoramSourceTaskConfig task = new MemoramSourceTaskConfig(c);
        assertThat(task.taskNumber()).isEqualTo(2);
        assertThat(task.taskCount()).isEqualTo(3);
        assertThat(task.requests()).containsExactly(new AccessTaskConfig.Request("r1", null, null));
        assertThat(MemoramSourceTaskConfig.TASK_CONFIG_DEF.names()).containsAll(MemoramSourceConfig.CONFIG_DEF.names())
                .contains(AccessTaskConfig.TASK_NUMBER_CONFIG, AccessTaskConfig.TASK_COUNT_CONFIG, AccessTaskConfig.REQUEST_IDS_CONFIG);
        // The connector's own definition (its config(), docs/configuration.md) stays without the task keys.
        assertThat(MemoramSourceConfig.CONFIG_DEF.names()).doesNotContain(AccessTaskConfig.TASK_NUMBER_CONFIG);
        Map<String, String> foreign = new HashMap<>(connectorProps());
        assertThatThrownBy(() -> new MemoramSourceTaskConfig(foreign)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AccessTaskConfig.REQUEST_IDS_CONFIG);
        Map<String, String> bad = new HashMap<>(c);
        bad.put(AccessTaskConfig.TASK_NUMBER_CONFIG, "-1");
        assertThatThrownBy(() -> new MemoramSourceTaskConfig(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AccessTaskConfig.TASK_NUMBER_CONFIG);
    }
}
