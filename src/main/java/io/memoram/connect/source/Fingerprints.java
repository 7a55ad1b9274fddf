package io.memoram.connect.source;

import io.memoram.connect.client.MemoryBlob;
import io.memoram.connect.client.Tag;
import io.memoram.connect.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * Short change detectors for what the API returns: the first 8 bytes of SHA-256 over every field
 * that the emitted record reflects, Base64url without padding (11 characters). 64 bits keep the
 * per-item offset cost small while a false "unchanged" stays negligible (2^-64 per change).
 * The sealed content is hashed, not the plaintext: the fingerprint never depends on a key.
 */
final class Fingerprints {
    static final int LENGTH = 11;
    private static final byte[] NULL_MARK = {0};
    private static final byte[] VALUE_MARK = {1};

    private Fingerprints() { }

    static String blob(MemoryBlob b) {
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
        return encode(d.digest());
    }

    static String tag(Tag t) {
        MessageDigest d = sha256();
        field(d, "tag/v1");
        field(d, t.id());
        field(d, t.name());
        field(d, t.description());
        field(d, t.color());
        field(d, t.isEnabled() == null ? null : t.isEnabled().toString());
        field(d, t.createdAt() == null ? null : t.createdAt().toString());
        field(d, t.updatedAt() == null ? null : t.updatedAt().toString());
        return encode(d.digest());
    }

    /** Which of the 16 buckets an item id belongs to: the first hex digit of SHA-256(id). Fixed forever. */
    static String bucket(String id) {
        byte[] h = sha256().digest(id.getBytes(StandardCharsets.UTF_8));
        return Character.toString(Character.forDigit((h[0] >> 4) & 0xf, 16));
    }

    private static void list(MessageDigest d, List<String> values) {
        field(d, Integer.toString(values.size()));
        for (String v : values) {
            field(d, v);
        }
    }

    /** Length-prefixed, with a null marker, so that field boundaries cannot be confused. */
    private static void field(MessageDigest d, String value) {
        if (value == null) {
            d.update(NULL_MARK);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        d.update(VALUE_MARK);
        d.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
        d.update(bytes);
    }

    private static String encode(byte[] digest) {
        byte[] first = new byte[8];
        System.arraycopy(digest, 0, first, 0, 8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(first);
    }

    private static MessageDigest sha256() {
        return Sha256.newDigest();
    }
}
