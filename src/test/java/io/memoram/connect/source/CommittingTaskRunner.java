package io.memoram.connect.source;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Plays Connect's part for one source task after another, without a worker: every record a
 * {@link #poll()} returns is "produced" (handed to the caller's topic model), and offsets reach the
 * offset storage the next task reads only when committed, as Connect's offset flush does. A
 * graceful stop commits everything returned first (what Connect does on stop and rebalance); a
 * crash commits only the batches up to an earlier poll, like a SIGKILL before the next flush, so
 * the records after it are in the topic while the restarted task never learns of them.
 *
 * <p>Offsets go through a JSON round trip, like Connect's offset store, so a test sees what a task
 * would read back after a restart (numbers as Longs), not the objects it wrote.
 */
final class CommittingTaskRunner {
    private final Map<String, String> taskProps;
    private final Duration maxIdleWait;
    private final Fakes.Offsets committed = new Fakes.Offsets();
    /** Batches returned since the last commit, in order. */
    private final List<List<SourceRecord>> uncommitted = new ArrayList<>();
    private final JsonConverter json = new JsonConverter();
    private MemoramSourceTask task;
    private int starts;

    CommittingTaskRunner(Map<String, String> taskProps, Duration maxIdleWait) {
        this.taskProps = taskProps;
        this.maxIdleWait = maxIdleWait;
        json.configure(Map.of("schemas.enable", "false"), false);
    }

    void start() {
        if (task != null) {
            throw new IllegalStateException("a task is running");
        }
        task = new MemoramSourceTask(Clock.systemUTC(), maxIdleWait);
        task.initialize(new Fakes.TaskContext(taskProps, committed));
        task.start(taskProps);
        starts++;
    }

    boolean running() {
        return task != null;
    }

    MemoramSourceTask task() {
        return task;
    }

    int starts() {
        return starts;
    }

    /** What offset storage holds now (what the next task reads at start). */
    Map<Map<String, ?>, Map<String, Object>> committedOffsets() {
        return committed.stored;
    }

    /**
     * One poll; what it returns counts as produced and acknowledged, so the task hears of each record
     * ({@code commitRecord}, with no metadata, as Connect does for a record it did not send to Kafka).
     * Null is an empty list.
     */
    List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> batch = task.poll();
        if (batch == null || batch.isEmpty()) {
            return List.of();
        }
        uncommitted.add(batch);
        for (SourceRecord r : batch) {
            task.commitRecord(r, null);
        }
        return batch;
    }

    /** Batches returned and not committed yet. */
    int uncommittedBatches() {
        return uncommitted.size();
    }

    /** Connect's offset flush: the offsets of everything returned so far. */
    void commitAll() {
        commitFirst(uncommitted.size());
    }

    /**
     * Commits the first {@code batches} uncommitted batches (the last offset of a partition wins) and
     * tells the task, as Connect calls {@code commit()} after each offset flush.
     */
    void commitFirst(int batches) {
        for (int i = 0; i < batches; i++) {
            for (SourceRecord r : uncommitted.get(0)) {
                committed.stored.put(new HashMap<>(r.sourcePartition()), stored(r.sourceOffset()));
            }
            uncommitted.remove(0);
        }
        try {
            // Through SourceTask's signature, which may throw; an override need not declare it.
            ((SourceTask) task).commit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stop, rebalance, SIGTERM: commit everything returned, then stop. */
    void stopGracefully() {
        commitAll();
        stopTask();
    }

    /**
     * SIGKILL after the flush of the first {@code keptBatches} uncommitted batches: the rest were
     * produced but their offsets are lost. @return the records whose offsets were lost
     */
    List<SourceRecord> crash(int keptBatches) {
        commitFirst(keptBatches);
        List<SourceRecord> lost = new ArrayList<>();
        uncommitted.forEach(lost::addAll);
        uncommitted.clear();
        stopTask();
        return lost;
    }

    private void stopTask() {
        task.stop();
        task = null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stored(Map<String, ?> offset) {
        byte[] bytes = json.fromConnectData("offsets", null, offset);
        return (Map<String, Object>) json.toConnectData("offsets", bytes).value();
    }
}
