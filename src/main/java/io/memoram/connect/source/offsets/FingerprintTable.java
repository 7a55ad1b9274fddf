package io.memoram.connect.source.offsets;

import java.nio.charset.StandardCharsets;

/**
 * The compact part of a {@link Manifest}: Latin-1 ids to 64-bit fingerprints in an open
 * addressing table (linear probing, deletion by backward shift, so no tombstones). It exists apart
 * from the manifest's string form because it is all about heap: a task keeps every manifest of its
 * users in memory, and a byte array plus a long per entry is several times smaller than a map of
 * strings. The manifest walks the slots in table order to write its offset string, so that order
 * (capacity, probing, when to grow and shrink) is part of the stored offset format. Not
 * thread-safe; only Latin-1 ids may be put (see {@link #latin1}).
 */
final class FingerprintTable {
    private static final int MIN_CAPACITY = 8;

    private byte[][] keys = new byte[MIN_CAPACITY][];
    private long[] fingerprints = new long[MIN_CAPACITY];
    private int size;
    /** Changes whenever entries move between slots (growth, shrinking, deletion's backward shift). */
    private int layout;

    int size() {
        return size;
    }

    /** A number that changes whenever an entry moves to another slot: equal numbers, same slot for every entry kept. */
    int layout() {
        return layout;
    }

    /** Slots to walk with {@link #keyAt} (a power of two). */
    int capacity() {
        return keys.length;
    }

    /** The id in this slot as Latin-1 bytes, or null when the slot is empty. */
    byte[] keyAt(int slot) {
        return keys[slot];
    }

    long fingerprintAt(int slot) {
        return fingerprints[slot];
    }

    /** The slot holding {@code id}, or -1. */
    int find(String id) {
        int mask = keys.length - 1;
        int n = id.length();
        for (int i = mix(id.hashCode()) & mask; ; i = (i + 1) & mask) {
            byte[] k = keys[i];
            if (k == null) {
                return -1;
            }
            if (k.length == n && sameLatin1(k, id)) {
                return i;
            }
        }
    }

    /**
     * Adds or replaces; {@code id} must be {@link #latin1}. Returns the slot of a replaced entry, or
     * {@code ~slot} (negative) of an added one.
     */
    int put(String id, long fingerprint) {
        int slot = find(id);
        if (slot >= 0) {
            fingerprints[slot] = fingerprint;
            return slot;
        }
        if ((size + 1) * 4 > keys.length * 3) {
            resize(keys.length * 2);
        }
        slot = insert(toLatin1(id), id.hashCode(), fingerprint);
        size++;
        return ~slot;
    }

    boolean remove(String id) {
        int slot = find(id);
        if (slot < 0) {
            return false;
        }
        deleteSlot(slot);
        size--;
        return true;
    }

    private int insert(byte[] key, int hash, long fingerprint) {
        int mask = keys.length - 1;
        int i = mix(hash) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        fingerprints[i] = fingerprint;
        return i;
    }

    private void deleteSlot(int slot) {
        layout++;
        int mask = keys.length - 1;
        int hole = slot;
        keys[hole] = null;
        for (int i = (hole + 1) & mask; keys[i] != null; i = (i + 1) & mask) {
            int home = mix(latin1Hash(keys[i])) & mask;
            // Move the entry into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                fingerprints[hole] = fingerprints[i];
                keys[i] = null;
                hole = i;
            }
        }
        // Shrinks on the size before the removal (remove() counts down after): the slot order,
        // hence the stored offset string, depends on it.
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
            resize(keys.length / 2);
        }
    }

    private void resize(int capacity) {
        layout++;
        byte[][] oldKeys = keys;
        long[] oldFps = fingerprints;
        keys = new byte[capacity][];
        fingerprints = new long[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], latin1Hash(oldKeys[i]), oldFps[i]);
            }
        }
    }

    /** Whether every character of {@code id} fits in one Latin-1 byte (the table holds only those). */
    static boolean latin1(String id) {
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** String.hashCode of the Latin-1 string these bytes hold (so lookups reuse the String's cached hash). */
    private static int latin1Hash(byte[] k) {
        int h = 0;
        for (byte b : k) {
            h = 31 * h + (b & 0xff);
        }
        return h;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static boolean sameLatin1(byte[] k, String id) {
        for (int i = 0; i < k.length; i++) {
            if ((k[i] & 0xff) != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] toLatin1(String id) {
        return id.getBytes(StandardCharsets.ISO_8859_1);
    }
}
