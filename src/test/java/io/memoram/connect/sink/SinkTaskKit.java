package io.memoram.connect.sink;

import io.memoram.connect.access.AccessTaskConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** What the task-level sink tests share: the base config of a task on the emulator, and its start. */
final class SinkTaskKit {
    private SinkTaskKit() {}

    /** Short retry backoffs so failure paths play out fast; the caller adds what its tests need. */
    static Map<String, String> baseProps(String name, String apiUrl, String apiKey) {
        Map<String, String> p = new HashMap<>();
        p.put("name", name);
        p.put("memoram.api.url", apiUrl);
        p.put("memoram.api.key", apiKey);
        p.put("memoram.retry.backoff.ms", "20");
        p.put("memoram.retry.backoff.max.ms", "200");
        p.put("errors.tolerance", "all");
        p.put(AccessTaskConfig.TASK_NUMBER_CONFIG, "0");
        return p;
    }

    /** Puts the key/value pairs last, so a test's own settings win over the defaults. */
    static Map<String, String> with(Map<String, String> p, String... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    /** Starts a task as a worker would: initialize, start, then open the one partition. */
    static MemoramSinkTask start(FakeSinkContext ctx, TopicPartition tp) {
        MemoramSinkTask task = new MemoramSinkTask();
        task.initialize(ctx);
        task.start(ctx.configs);
        ctx.assignment.add(tp);
        task.open(List.of(tp));
        return task;
    }
}
