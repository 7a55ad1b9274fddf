package io.memoram.connect.crypto;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/** Test access to the key arrays themselves, to check that they were zeroed rather than just dropped. */
public final class WipedKeys {
    private WipedKeys() { }

    /** The arrays holding the ring's keys (not copies). */
    public static List<byte[]> arrays(KeyRing ring) {
        List<byte[]> out = new ArrayList<>();
        for (EncryptionKey key : keysOf(ring)) {
            out.add(key.rawBytesForTest());
        }
        return out;
    }

    /** The arrays of the ring held in {@code holder}'s private field {@code ring} (a UserAccess). */
    public static List<byte[]> arrays(Object holder) {
        return arrays((KeyRing) field(holder, "ring"));
    }

    /** Whether every byte of every key of {@code holder}'s ring is zero. */
    public static boolean allZero(Object holder) {
        for (byte[] bytes : arrays(holder)) {
            for (byte b : bytes) {
                if (b != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static List<EncryptionKey> keysOf(KeyRing ring) {
        return (List<EncryptionKey>) field(ring, "keys");
    }

    /** A private field's value (tests only). */
    public static Object field(Object holder, String name) {
        try {
            Field f = holder.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(holder);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no field " + name + " in " + holder.getClass(), e);
        }
    }
}
