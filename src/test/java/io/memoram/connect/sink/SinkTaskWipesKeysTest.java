package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.access.UserAccess;
import io.memoram.connect.crypto.WipedKeys;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A sink task's users' keys are zeroed when the task stops, not just dropped (docs/security.md). */
class SinkTaskWipesKeysTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final TopicPartition tp = new TopicPartition("chats", 0);

    @Test
    void stopWipesTheKeysOfEveryUserItWroteFor() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        String requestId = emu.grantAccess(apiKey, user);
        Map<String, String> p = new HashMap<>();
        p.put("name", "wipe-sink");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("memoram.access.request.ids", requestId);
        p.put("memoram.retry.backoff.ms", "20");
        p.put("memoram.retry.backoff.max.ms", "200");
        p.put(AccessTaskConfig.TASK_NUMBER_CONFIG, "0");
        FakeSinkContext ctx = new FakeSinkContext(p, true);
        MemoramSinkTask task = new MemoramSinkTask();
        task.initialize(ctx);
        task.start(ctx.configs);
        UserAccess access;
        try {
            ctx.assignment.add(tp);
            task.open(List.of(tp));
            Map<String, Object> v = new HashMap<>();
            v.put("user_id", user.userId());
            v.put("content", "sealed on the worker");
            task.put(List.of(new SinkRecord(tp.topic(), tp.partition(), null, "a", null, v, 0)));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                OffsetAndMetadata o = task.preCommit(Map.of(tp, new OffsetAndMetadata(999))).get(tp);
                return o != null && o.offset() == 1;
            });
            assertThat(emu.blobs(user.userId())).hasSize(1);
            access = ((UserDirectory.Lookup.Served) ((UserDirectory) WipedKeys.field(task, "users")).find(user.userId())).access();
            assertThat(WipedKeys.allZero(access)).isFalse();
        } finally {
            task.stop();
        }
        assertThat(WipedKeys.allZero(access)).as("stop() zeroes the user's keys").isTrue();
        assertThat(access.isClosed()).isTrue();
    }
}
