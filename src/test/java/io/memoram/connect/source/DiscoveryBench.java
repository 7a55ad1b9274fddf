package io.memoram.connect.source;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
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
 * approval is seen at the next listing), the task reconfiguration (every task restarts and
 * re-reads its users' offsets) and the new user's first pass. Printed, not asserted.
 */
public final class DiscoveryBench {
    static final int USERS = Integer.getInteger("bench.discovery.users", 1_000);
    static final int APPROVALS = Integer.getInteger("bench.discovery.approvals", 3);
    static final long CHECK_INTERVAL_MS = 1_000;
    private static final String REASON = "Discovery benchmark pipeline";

    private DiscoveryBench() { }

    public static void main(String[] args) throws Exception {
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
                System.out.printf(Locale.ROOT, "[bench] discovery: %d users, first record of every user after %.1f s%n",
                        USERS, (System.nanoTime() - t0) / 1e9);
                List<Double> seconds = new ArrayList<>();
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
                System.out.printf(Locale.ROOT, "[bench] discovery: approval to first record, %d runs: min %.2f s, max %.2f s%n",
                        seconds.size(), seconds.stream().mapToDouble(d -> d).min().orElse(0), seconds.stream().mapToDouble(d -> d).max().orElse(0));
            } finally {
                connect.stop();
            }
        }
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
