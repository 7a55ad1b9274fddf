package io.memoram.connect.bench;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.FakeSinkContext;
import io.memoram.connect.sink.MemoramSinkTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The real MemoramSinkTask driven directly, without Kafka: records put in batches of 500 (the
 * consumer's default max.poll.records), one topic partition per user, upsert mode with distinct keys
 * (every record creates a blob, sealed with aes-gcm), timed until preCommit confirms every offset.
 * Each run uses fresh users, so every run starts with one (empty) listing per user.
 */
final class SinkPipelineBench {
    static final int PUT_BATCH = 500;
    static final int WARM_UP_RECORDS = 1_000;

    record Result(int maxInFlight, int records, int users, int contentBytes, double seconds, long creates) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    private SinkPipelineBench() { }

    static List<Result> run(int users, int records, int contentBytes, List<Integer> inFlight) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            String apiKey = emu.createApiKey();
            // Warm-up, not reported: class loading, first JIT compilations and connections would otherwise
            // all be charged to the first setting.
            runOnce(emu, apiKey, users, WARM_UP_RECORDS, contentBytes, inFlight.get(inFlight.size() - 1));
            for (int maxInFlight : inFlight) {
                results.add(runOnce(emu, apiKey, users, records, contentBytes, maxInFlight));
            }
        }
        return results;
    }

    private static Result runOnce(MemoramEmulator emu, String apiKey, int users, int records, int contentBytes, int maxInFlight)
            throws InterruptedException {
        List<EmulatedUser> us = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            EmulatedUser user = emu.createUser();
            us.add(user);
            requestIds.add(emu.grantAccess(apiKey, user));
        }
        Map<String, String> props = new HashMap<>();
        props.put("name", "bench-sink-" + maxInFlight + "-" + records);
        props.put("memoram.api.url", emu.baseUrl());
        props.put("memoram.api.key", apiKey);
        props.put("memoram.access.request.ids", String.join(",", requestIds));
        props.put("memoram.max.in.flight.requests", Integer.toString(maxInFlight));
        props.put(MemoramSinkTask.TASK_NUMBER_CONFIG, "0");

        String topic = "bench-sink-" + maxInFlight + "-" + records;
        List<TopicPartition> partitions = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            partitions.add(new TopicPartition(topic, u));
        }
        // Built before the clock starts: record creation is Kafka's and the converter's work, not the sink's.
        Random random = new Random(11);
        List<SinkRecord> all = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            int u = i % users;
            Map<String, Object> value = new HashMap<>();
            value.put("user_id", us.get(u).userId());
            value.put("content", BenchData.text(contentBytes, random));
            value.put("title", "note " + i);
            value.put("tags", List.of("bench"));
            all.add(new SinkRecord(topic, u, null, "key-" + i, null, value, i / users));
        }
        Map<TopicPartition, Long> expected = new HashMap<>();
        for (int u = 0; u < users; u++) {
            expected.put(partitions.get(u), (long) ((records - u + users - 1) / users));
        }

        FakeSinkContext context = new FakeSinkContext(props, false);
        MemoramSinkTask task = new MemoramSinkTask();
        int createsBefore = emu.requestCount("POST", "/memory-blobs");
        task.initialize(context);
        task.start(props);
        context.assignment.addAll(partitions);
        task.open(partitions);
        try {
            long t0 = System.nanoTime();
            for (int from = 0; from < records; from += PUT_BATCH) {
                task.put(all.subList(from, Math.min(records, from + PUT_BATCH)));
            }
            Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
            expected.forEach((tp, next) -> current.put(tp, new OffsetAndMetadata(next)));
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!confirmed(task.preCommit(current), expected)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink did not confirm " + records + " records within 180 s");
                }
                Thread.sleep(2); // the framework calls preCommit every offset.flush.interval.ms; 2 ms keeps timing fine-grained
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int written = 0;
            for (EmulatedUser u : us) {
                written += emu.blobs(u.userId()).size();
            }
            if (written != records) {
                throw new IllegalStateException("the sink confirmed " + records + " records but " + written + " blobs exist");
            }
            return new Result(maxInFlight, records, users, contentBytes, seconds, emu.requestCount("POST", "/memory-blobs") - createsBefore);
        } finally {
            task.stop();
        }
    }

    private static boolean confirmed(Map<TopicPartition, OffsetAndMetadata> committable, Map<TopicPartition, Long> expected) {
        for (Map.Entry<TopicPartition, Long> e : expected.entrySet()) {
            OffsetAndMetadata o = committable.get(e.getKey());
            if (o == null || o.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
