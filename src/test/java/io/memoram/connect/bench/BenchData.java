package io.memoram.connect.bench;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.source.SourceBenchAccess;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic synthetic data shaped like the API's: cuid blob ids, uuid user ids, text content. */
final class BenchData {
    static final String USER_ID = "6f1c2a9e-3b7d-4c55-9a61-0d2e8f4b7c13";
    private static final char[] ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final String WORDS = "the user likes green tea and long walks remembers a meeting about kafka "
            + "connect offsets prefers mornings \u00e9t\u00e9 caf\u00e9 ";

    private BenchData() { }

    /** A cuid as the API hands out: 'c' and 24 lower-case alphanumerics (25 characters). */
    static String cuid(Random random) {
        StringBuilder sb = new StringBuilder(25).append('c');
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHANUM[random.nextInt(ALPHANUM.length)]);
        }
        return sb.toString();
    }

    /** Text of exactly {@code bytes} UTF-8 bytes. */
    static String text(int bytes, Random random) {
        StringBuilder sb = new StringBuilder(bytes);
        int utf8 = 0;
        while (true) {
            char c = WORDS.charAt(random.nextInt(WORDS.length()));
            int len = c < 0x80 ? 1 : 2;
            if (utf8 + len > bytes) {
                break;
            }
            sb.append(c);
            utf8 += len;
        }
        while (utf8 < bytes) {
            sb.append('.');
            utf8++;
        }
        return sb.toString();
    }

    /** {@code n} blob ids of one user with the fingerprints the source computes for them, in emission order. */
    static Map<String, String> fingerprints(int n, long seed) {
        Random random = new Random(seed);
        Instant t = Instant.parse("2026-11-01T10:00:00.123Z");
        Map<String, String> out = new LinkedHashMap<>();
        while (out.size() < n) {
            String id = cuid(random);
            Instant at = t.plusMillis(out.size());
            MemoryBlob b = new MemoryBlob(id, USER_ID, "AAAA" + id, at, at, "chat", "title " + out.size(), null,
                    0.5, 0.9, List.of("work"), List.of("ctag000000000000000000001"));
            out.put(id, SourceBenchAccess.fingerprint(b));
        }
        return out;
    }
}
