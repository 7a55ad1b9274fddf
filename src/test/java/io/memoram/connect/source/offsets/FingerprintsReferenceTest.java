package io.memoram.connect.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fingerprints are stored in offsets: the fast form (one reused buffer and digest per thread) must
 * give exactly the value of the plain per-field form it replaced, for any text (every UTF-8 length,
 * surrogate pairs, unpaired surrogates, which String.getBytes turns into '?'), or an upgrade would
 * re-emit every blob. The reference below is the former code, kept verbatim.
 */
class FingerprintsReferenceTest {
    private static final Instant AT = Instant.parse("2026-11-01T10:00:00.123Z");

    @Test
    void blobTagAndBucketValuesEqualThePerFieldForm() {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            MemoryBlob b = new MemoryBlob(text(random, 30), "u", i % 7 == 0 ? null : text(random, i % 50 == 0 ? 100_000 : 1_500),
                    AT.plusMillis(i), i % 5 == 0 ? null : AT.plusSeconds(i), text(random, 10), text(random, 20),
                    i % 3 == 0 ? null : text(random, 40), i % 4 == 0 ? null : random.nextDouble(), 0.5,
                    List.of(text(random, 5), text(random, 5)), i % 2 == 0 ? List.of() : List.of(text(random, 25)));
            assertThat(Fingerprints.blobBits(b)).as("blob %d", i).isEqualTo(referenceBlob(b));
            assertThat(Fingerprints.bucketIndex(b.id())).as("bucket of blob %d", i).isEqualTo(referenceBucket(b.id()));
            Tag t = new Tag(text(random, 25), text(random, 8), i % 2 == 0 ? null : text(random, 30), "#ff0000",
                    i % 3 == 0 ? null : i % 2 == 0, AT, AT.plusMillis(i));
            assertThat(Fingerprints.tag(t)).as("tag %d", i).isEqualTo(referenceTag(t));
        }
    }

    /** Text mixing ASCII, 2- and 3-byte characters, surrogate pairs and unpaired surrogates. */
    private static String text(Random random, int max) {
        int n = random.nextInt(max + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(8)) {
                case 0 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 1 -> sb.append((char) (0x800 + random.nextInt(0xD000)));
                case 2 -> sb.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
                case 3 -> sb.append((char) (0xD800 + random.nextInt(0x800))); // unpaired, or paired by chance
                default -> sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.toString();
    }

    // --- the former implementation ---

    private static long referenceBlob(MemoryBlob b) {
        MessageDigest d = sha256();
        field(d, "memory-blob/v1");
        field(d, b.id());
        field(d, b.updatedAt() == null ? null : b.updatedAt().toString());
        field(d, b.content());
        field(d, b.title());
        field(d, b.summary());
        list(d, b.tags());
        list(d, b.tagIds());
        field(d, b.importance() == null ? null : Double.toString(b.importance()));
        field(d, b.confidence() == null ? null : Double.toString(b.confidence()));
        field(d, b.source());
        field(d, b.createdAt() == null ? null : b.createdAt().toString());
        return first8(d.digest());
    }

    private static String referenceTag(Tag t) {
        MessageDigest d = sha256();
        field(d, "tag/v1");
        field(d, t.id());
        field(d, t.name());
        field(d, t.description());
        field(d, t.color());
        field(d, t.isEnabled() == null ? null : t.isEnabled().toString());
        field(d, t.createdAt() == null ? null : t.createdAt().toString());
        field(d, t.updatedAt() == null ? null : t.updatedAt().toString());
        return Fingerprints.encode(first8(d.digest()));
    }

    private static int referenceBucket(String id) {
        byte[] h = sha256().digest(id.getBytes(StandardCharsets.UTF_8));
        return (h[0] >> 4) & 0xf;
    }

    private static void list(MessageDigest d, List<String> values) {
        field(d, Integer.toString(values.size()));
        for (String v : new ArrayList<>(values)) {
            field(d, v);
        }
    }

    private static void field(MessageDigest d, String value) {
        if (value == null) {
            d.update(new byte[] {0});
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        d.update(new byte[] {1});
        d.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
        d.update(bytes);
    }

    private static long first8(byte[] digest) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xff);
        }
        return v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
