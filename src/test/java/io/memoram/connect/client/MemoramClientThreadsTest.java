package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each call's exchange runs on the caller's thread and the HTTP client's selector, never hopping
 * through a pool of the JDK client's own, nor through a thread started for it: with the JDK's default executor every call started on one
 * pool thread and was completed on another, which cost the sink about twice a plain client's CPU per
 * write in thread hand-offs (docs/benchmarks.md, section 4).
 */
class MemoramClientThreadsTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    @Test
    void callsStartNoThreadOfTheJdkClientsPool() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        emu.grantAccess(apiKey, user);
        Set<String> before = workerThreads();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            for (int i = 0; i < 20; i++) {
                client.createMemoryBlob(new NewMemoryBlob(user.userId(), user.memoryKey(), "c" + i, null, null, null, null,
                        null, "test"));
                client.listMemoryBlobs(user.userId(), null, null);
            }
            Set<String> started = workerThreads();
            started.removeAll(before);
            assertThat(started).isEmpty();
            assertThat(emu.blobs(user.userId())).hasSize(20);
        }
    }

    /**
     * The JDK's {@code sendAsync} hands every completion to the default {@code CompletableFuture}
     * executor, which starts a new thread per call where the common pool has one thread or none (two
     * cores or fewer, as on CI and many Connect containers). The client sends with the blocking
     * {@code send}, so calls start no thread: 200 calls started 200 threads before.
     */
    @Test
    void callsStartNoThreadPerCall() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        emu.grantAccess(apiKey, user);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            client.listMemoryBlobs(user.userId(), null, null); // the client's own threads and the token
            long before = threads.getTotalStartedThreadCount();
            for (int i = 0; i < 200; i++) {
                client.listMemoryBlobs(user.userId(), null, null);
            }
            // A margin for threads the JVM or the emulator start meanwhile; one per call would be 200.
            assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(20);
        }
    }

    /** Names of the JDK HttpClient's executor threads ("HttpClient-<n>-Worker-<m>") alive now. */
    private static Set<String> workerThreads() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().matches("HttpClient-\\d+-Worker-\\d+")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
