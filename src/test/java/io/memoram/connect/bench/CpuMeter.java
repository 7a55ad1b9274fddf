package io.memoram.connect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the live Java threads, split into the emulator's (the "server": threads named
 * {@code memoram-emulator-*} and the HTTP server's {@code HTTP-Dispatcher}) and everything else (the "worker": the task's lanes, the HTTP
 * client's threads, the bench's own). Threads that start and end between two snapshots are not
 * counted; the pipelines keep theirs alive until measured. GC and JIT threads are not Java threads:
 * {@link #processCpuNanos()} includes them.
 */
final class CpuMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Snapshot(Map<Long, Long> cpuById, Map<Long, Boolean> serverById, long process) { }

    record Used(long workerNanos, long serverNanos, long processNanos) { }

    private CpuMeter() { }

    static Snapshot snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, Boolean> server = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = THREADS.getThreadCpuTime(info.getThreadId());
            if (t >= 0) {
                cpu.put(info.getThreadId(), t);
                // The JDK HttpServer's dispatcher accepts and selects the emulator's connections: the server's work.
                server.put(info.getThreadId(), info.getThreadName().startsWith("memoram-emulator-")
                        || info.getThreadName().startsWith("HTTP-Dispatcher"));
            }
        }
        return new Snapshot(cpu, server, processCpuNanos());
    }

    static Used since(Snapshot before) {
        Snapshot now = snapshot();
        long worker = 0;
        long server = 0;
        for (Map.Entry<Long, Long> e : now.cpuById().entrySet()) {
            long used = e.getValue() - before.cpuById().getOrDefault(e.getKey(), 0L);
            if (now.serverById().get(e.getKey())) {
                server += used;
            } else {
                worker += used;
            }
        }
        return new Used(worker, server, now.process() - before.process());
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
