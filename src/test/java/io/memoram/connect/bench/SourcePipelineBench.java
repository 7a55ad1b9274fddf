package io.memoram.connect.bench;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.Fakes;
import io.memoram.connect.source.MemoramSourceTask;
import io.memoram.connect.source.SourceBenchAccess;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The real MemoramSourceTask driven directly, without Kafka: a minimal SourceTaskContext, offsets in a
 * map, the emulator over real HTTP on loopback. Phase 1 is the initial load (every blob fetched,
 * decrypted, fingerprinted, turned into a record); phase 2 is a restart from the offsets of phase 1
 * (every blob fetched and fingerprinted, nothing decrypted or emitted). The emulator runs in the same
 * JVM, so its share of the 2 cores is part of the measured time. A small warm-up run on another user
 * comes first (see {@link #warmUp}).
 */
final class SourcePipelineBench {
    record Result(int users, int blobs, int contentBytes, int pageSize,
                  double loadSeconds, long loadRecords, long apiCalls,
                  double resumeSeconds, long resumeRecords,
                  long heapBaseline, long heapAfterLoad, long heapAfterStop, long offsetValueBytes) {
        double blobsPerSecond() {
            return blobs / loadSeconds;
        }

        double resumeBlobsPerSecond() {
            return blobs / resumeSeconds;
        }
    }

    static final int WARM_UP_BLOBS = 2_000;

    private SourcePipelineBench() { }

    static Result run(int users, int blobsPerUser, int contentBytes, int pageSize) throws InterruptedException {
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            emu.pageCap(pageSize);
            String apiKey = emu.createApiKey();
            Map<String, String> requestUsers = new LinkedHashMap<>();
            Random random = new Random(3);
            for (int u = 0; u < users; u++) {
                EmulatedUser user = emu.createUser();
                requestUsers.put(emu.grantAccess(apiKey, user), user.userId());
                for (int i = 0; i < blobsPerUser; i++) {
                    emu.putBlob(user.userId(), BenchData.text(contentBytes, random), "title " + i, List.of("bench", "t" + (i % 8)));
                }
            }
            Map<String, String> connector = new HashMap<>();
            connector.put("name", "bench-source");
            connector.put("memoram.api.url", emu.baseUrl());
            connector.put("memoram.api.key", apiKey);
            connector.put("memoram.access.request.ids", String.join(",", requestUsers.keySet()));
            connector.put("topic.prefix", "bench");
            connector.put("memoram.page.size", Integer.toString(pageSize));
            // One pass per user and phase: a caught-up user is not due again during the measurement.
            connector.put("poll.interval.ms", "3600000");
            connector.put("memoram.access.check.interval.ms", "3600000");
            Map<String, String> taskConfig = SourceBenchAccess.taskConfig(connector, requestUsers);
            int blobs = users * blobsPerUser;

            warmUp(emu, apiKey, connector, contentBytes, pageSize);
            long heapBaseline = Heap.usedAfterGc();
            Fakes.Offsets offsets = new Fakes.Offsets();
            int callsBefore = emu.requestCount(null, null);
            MemoramSourceTask task = new MemoramSourceTask();
            long t0 = System.nanoTime();
            long records = drive(task, taskConfig, offsets, users);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long apiCalls = emu.requestCount(null, null) - callsBefore;
            if (SourceBenchAccess.recordsCreated(task) != blobs) {
                throw new IllegalStateException("initial load emitted " + SourceBenchAccess.recordsCreated(task)
                        + " memory records, expected " + blobs);
            }
            long heapAfterLoad = Heap.usedAfterGc();
            task.stop();
            task = null; // so that the next measurement sees what stop() releases
            long heapAfterStop = Heap.usedAfterGc();

            long offsetBytes = 0;
            for (Map<String, Object> o : offsets.stored.values()) {
                Object m = o.get("manifest");
                offsetBytes += m instanceof String s ? s.length() : 0;
            }

            MemoramSourceTask resumed = new MemoramSourceTask();
            long t1 = System.nanoTime();
            long resumeRecords = drive(resumed, taskConfig, offsets, users);
            double resumeSeconds = (System.nanoTime() - t1) / 1e9;
            if (SourceBenchAccess.recordsCreated(resumed) != 0) {
                throw new IllegalStateException("the resumed task emitted " + SourceBenchAccess.recordsCreated(resumed)
                        + " memory records again; expected none");
            }
            resumed.stop();
            return new Result(users, blobs, contentBytes, pageSize, loadSeconds, records, apiCalls,
                    resumeSeconds, resumeRecords, heapBaseline, heapAfterLoad, heapAfterStop, offsetBytes);
        }
    }

    /**
     * One small task run first, on a user of its own, so that neither the timing nor the heap figures carry
     * one-time costs: class loading (the signed Bouncy Castle jar's verified manifest alone is megabytes),
     * the JIT's first compilations, the HTTP client's first connections.
     */
    private static void warmUp(MemoramEmulator emu, String apiKey, Map<String, String> connector, int contentBytes, int pageSize)
            throws InterruptedException {
        EmulatedUser user = emu.createUser();
        Map<String, String> requestUsers = Map.of(emu.grantAccess(apiKey, user), user.userId());
        Random random = new Random(5);
        for (int i = 0; i < WARM_UP_BLOBS; i++) {
            emu.putBlob(user.userId(), BenchData.text(contentBytes, random), "warm-up " + i, List.of("bench"));
        }
        Map<String, String> config = new HashMap<>(connector);
        config.put("name", "bench-source-warm-up");
        config.put("memoram.access.request.ids", String.join(",", requestUsers.keySet()));
        MemoramSourceTask task = new MemoramSourceTask();
        drive(task, SourceBenchAccess.taskConfig(config, requestUsers), new Fakes.Offsets(), 1);
        task.stop();
    }

    /** Starts the task and polls until every user completed one pass and every memory record was polled; commits every record's offset. */
    private static long drive(MemoramSourceTask task, Map<String, String> config, Fakes.Offsets offsets, int users)
            throws InterruptedException {
        task.initialize(new Fakes.TaskContext(config, offsets));
        task.start(config);
        long deadline = System.nanoTime() + 180_000_000_000L;
        long records = 0;
        // A pass counts as completed once its last page is fetched, before poll() hands it over, and a new
        // blob's record waits for offset storage to name its id (a later poll): go on until every memory
        // record created was polled, or those left are never "committed" and the resumed task rightly
        // emits them again.
        long memories = 0;
        while (SourceBenchAccess.passesCompleted(task) < users || memories < SourceBenchAccess.recordsCreated(task)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the source task did not catch up within 180 s");
            }
            List<SourceRecord> batch = Fakes.pollCommitted(task);
            if (batch == null) {
                continue;
            }
            records += batch.size();
            for (SourceRecord r : batch) {
                if (r.topic().endsWith(".memories") && r.value() != null) {
                    memories++;
                }
                // What the worker commits once the records are acknowledged: the last offset per partition.
                @SuppressWarnings("unchecked")
                Map<String, Object> offset = (Map<String, Object>) r.sourceOffset();
                offsets.stored.put(r.sourcePartition(), offset);
            }
        }
        return records;
    }
}
