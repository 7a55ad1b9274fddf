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
        Scratch s = Scratch.get();
        s.field("memory-blob/v1");
        s.field(b.id());
        s.field(b.updatedAt() == null ? null : b.updatedAt().toString());
        s.field(b.content());
        s.field(b.title());
        s.field(b.summary());
        s.list(b.tags());
        s.list(b.tagIds());
        s.field(b.importance() == null ? null : Double.toString(b.importance()));
        s.field(b.confidence() == null ? null : Double.toString(b.confidence()));
        s.field(b.source());
        s.field(b.createdAt() == null ? null : b.createdAt().toString());
        return s.digest();
    }

    public static String tag(Tag t) {
        Scratch s = Scratch.get();
        s.field("tag/v1");
        s.field(t.id());
        s.field(t.name());
        s.field(t.description());
        s.field(t.color());
        s.field(t.isEnabled() == null ? null : t.isEnabled().toString());
        s.field(t.createdAt() == null ? null : t.createdAt().toString());
        s.field(t.updatedAt() == null ? null : t.updatedAt().toString());
        return encode(s.digest());
    }

    /** Which of the 16 buckets an item id belongs to: the first hex digit of SHA-256(id). Fixed forever. */
    public static String bucket(String id) {
        return SourceOffsets.BUCKETS.get(bucketIndex(id));
    }

    /** {@link #bucket} as 0..15. */
    public static int bucketIndex(String id) {
        Scratch s = Scratch.get();
        s.utf8(id);
        return (int) (s.digest() >>> 60);
    }

    /**
     * One thread's digest and byte buffer, reused for every fingerprint it computes: the fields are
     * written into the buffer in exactly the bytes the per-field form fed the digest (a length-
     * prefixed UTF-8 encoding), then hashed in one call. Same value, no arrays per field and no
     * provider look-up per blob. Fingerprints run on the pipeline's threads, a few per task.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        private final MessageDigest digest = Sha256.newDigest();
        private byte[] buf = new byte[4096];
        private int n;

        static Scratch get() {
            Scratch s = LOCAL.get();
            s.n = 0;
            return s;
        }

        void list(List<String> values) {
            field(Integer.toString(values.size()));
            for (String v : values) {
                field(v);
            }
        }

        /** Length-prefixed, with a null marker, so that field boundaries cannot be confused. */
        void field(String value) {
            if (value == null) {
                ensure(1);
                buf[n++] = NULL_MARK[0];
                return;
            }
            ensure(5);
            buf[n++] = VALUE_MARK[0];
            int lengthAt = n;
            n += 4;
            int start = n;
            utf8(value);
            int len = n - start;
            buf[lengthAt] = (byte) (len >>> 24);
            buf[lengthAt + 1] = (byte) (len >>> 16);
            buf[lengthAt + 2] = (byte) (len >>> 8);
            buf[lengthAt + 3] = (byte) len;
        }

        /** Appends {@code value} as UTF-8, as String.getBytes(UTF_8) does (an unpaired surrogate becomes '?'). */
        void utf8(String value) {
            int len = value.length();
            if (len > 32) {
                // Long text (the sealed content): the JDK's encoder has a vectorized path for Latin-1 strings.
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                ensure(bytes.length);
                System.arraycopy(bytes, 0, buf, n, bytes.length);
                n += bytes.length;
                return;
            }
            ensure(3 * len);
            byte[] b = buf;
            int at = n;
            for (int i = 0; i < len; i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    b[at++] = (byte) c;
                } else if (c < 0x800) {
                    b[at++] = (byte) (0xc0 | (c >> 6));
                    b[at++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    int cp = -1;
                    if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(value.charAt(i + 1))) {
                        cp = Character.toCodePoint(c, value.charAt(++i));
                    }
                    if (cp < 0) {
                        b[at++] = '?';
                    } else {
                        b[at++] = (byte) (0xf0 | (cp >> 18));
                        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                        b[at++] = (byte) (0x80 | (cp & 0x3f));
                    }
                } else {
                    b[at++] = (byte) (0xe0 | (c >> 12));
                    b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    b[at++] = (byte) (0x80 | (c & 0x3f));
                }
            }
            n = at;
        }

        private void ensure(int more) {
            if (buf.length - n < more) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }

        /** The first 8 bytes of SHA-256 over what was written; the digest is ready for the next use. */
        long digest() {
            digest.update(buf, 0, n);
            long v = first8(digest.digest());
            if (buf.length > 1 << 20) {
                buf = new byte[4096]; // one huge blob does not pin its size to the thread
            }
            n = 0;
            return v;
        }
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
