package io.memoram.connect.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU of every thread of this JVM by group, from Linux's {@code /proc/self/task}: user and system time
 * and context switches, including the threads {@link CpuMeter} cannot see (GC, JIT) and the kernel time
 * of socket calls and thread hand-offs, which JFR's execution samples miss. Groups go by the thread's
 * name as the kernel keeps it (its first 15 characters). Empty where there is no {@code /proc}.
 */
final class ThreadGroupsCpu {
    /** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
    private static final double TICK_MS = 10.0;

    record Usage(long userTicks, long systemTicks, long switches) {
        Usage plus(Usage o) {
            return new Usage(userTicks + o.userTicks, systemTicks + o.systemTicks, switches + o.switches);
        }

        Usage minus(Usage o) {
            return new Usage(userTicks - o.userTicks, systemTicks - o.systemTicks, switches - o.switches);
        }

        double userMs() {
            return userTicks * TICK_MS;
        }

        double systemMs() {
            return systemTicks * TICK_MS;
        }
    }

    record Snapshot(Map<String, Usage> byTid, Map<String, String> groupByTid) { }

    private ThreadGroupsCpu() { }

    static Snapshot snapshot() {
        Map<String, Usage> usage = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // "tid (comm) state ...": comm may hold spaces and parentheses, so split after the last ')'.
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(stat.indexOf('(') + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    long utime = Long.parseLong(f[11]);
                    long stime = Long.parseLong(f[12]);
                    long switches = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    String tid = task.getFileName().toString();
                    usage.put(tid, new Usage(utime, stime, switches));
                    groups.put(tid, group(comm));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new Snapshot(usage, groups);
    }

    /** Usage per group since {@code before}, largest first by name order of {@link #group}. */
    static Map<String, Usage> since(Snapshot before) {
        Snapshot now = snapshot();
        Map<String, Usage> out = new LinkedHashMap<>();
        for (Map.Entry<String, Usage> e : now.byTid().entrySet()) {
            Usage was = before.byTid().getOrDefault(e.getKey(), new Usage(0, 0, 0));
            out.merge(now.groupByTid().get(e.getKey()), e.getValue().minus(was), Usage::plus);
        }
        return out;
    }

    static String group(String comm) {
        if (comm.startsWith("memoram-emulato") || comm.startsWith("HTTP-Dispatcher")) {
            return "emulator";
        }
        if (comm.startsWith("memoram-sink")) {
            return "sink lanes";
        }
        if (comm.startsWith("plain-client")) {
            return "plain client threads";
        }
        if (comm.matches("HttpClient-\\d+-S.*")) { // "HttpClient-<n>-SelectorManager", cut to 15 characters
            return "JDK HttpClient selector";
        }
        if (comm.startsWith("HttpClient")) {
            return "JDK HttpClient threads";
        }
        if (comm.equals("java") || comm.equals("main")) {
            return "main (put/preCommit)";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
            return "GC and VM";
        }
        if (comm.startsWith("ForkJoinPool")) {
            return "ForkJoinPool common pool";
        }
        if (comm.contains("CompilerThre")) {
            return "JIT";
        }
        return "other";
    }
}
