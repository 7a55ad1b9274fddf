package io.memoram.connect.bench;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import io.memoram.connect.source.SourceBenchAccess;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The task's own work per blob, without HTTP or Kafka ({@code -Dbench.only=source-blob}): a user's
 * first pass of 2,000 blobs in pages of 100 through the stream's page step (fingerprint, decision,
 * aes-gcm open, record, offsets), on one thread, timed by that thread's CPU clock. On a shared
 * machine this moves much less than the rates do, so it is what to compare between two builds.
 * Beside it, what the plain client does with the same blobs: open each one.
 */
final class SourceBlobCpuBench {
    static final int BLOBS = Integer.getInteger("bench.blob.blobs", 2_000);
    static final int PAGE = 100;
    static final int ROUNDS = Integer.getInteger("bench.blob.rounds", 15);

    private SourceBlobCpuBench() { }

    static void run() {
        Random random = new Random(29);
        ContentCipher cipher = ContentCiphers.forName("aes-gcm");
        byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        EncryptionKey key = EncryptionKey.fromHex(java.util.HexFormat.of().formatHex(keyBytes), 1);
        List<List<MemoryBlob>> pages = new ArrayList<>();
        Instant t = Instant.parse("2026-11-01T10:00:00.123Z");
        for (int p = 0; p < BLOBS / PAGE; p++) {
            List<MemoryBlob> page = new ArrayList<>();
            for (int i = 0; i < PAGE; i++) {
                int n = p * PAGE + i;
                String id = BenchData.cuid(random);
                page.add(new MemoryBlob(id, BenchData.USER_ID, cipher.seal(BenchData.text(1024, random), key), t.plusMillis(n), t.plusMillis(n),
                        "chat", "title " + n, null, 0.5, 0.9, List.of("bench", "t" + (n % 8)), List.of()));
            }
            pages.add(page);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] task = new double[ROUNDS];
        double[] plain = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long records = SourceBenchAccess.applyPass(BenchData.USER_ID, pages, content -> cipher.open(content, key));
            long c1 = threads.getCurrentThreadCpuTime();
            long opened = 0;
            for (List<MemoryBlob> page : pages) {
                for (MemoryBlob b : page) {
                    opened += cipher.open(b.content(), key).length();
                }
            }
            long c2 = threads.getCurrentThreadCpuTime();
            if (records != BLOBS || opened == 0) {
                throw new IllegalStateException("pass made " + records + " records");
            }
            task[r] = (c1 - c0) / 1e3 / BLOBS;
            plain[r] = (c2 - c1) / 1e3 / BLOBS;
        }
        // The first third warms the JIT.
        double[] tk = Arrays.copyOfRange(task, ROUNDS / 3, ROUNDS);
        double[] pl = Arrays.copyOfRange(plain, ROUNDS / 3, ROUNDS);
        Arrays.sort(tk);
        Arrays.sort(pl);
        System.out.printf(Locale.ROOT, "| source page step | %.1f µs/blob (median; min %.1f) | open only | %.1f µs/blob (median; min %.1f) | own work beyond the open | %.1f µs/blob |%n",
                tk[tk.length / 2], tk[0], pl[pl.length / 2], pl[0], tk[tk.length / 2] - pl[pl.length / 2]);
    }
}
