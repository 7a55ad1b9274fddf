package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.access.AccessTaskConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class MemoramSinkConnectorTest {

    private static Map<String, String> base() {
        Map<String, String> c = new HashMap<>();
        c.put("name", "sink");
        c.put("topics", "chats");
        c.put("memoram.api.url", "http://127.0.0.1:1/api/v1");
        c.put("memoram.api.key", "mem_" + "a".repeat(48));
        return c;
    }

    @Test
    void everyTaskGetsEveryRequestIdAndItsNumber() {
        MemoramSinkConnector connector = new MemoramSinkConnector();
        Map<String, String> c = base();
        c.put("memoram.access.request.ids", "r1, r2");
        connector.start(c);
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(AccessTaskConfig.requestIds(tasks.get(i))).containsExactly("r1", "r2");
            assertThat(tasks.get(i)).containsEntry(AccessTaskConfig.TASK_NUMBER_CONFIG, Integer.toString(i))
                    .doesNotContainKey("memoram.memory.keys");
            assertThat(AccessTaskConfig.parse(tasks.get(i)).taskNumber()).isEqualTo(i);
        }
        assertThat(connector.taskClass()).isEqualTo(MemoramSinkTask.class);
        connector.stop();
    }

    @Test
    void validateNamesMissingAccessAndBadSettingsPerField() {
        Map<String, String> c = base();
        c.put("memoram.write.mode", "sometimes");
        c.put("memoram.max.in.flight.requests", "0");
        Config result = new MemoramSinkConnector().validate(c);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : result.configValues()) {
            errors.put(v.name(), v.errorMessages());
        }
        assertThat(errors.get("memoram.access.request.ids")).anyMatch(m -> m.contains("Configure at least one of"));
        assertThat(errors.get("memoram.memory.keys")).isNotEmpty();
        assertThat(errors.get("memoram.write.mode")).anyMatch(m -> m.contains("upsert, insert"));
        assertThat(errors.get("memoram.max.in.flight.requests")).isNotEmpty();
        assertThat(errors.get("memoram.api.key")).isEmpty();
    }
}
