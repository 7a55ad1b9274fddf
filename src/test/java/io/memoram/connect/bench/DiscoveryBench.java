package io.memoram.connect.bench;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit;
import io.memoram.connect.source.TaskStarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Discovery at scale ({@code mvn -B -Pbench -Dbench.only=discovery}): a source connector in
 * discovery mode with 1,000 users known on an embedded Connect cluster (two workers, two tasks)
 * against the emulator; then new users approve one at a time, and the time from each approval to
 * that user's first record in the memories topic is measured. It includes the check interval (the
 * approval is seen at the next listing of the task that owns the user), that task reading the new
 * user's offsets and credentials (no task restarts: the bench counts task starts to show it) and the
 * new user's first pass. Printed, and written into its own
 * block of docs/benchmarks.md (the path given as the first argument); not asserted.
 */
public final class DiscoveryBench {
    static final int USERS = Integer.getInteger("bench.discovery.users", 1_000);
    static final int APPROVALS = Integer.getInteger("bench.discovery.approvals", 3);
    static final long CHECK_INTERVAL_MS = 1_000;
    private static final String REASON = "Discovery benchmark pipeline";

    private DiscoveryBench() { }

    public static void main(String[] args) throws Exception {
        double loadAtStart = load();
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            String apiKey = emu.createApiKey();
            for (int i = 0; i < USERS; i++) {
                EmulatedUser u = emu.createUser();
                emu.putBlob(u.userId(), "memory of user " + i, "t", List.of());
                emu.approve(emu.requestAccess(apiKey, u, REASON));
            }
            EmbeddedConnectCluster connect = io.memoram.connect.ConnectClusterExtension.startUnmanaged("discovery-bench", 2);
            try {
                String prefix = "bench";
                SourceKit.createTopics(connect, prefix);
                Map<String, String> config = SourceKit.config(emu, apiKey, prefix);
                config.put("tasks.max", "2");
                config.put("memoram.access.discovery", "reason");
                config.put("memoram.access.request.reason", REASON);
                config.put("memoram.access.check.interval.ms", Long.toString(CHECK_INTERVAL_MS));
                config.put("poll.interval.ms", "60000");
                config.put("memoram.tags.enabled", "false");
                long t0 = System.nanoTime();
                connect.configureConnector("discovery-bench", config);
                String topic = prefix + ".memories";
                waitForUsers(connect, topic, USERS, Duration.ofMinutes(15));
                double initial = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "[bench] discovery: %d users, first record of every user after %.1f s%n",
                        USERS, initial);
                List<Double> seconds = new ArrayList<>();
                TaskStarts starts = new TaskStarts("discovery-bench");
                for (int a = 0; a < APPROVALS; a++) {
                    EmulatedUser u = emu.createUser();
                    emu.putBlob(u.userId(), "newcomer " + a, "t", List.of());
                    String request = emu.requestAccess(apiKey, u, REASON);
                    long start = System.nanoTime();
                    emu.approve(request);
                    waitForUser(connect, topic, u.userId(), Duration.ofMinutes(5));
                    double s = (System.nanoTime() - start) / 1e9;
                    seconds.add(s);
                    System.out.printf(Locale.ROOT, "[bench] discovery: approval %d -> first record in %.2f s (%d users known, check interval %d ms)%n",
                            a + 1, s, USERS + a, CHECK_INTERVAL_MS);
                }
                int restarts = starts.count();
                starts.close();
                System.out.printf(Locale.ROOT, "[bench] discovery: approval to first record, %d runs: min %.2f s, max %.2f s; %d task starts meanwhile%n",
                        seconds.size(), seconds.stream().mapToDouble(d -> d).min().orElse(0), seconds.stream().mapToDouble(d -> d).max().orElse(0),
                        restarts);
                if (args.length > 0) {
                    splice(java.nio.file.Path.of(args[0]), initial, seconds, restarts, loadAtStart, load());
                }
            } finally {
                connect.stop();
            }
        }
    }

    public static final String BEGIN = "<!-- discovery:begin -->";
    public static final String END = "<!-- discovery:end -->";

    /** Writes this run's numbers into their own block of the report, replacing the previous run's. */
    /** The machine's 1-minute load average: on a shared machine these timings say little without it. */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void splice(java.nio.file.Path doc, double initialSeconds, List<Double> seconds, int restarts,
                               double loadAtStart, double loadAtEnd) throws java.io.IOException {
        StringBuilder md = new StringBuilder(BEGIN).append("\n## Discovery at scale: from an approval to the user's first record\n\n")
                .append("<!-- Generated by `mvn -B -Pbench -Dbench.only=discovery` (io.memoram.connect.bench.DiscoveryBench). -->\n\n")
                .append(String.format(Locale.ROOT, "A source connector with `memoram.access.discovery=reason`, %,d approved users known, 2 tasks on an\n"
                        + "embedded Connect cluster of 2 workers, `memoram.access.check.interval.ms=%d`, against the emulator (no latency).\n"
                        + "All %,d users' first records arrived %.1f s after the connector was created. Then new users approved one at\n"
                        + "a time; each time below runs from the approval to that user's first record in the memories topic: the\n"
                        + "next listing of the account's requests by the task that owns the user (up to one check interval), that\n"
                        + "task reading the user's offsets and credentials, and the new user's first pass. No task restarts: %d task\n"
                        + "starts were counted during the approvals (users never move, docs/source.md). Load average (1 min) %.1f\n"
                        + "at the start, %.1f at the end, on the machine described at the top.\n\n",
                        USERS, CHECK_INTERVAL_MS, USERS, initialSeconds, restarts, loadAtStart, loadAtEnd))
                .append("| approval | users known | seconds to first record |\n|---:|---:|---:|\n");
        for (int i = 0; i < seconds.size(); i++) {
            md.append(String.format(Locale.ROOT, "| %d | %,d | %.2f |\n", i + 1, USERS + i, seconds.get(i)));
        }
        md.append("\nWith the default check interval (60 s) an approval waits up to a minute more for the listing that sees it.\n").append(END);
        String text = java.nio.file.Files.exists(doc) ? java.nio.file.Files.readString(doc) : "";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        String updated = b >= 0 && e > b ? text.substring(0, b) + md + text.substring(e + END.length()) : text + "\n" + md + "\n";
        java.nio.file.Files.writeString(doc, updated, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Set<String> users(EmbeddedConnectCluster connect, String topic) throws Exception {
        Set<String> users = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, topic)) {
            users.add(SourceKit.rec(r).userId());
        }
        return users;
    }

    private static void waitForUsers(EmbeddedConnectCluster connect, String topic, int n, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (users(connect, topic).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every user's record arrived within " + max);
            }
            Thread.sleep(1_000);
        }
    }

    private static void waitForUser(EmbeddedConnectCluster connect, String topic, String userId, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!users(connect, topic).contains(userId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("user " + userId + " did not arrive within " + max);
            }
            Thread.sleep(100);
        }
    }
}
