package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessRegistry;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.crypto.WipedKeys;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A source task's users' keys are zeroed when the task stops, not just dropped (docs/security.md). */
class SourceTaskWipesKeysTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    @Test
    void stopWipesTheKeysOfEveryServedUser() {
        String apiKey = emu.createApiKey();
        EmulatedUser one = emu.createUser();
        EmulatedUser two = emu.createUser();
        emu.putBlob(one.userId(), "one", "t", List.of());
        emu.putBlob(two.userId(), "two", "t", List.of());
        Map<String, String> p = new HashMap<>();
        p.put("name", "wipe");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.check.interval.ms", "100");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "20");
        p.put("memoram.tags.enabled", "false");
        List<AccessTaskConfig.Request> requests = List.of(
                new AccessTaskConfig.Request(emu.grantAccess(apiKey, one), one.userId(), null),
                new AccessTaskConfig.Request(emu.grantAccess(apiKey, two), two.userId(), null));
        Map<String, String> taskProps = TaskConfigs.singleTask(p, requests);
        MemoramSourceTask t = new MemoramSourceTask();
        t.initialize(new Fakes.TaskContext(taskProps));
        t.start(taskProps);
        List<UserAccess> accesses = new ArrayList<>();
        try {
            List<SourceRecord> records = new ArrayList<>();
            // Both users' blobs were opened: the task holds both users' keys.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<SourceRecord> batch = Fakes.pollCommitted(t);
                if (batch != null) {
                    records.addAll(batch);
                }
                return records.stream().filter(r -> r.value() instanceof Struct v && v.schema().field("content") != null).count() >= 2;
            });
            AccessRegistry registry = (AccessRegistry) WipedKeys.field(t, "registry");
            accesses.add(registry.access(one.userId()));
            accesses.add(registry.access(two.userId()));
            assertThat(accesses).doesNotContainNull().noneMatch(WipedKeys::allZero);
        } finally {
            t.stop();
        }
        assertThat(accesses).as("every served user's keys are zeroed by stop()").allMatch(WipedKeys::allZero)
                .allMatch(UserAccess::isClosed);
    }
}
