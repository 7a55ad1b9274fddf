package io.memoram.connect.source.offsets;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Short change detectors for what the API returns: the first 8 bytes of SHA-256 over every field
 * that the emitted record reflects, Base64url without padding (11 characters). 64 bits keep the
 * per-item offset cost small while a false "unchanged" stays negligible (2^-64 per change).
 * The sealed content is hashed, not the plaintext: the fingerprint never depends on a key.
 */
public final class Fingerprints {
    static final int LENGTH = 11;
    private static final byte[] NULL_MARK = {0};
    private static final byte[] VALUE_MARK = {1};

    private Fingerprints() { }

    public static String blob(MemoryBlob b) {
        return encode(blobBits(b));
    }

    /** The fingerprint as the 64-bit value its 11 characters encode (what the manifest keeps in memory). */
    public static long blobBits(MemoryBlob b) {
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

    public static String tag(Tag t) {
        MessageDigest d = sha256();
        field(d, "tag/v1");
        field(d, t.id());
        field(d, t.name());
        field(d, t.description());
        field(d, t.color());
        field(d, t.isEnabled() == null ? null : t.isEnabled().toString());
        field(d, t.createdAt() == null ? null : t.createdAt().toString());
        field(d, t.updatedAt() == null ? null : t.updatedAt().toString());
        return encode(first8(d.digest()));
    }

    /** Which of the 16 buckets an item id belongs to: the first hex digit of SHA-256(id). Fixed forever. */
    public static String bucket(String id) {
        return SourceOffsets.BUCKETS.get(bucketIndex(id));
    }

    /** {@link #bucket} as 0..15. */
    public static int bucketIndex(String id) {
        byte[] h = sha256().digest(id.getBytes(StandardCharsets.UTF_8));
        return (h[0] >> 4) & 0xf;
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

    private static long first8(byte[] digest) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xff);
        }
        return v;
    }

    /** Returned by {@link #decode} for a string that is not a canonical fingerprint. */
    static final long NOT_CANONICAL = 0x8000_0000_0000_0001L;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    /** Base64url without padding of the 8 bytes, big-endian: 11 characters. */
    public static String encode(long v) {
        StringBuilder sb = new StringBuilder(LENGTH);
        encodeTo(v, sb);
        return sb.toString();
    }

    /** Writes the 11 characters at {@code at}; returns the index after them. */
    static int encodeTo(long v, byte[] out, int at) {
        for (int i = 0; i < 10; i++) {
            out[at++] = (byte) ALPHABET[(int) (v >>> (58 - 6 * i)) & 63];
        }
        out[at++] = (byte) ALPHABET[(int) (v & 0xf) << 2];
        return at;
    }

    static void encodeTo(long v, StringBuilder sb) {
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET[(int) (v >>> (58 - 6 * i)) & 63]);
        }
        sb.append(ALPHABET[(int) (v & 0xf) << 2]);
    }

    /**
     * The value of a canonical fingerprint string, or {@link #NOT_CANONICAL} (then the caller keeps
     * the string as it is; a real fingerprint equal to that value is merely kept as a string too).
     */
    static long decode(String s) {
        if (s.length() != LENGTH) {
            return NOT_CANONICAL;
        }
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            int x = c < 128 ? VALUES[c] : -1;
            if (x < 0) {
                return NOT_CANONICAL;
            }
            if (i < 10) {
                v = (v << 6) | x;
            } else {
                if ((x & 3) != 0) {
                    return NOT_CANONICAL;
                }
                v = (v << 4) | (x >> 2);
            }
        }
        return v;
    }

    private static MessageDigest sha256() {
        return Sha256.newDigest();
    }
}
