package io.memoram.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The yardstick of the sink: what a plain application pays to write the same records. A bare JDK
 * {@link HttpClient} (HTTP/1.1, as the sink speaks on cleartext), one JWT fetched up front,
 * {@code inFlight} threads each sealing a record with aes-gcm (the same cipher and key as the
 * sink), building the same JSON body with Jackson (same fields, a source of the same length) and
 * POSTing it, checking only the status. No retries, no ordering, no idempotency, no offsets.
 */
final class PlainClientBaseline {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlainClientBaseline() { }

    /** Creates sent a second time after their connection closed unanswered (each may have written a second blob). */
    static final java.util.concurrent.atomic.AtomicLong RESENT = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Writes every record (values as the sink gets them: user_id, content, title, tags); returns when
     * all are written, with the CPU time its own threads used (they end before a snapshot could see them).
     */
    static long write(MemoramEmulator emu, String apiKey, List<EmulatedUser> users, List<Map<String, Object>> values,
                      int inFlight) throws Exception {
        return write(emu, apiKey, users, values, inFlight, 0);
    }

    /**
     * As {@link #write(MemoramEmulator, String, List, List, int)}, but no faster than {@code perSecond} records
     * per second when that is positive: record i is not sent before i / perSecond seconds from the start. To
     * compare what the API spends per write at the same rate as a slower pipeline.
     */
    static long write(MemoramEmulator emu, String apiKey, List<EmulatedUser> users, List<Map<String, Object>> values,
                      int inFlight, double perSecond) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = token(http, emu.baseUrl(), apiKey);
        ContentCipher cipher = ContentCiphers.forName("aes-gcm");
        Map<String, EmulatedUser> byId = new LinkedHashMap<>();
        Map<String, EncryptionKey> keys = new LinkedHashMap<>();
        for (EmulatedUser u : users) {
            byId.put(u.userId(), u);
            keys.put(u.userId(), EncryptionKey.fromHex(u.encryptionKeyHex(), u.keyVersion()));
        }
        URI create = URI.create(emu.baseUrl() + "/memory-blobs");
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong cpu = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < inFlight; t++) {
            Thread thread = new Thread(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < values.size() && failure.get() == null) {
                        if (perSecond > 0) {
                            long due = start + (long) (i * 1e9 / perSecond);
                            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                                java.util.concurrent.locks.LockSupport.parkNanos(left);
                            }
                        }
                        Map<String, Object> v = values.get(i);
                        String userId = (String) v.get("user_id");
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("user_id", userId);
                        body.put("memoryKey", byId.get(userId).memoryKey());
                        body.put("content", cipher.seal((String) v.get("content"), keys.get(userId)));
                        body.put("title", v.get("title"));
                        body.put("tags", v.get("tags"));
                        body.put("source", "kafka-connect #kc:" + String.format("%022d", i)); // same length as a marker
                        HttpRequest request = HttpRequest.newBuilder(create)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
                        HttpResponse<byte[]> r;
                        try {
                            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        } catch (java.io.IOException e) {
                            // The connection closed before the response's first byte (seen now and then on loopback
                            // under load): a plain application sends again, and may so write the blob twice, which
                            // the bench's count allows (RESENT); the sink instead lists before resending a create.
                            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                                throw e;
                            }
                            RESENT.incrementAndGet();
                            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        }
                        if (r.statusCode() != 201 && r.statusCode() != 200) {
                            throw new IllegalStateException("POST /memory-blobs answered " + r.statusCode());
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    cpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }, "plain-client-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return cpu.get();
    }

    private static String token(HttpClient http, String baseUrl, String apiKey) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("api_key", apiKey)))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode node = JSON.readTree(r.body());
        return node.get("token").asText();
    }
}
