package io.memoram.connect.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.client.Secret;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's write path against a plain JDK {@code HttpClient} posting the same sealed blobs, same
 * number of threads, same emulator, in one JVM: creates per second, and CPU per request split into
 * the emulator's threads (the server's cost per request) and everything else (the client's). Not part
 * of {@code BenchMain}; run alone after {@code mvn -B test-compile}:
 * {@code java -cp target/classes:target/test-classes:<test classpath> io.memoram.connect.bench.ClientWriteBench [requests] [threads] [client|plain|both]}.
 */
public final class ClientWriteBench {
    private static final int USERS = 4;
    private static final int CONTENT_BYTES = 1024;
    private static final int ROUNDS = Integer.getInteger("rounds", 3);

    record Result(String name, int requests, double seconds, long clientCpuNs, long serverCpuNs,
                  Map<String, ThreadGroupsCpu.Usage> threads) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "%-14s %8.0f req/s  client %6.1f us/req  server %6.1f us/req", name, requests / seconds,
                    clientCpuNs / 1e3 / requests, serverCpuNs / 1e3 / requests));
            threads.forEach((group, u) -> b.append(String.format(Locale.ROOT,
                    "%n      %-22s %6.1f us/req (%3.0f %% busy)  %4.2f switches/req", group,
                    (u.userMs() + u.systemMs()) * 1e3 / requests, (u.userMs() + u.systemMs()) / 10 / seconds,
                    (double) u.switches() / requests)));
            return b.toString();
        }
    }

    private ClientWriteBench() { }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        String only = args.length > 2 ? args[2] : "both";
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            String apiKey = emu.createApiKey();
            List<EmulatedUser> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                EmulatedUser user = emu.createUser();
                emu.grantAccess(apiKey, user);
                users.add(user);
            }
            Random random = new Random(7);
            List<NewMemoryBlob> blobs = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                EmulatedUser user = users.get(i % USERS);
                blobs.add(new NewMemoryBlob(user.userId(), user.memoryKey(),
                        emu.seal(user.userId(), BenchData.text(CONTENT_BYTES, random)), "note " + i, null,
                        List.of("bench"), null, null, "bench #kc:" + Integer.toHexString(i)));
            }
            MemoramClient client = MemoramClient.create(MemoramClientConfig
                    .builder(URI.create(emu.baseUrl()), Secret.of(apiKey)).build()).withRetry(RetryPolicy.NONE);
            Plain plain = new Plain(emu.baseUrl(), client.issueToken().token());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round <= ROUNDS; round++) {
                    if (!only.equals("plain")) {
                        Result c = run("MemoramClient", pool, threads, blobs, b -> client.createMemoryBlob(b).id());
                        if (round > 0) { // round 0 warms up
                            System.out.println("round " + round + ": " + c);
                        }
                    }
                    if (!only.equals("client")) {
                        Result p = run("plain JDK", pool, threads, blobs, plain::create);
                        if (round > 0) {
                            System.out.println("round " + round + ": " + p);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
                client.close();
            }
        }
        System.exit(0);
    }

    interface Writer {
        String create(NewMemoryBlob blob) throws Exception;
    }

    private static Result run(String name, ExecutorService pool, int threads, List<NewMemoryBlob> blobs, Writer writer)
            throws Exception {
        System.gc();
        long cpu0 = processCpu();
        long server0 = emulatorCpu();
        ThreadGroupsCpu.Snapshot threads0 = ThreadGroupsCpu.snapshot();
        long t0 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < blobs.size(); i = next.getAndIncrement()) {
                    if (writer.create(blobs.get(i)) == null) {
                        throw new IllegalStateException("no id");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long server = emulatorCpu() - server0;
        long total = processCpu() - cpu0;
        Map<String, ThreadGroupsCpu.Usage> byGroup = new java.util.TreeMap<>(ThreadGroupsCpu.since(threads0));
        byGroup.values().removeIf(u -> u.userTicks() + u.systemTicks() == 0);
        return new Result(name, blobs.size(), seconds, total - server, server, byGroup);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU of the emulator's handler threads and its HTTP server's dispatcher: the server's work. */
    private static long emulatorCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("memoram-emulator-")
                    || info.getThreadName().startsWith("HTTP-Dispatcher"))) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** What a plain client does: one HttpClient, the JSON written by databind, the status checked, the id read. */
    private static final class Plain {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final ObjectMapper mapper = new ObjectMapper();
        private final URI uri;
        private final String authorization;

        Plain(String baseUrl, String token) {
            this.uri = URI.create(baseUrl + "/memory-blobs");
            this.authorization = "Bearer " + token;
        }

        String create(NewMemoryBlob b) throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user_id", b.userId());
            body.put("memoryKey", b.memoryKey());
            body.put("content", b.content());
            body.put("title", b.title());
            body.put("tags", b.tags());
            body.put("source", b.source());
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
            return mapper.readTree(response.body()).get("id").asText();
        }
    }
}
