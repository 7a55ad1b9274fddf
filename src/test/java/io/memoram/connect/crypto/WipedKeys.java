package io.memoram.connect.crypto;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Test access to the key arrays themselves, to check that they were zeroed rather than just dropped.
 *
 * <p>Looking at the ring only after the wipe proves nothing: a wipe that empties the ring's list (or
 * swaps in other arrays) instead of zeroing the arrays leaves nothing non-zero to find. So every
 * array this class has seen for a ring is remembered (weakly, by the ring's identity) and checked
 * again later, an empty set of arrays is an error rather than "all zero", and {@link #capture} keeps
 * the references explicitly for a test that wants them.
 */
public final class WipedKeys {
    /** Ring -> every key array seen in it so far (identity sets). Weak keys: rings die with their tests. */
    private static final Map<KeyRing, Set<byte[]>> SEEN = Collections.synchronizedMap(new WeakHashMap<>());

    private WipedKeys() { }

    /** The arrays holding the ring's keys right now (not copies). */
    public static List<byte[]> arrays(KeyRing ring) {
        List<byte[]> out = new ArrayList<>();
        for (EncryptionKey key : keysOf(ring)) {
            out.add(key.rawBytesForTest());
        }
        remember(ring, out);
        return out;
    }

    /** The arrays of the ring held in {@code holder}'s private field {@code ring} (a UserAccess), or of a ring itself. */
    public static List<byte[]> arrays(Object holder) {
        return arrays(ringOf(holder));
    }

    /**
     * Whether every byte of every key array ever seen for {@code holder}'s ring (by this class,
     * before the wipe too) and of the ring's current keys is zero.
     *
     * @throws AssertionError when no key array was ever seen, or one is empty: there is nothing to
     *         show a wipe, e.g. a ring emptied instead of zeroed, or the key-less stand-in
     */
    public static boolean allZero(Object holder) {
        KeyRing ring = ringOf(holder);
        arrays(ring);
        return Captured.check(seen(ring), "the ring of " + holder);
    }

    /**
     * The ring's key arrays now, before a wipe: checks they are there and not zero yet, and keeps the
     * references so {@link Captured#allZero()} can look at those very arrays afterwards.
     */
    public static Captured capture(Object holder) {
        List<byte[]> arrays = arrays(holder);
        if (arrays.isEmpty()) {
            throw new AssertionError("the ring of " + holder + " holds no key to capture");
        }
        if (Captured.check(arrays, "the ring of " + holder)) {
            throw new AssertionError("the keys of " + holder + " are zero already: nothing to show a later wipe");
        }
        return new Captured(List.copyOf(arrays), String.valueOf(holder));
    }

    /** Key arrays captured before a wipe. */
    public static final class Captured {
        private final List<byte[]> arrays;
        private final String what;

        private Captured(List<byte[]> arrays, String what) {
            this.arrays = arrays;
            this.what = what;
        }

        public int size() {
            return arrays.size();
        }

        /** Whether every captured array is zero now. */
        public boolean allZero() {
            return check(arrays, what);
        }

        static boolean check(Iterable<byte[]> arrays, String what) {
            boolean any = false;
            boolean zero = true;
            for (byte[] bytes : arrays) {
                any = true;
                if (bytes.length == 0) {
                    throw new AssertionError(what + " holds an empty key array: a key-less stand-in shows no wipe");
                }
                for (byte b : bytes) {
                    zero &= b == 0;
                }
            }
            if (!any) {
                throw new AssertionError(what + " has no key arrays to check: a ring emptied instead of zeroed "
                        + "would look wiped");
            }
            return zero;
        }
    }

    private static void remember(KeyRing ring, List<byte[]> arrays) {
        synchronized (SEEN) {
            SEEN.computeIfAbsent(ring, r -> Collections.newSetFromMap(new IdentityHashMap<>())).addAll(arrays);
        }
    }

    private static List<byte[]> seen(KeyRing ring) {
        synchronized (SEEN) {
            Set<byte[]> arrays = SEEN.get(ring);
            return arrays == null ? List.of() : new ArrayList<>(arrays);
        }
    }

    private static KeyRing ringOf(Object holder) {
        return holder instanceof KeyRing ring ? ring : (KeyRing) field(holder, "ring");
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
