package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.Version;
import io.memoram.connect.emulator.MemoramEmulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connector's framework-facing answers, without a cluster. */
class MemoramSourceConnectorTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private static Map<String, String> valid(String apiKey) {
        Map<String, String> p = new HashMap<>();
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.request.ids", "cm8r8ny2i001mm24853tqfd62");
        return p;
    }

    private static List<String> errors(Config c, String name) {
        return c.configValues().stream().filter(v -> v.name().equals(name)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void validateReportsPerFieldErrorsAndChecksTheApiKeyLive() {
        MemoramSourceConnector connector = new MemoramSourceConnector();
        assertThat(connector.validate(valid(emu.createApiKey())).configValues()).allSatisfy(v -> assertThat(v.errorMessages()).isEmpty());

        Map<String, String> bad = valid("mem_" + "0".repeat(48));
        bad.remove("memoram.access.request.ids");
        bad.put("memoram.api.url", "ftp://nowhere");
        bad.put("memoram.access.request.reason", "x".repeat(256));
        bad.put("behavior.on.delete", "explode");
        Config c = connector.validate(bad);
        assertThat(errors(c, "memoram.access.request.ids")).isNotEmpty();
        assertThat(errors(c, "memoram.memory.keys")).isNotEmpty();
        assertThat(errors(c, "memoram.api.url")).isNotEmpty();
        assertThat(errors(c, "memoram.access.request.reason")).singleElement().asString().contains("255");
        assertThat(errors(c, "behavior.on.delete")).singleElement().asString().contains("tombstone");

        Map<String, String> discovering = valid(emu.createApiKey());
        discovering.remove("memoram.access.request.ids");
        discovering.put("memoram.access.discovery", "reason");
        assertThat(connector.validate(discovering).configValues()).allSatisfy(v -> assertThat(v.errorMessages()).isEmpty());
        discovering.put("memoram.access.discovery", "everyone");
        assertThat(errors(connector.validate(discovering), "memoram.access.discovery")).singleElement().asString()
                .contains("off, reason, all");

        Config refused = connector.validate(valid("mem_" + "0".repeat(48)));
        assertThat(errors(refused, "memoram.api.key")).isNotEmpty();
    }

    @Test
    void frameworkAnswers() {
        MemoramSourceConnector connector = new MemoramSourceConnector();
        assertThat(connector.version()).isEqualTo(Version.get()).isNotEqualTo("unknown");
        assertThat(connector.exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.taskClass()).isEqualTo(MemoramSourceTask.class);
        Map<Map<String, ?>, Map<String, ?>> reset = new HashMap<>();
        reset.put(Map.of("user_id", "u1", "stream", "memories", "bucket", "0"), null);
        assertThat(connector.alterOffsets(Map.of(), reset)).isTrue();
        Map<Map<String, ?>, Map<String, ?>> wrong = new HashMap<>();
        wrong.put(Map.of("user_id", "u1"), null);
        assertThatThrownBy(() -> connector.alterOffsets(Map.of(), wrong)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("user_id");
    }
}
